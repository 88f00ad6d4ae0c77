/**
 * SQS jobs queue → AWS Batch, as a scheduler: each work message puts its record among the work
 * waiting for a worker, then one dispatch pass starts whatever capacity allows, choosing fairly
 * among all waiting work (core/usecases/work.ts handleQueueMessages). Work still waiting gets its
 * message back later (not a failure); a message that fails is reported back (partial batch
 * response) so SQS redelivers it, and after `maxReceiveCount` failures moves it to the DLQ.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { handleQueueMessages } from '../../core/usecases/work';
import { queueMessageSchema, type QueueMessage } from '../../core/work-queue';
import { logger } from '../shared/powertools';

const dispatchAll = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const parsed: Array<{ messageId: string; message: QueueMessage }> = [];
  for (const record of event.Records) {
    try {
      parsed.push({ messageId: record.messageId, message: queueMessageSchema.parse(JSON.parse(record.body)) });
    } catch (error) {
      logger.error('unreadable message; it will be retried, then dead-lettered', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  const outcomes = await handleQueueMessages(parsed.map((p) => p.message));
  parsed.forEach(({ messageId, message }, i) => {
    const outcome = outcomes[i]!;
    if (!(outcome instanceof Error)) return void logger.info('dispatched', { ...message, outcome });
    logger.error('dispatch failed; the message will be retried', { messageId, ...message, error: outcome });
    batchItemFailures.push({ itemIdentifier: messageId });
  });
  return { batchItemFailures };
};

export const handler = middy(dispatchAll).use(injectLambdaContext(logger, { resetKeys: true }));
