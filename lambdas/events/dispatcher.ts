/**
 * SQS jobs queue → AWS Batch. Each message is work for one record; a message that fails is
 * reported back (partial batch response) so SQS redelivers it, and after `maxReceiveCount`
 * failures moves it to the dead-letter queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { recordDispatchFailure } from '../../core/usecases/dead-letter';
import { dispatch } from '../../core/usecases/work';
import { workMessageSchema } from '../../core/work-queue';
import { logger, tracer } from '../shared/powertools';

const dispatchAll = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const message = workMessageSchema.parse(JSON.parse(record.body));
      const outcome = await dispatch(message);
      logger.info('dispatched', { ...message, outcome });
    } catch (error) {
      logger.error('dispatch failed; the message will be retried', { messageId: record.messageId, error: error as Error });
      await recordDispatchFailure(record.body, error);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
};

export const handler = middy(dispatchAll).use(captureLambdaHandler(tracer)).use(injectLambdaContext(logger, { resetKeys: true }));
