/** EventBridge "Batch Job State Change" → the record's status, attempts and failure reason. */
import type { EventBridgeEvent } from 'aws-lambda';
import { applyBatchEvent, type BatchJobDetail } from '../../core/usecases/work/batch-events';
import { eventHandler } from '../shared/events';
import { logger } from '../shared/powertools';

const onStateChange = async (event: EventBridgeEvent<'Batch Job State Change', BatchJobDetail>): Promise<void> => {
  logger.info('batch job state change', { jobId: event.detail.jobId, status: event.detail.status });
  await applyBatchEvent(event.detail);
};

export const handler = eventHandler('batch-state-change', onStateChange);
