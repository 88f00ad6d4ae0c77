/** EventBridge "Batch Job State Change" → the record's status, attempts and failure reason. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import { applyBatchEvent, type BatchJobDetail } from '../../core/usecases/work/batch-events';
import { logger, tracer } from '../shared/powertools';

const onStateChange = async (event: EventBridgeEvent<'Batch Job State Change', BatchJobDetail>): Promise<void> => {
  logger.info('batch job state change', { jobId: event.detail.jobId, status: event.detail.status });
  await applyBatchEvent(event.detail);
};

export const handler = middy(onStateChange)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }));
