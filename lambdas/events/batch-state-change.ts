/** EventBridge "Batch Job State Change" → the record's status, attempts and failure reason. */
import type { EventBridgeEvent } from 'aws-lambda';
import { advanceSweepOfJob } from '../../core/usecases/sweeps';
import { applyBatchEvent, type BatchJobDetail } from '../../core/usecases/work/batch-events';
import { eventHandler } from '../shared/events';
import { logger } from '../shared/powertools';

const onStateChange = async (event: EventBridgeEvent<'Batch Job State Change', BatchJobDetail>): Promise<void> => {
  logger.info('batch job state change', { jobId: event.detail.jobId, status: event.detail.status });
  await applyBatchEvent(event.detail);
  // A sweep's trial job that ended frees a place: the sweep starts or promotes its next trials.
  const { action, tenantId, recordId } = event.detail.parameters ?? {};
  if (action === 'train' && tenantId && recordId && ['SUCCEEDED', 'FAILED'].includes(event.detail.status))
    await advanceSweepOfJob(tenantId, recordId);
};

export const handler = eventHandler('batch-state-change', onStateChange);
