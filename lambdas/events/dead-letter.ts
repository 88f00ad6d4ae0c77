/**
 * Jobs dead-letter queue → the record of each poison message is marked failed with the reason the
 * dispatcher last recorded (core/usecases/dead-letter.ts). A message this handler itself fails on
 * is reported back and retried (partial batch response).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { failDeadLetteredWork } from '../../core/usecases/dead-letter';
import { eventHandler } from '../shared/events';
import { logger } from '../shared/powertools';

const onDeadLetters = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const outcome = await failDeadLetteredWork(record.body);
      // Anything but "failed" needs no action, but an operator reading the DLQ alarm wants to know why.
      logger[outcome === 'unreadable' ? 'error' : 'warn']('dead-lettered work message', {
        messageId: record.messageId,
        body: record.body,
        outcome,
      });
    } catch (error) {
      logger.error('could not handle a dead-lettered message; it will be retried', {
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

export const handler = eventHandler('dead-letter', onDeadLetters);
