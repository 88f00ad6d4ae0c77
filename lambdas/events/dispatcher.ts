/**
 * SQS jobs queue → AWS Batch, as a scheduler: each work message puts its record among the work
 * waiting for a worker, then one dispatch pass starts whatever capacity allows, choosing fairly
 * among all waiting work (core/usecases/work/queue-messages.ts). Work still waiting gets its
 * message back later (not a failure); a message that fails is reported back (partial batch
 * response) so SQS redelivers it, and after `maxReceiveCount` failures moves it to the DLQ.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recordDispatchFailure } from '../../core/usecases/dead-letter';
import { handleQueueMessages } from '../../core/usecases/work/queue-messages';
import { queueMessageSchema, type QueueMessage } from '../../core/work-queue';
import { eventHandler } from '../shared/events';
import { logger } from '../shared/powertools';

const dispatchAll = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const parsed: Array<{ messageId: string; body: string; message: QueueMessage }> = [];
  for (const record of event.Records) {
    try {
      parsed.push({
        messageId: record.messageId,
        body: record.body,
        message: queueMessageSchema.parse(JSON.parse(record.body)),
      });
    } catch (error) {
      logger.error('unreadable message; it will be retried, then dead-lettered', {
        messageId: record.messageId,
        error: error as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  const outcomes = await handleQueueMessages(parsed.map((p) => p.message));
  for (const [i, { messageId, body, message }] of parsed.entries()) {
    const outcome = outcomes[i]!;
    if (!(outcome instanceof Error)) {
      logger.info('dispatched', { ...message, outcome });
      continue;
    }
    logger.error('dispatch failed; the message will be retried', { messageId, ...message, error: outcome });
    // The reason stays on the record, so a message that ends in the dead-letter queue fails its record with it.
    await recordDispatchFailure(body, outcome);
    batchItemFailures.push({ itemIdentifier: messageId });
  }
  return { batchItemFailures };
};

export const handler = eventHandler('dispatcher', dispatchAll);
