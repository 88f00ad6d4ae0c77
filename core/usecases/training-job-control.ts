/** Stopping and deleting training jobs. */
import { ConflictError } from '../errors';
import { deleteRecordObjects } from '../objects';
import * as records from '../records/store';
import type { TrainingJob, TrainingJobStatus } from '../records/types';
import { allRecords } from './record-usage';
import { terminateBatchJob } from './work/batch-jobs';

const unfinished: TrainingJobStatus[] = ['queued', 'starting', 'running'];
const isUnfinished = (job: TrainingJob) => unfinished.includes(job.status);
const startsFromJob = (source: TrainingJob['weightsFrom'], jobId: string) =>
  source !== undefined && 'trainingJobId' in source && source.trainingJobId === jobId;

/**
 * Cancels a queued, starting or running job. The record turns `cancelled` first (conditional on it
 * still being unfinished), so the dispatcher will not claim it and later Batch events cannot change
 * it; then the Batch job, if one was submitted, is terminated. Should that call fail, the worker
 * still stops: its next progress write finds the job cancelled.
 */
export async function cancelTrainingJob(tenantId: string, id: string): Promise<TrainingJob> {
  const job = await records.get('training-jobs', tenantId, id);
  if (!isUnfinished(job)) throw notCancellable(job);
  const now = new Date().toISOString();
  const cancelled = await records.update('training-jobs', tenantId, id, {
    set: { status: 'cancelled', cancelledAt: now, finishedAt: now },
    condition: '#status IN (:queued, :starting, :running)',
    names: { '#status': 'status' },
    values: { ':queued': 'queued', ':starting': 'starting', ':running': 'running' },
  });
  // It finished (or was cancelled) between our read and our write.
  if (!cancelled) throw notCancellable(await records.get('training-jobs', tenantId, id));
  if (cancelled.batchJobId) await terminateBatchJob(cancelled.batchJobId, `training job ${id} was cancelled`);
  return cancelled;
}

const notCancellable = (job: TrainingJob) =>
  new ConflictError(
    `training job ${job.id} is already ${job.status}; only queued, starting or running jobs can be cancelled`,
  );

/**
 * Deletes a finished job: its objects (log, snapshots, model) first, then the record, so a failure
 * half-way leaves a record to retry the delete on, never objects without a record. A job another
 * unfinished job starts from (weightsFrom/resumeFrom) is kept until that one has finished; one whose
 * weights a model publishes is kept until the model is deleted.
 */
export async function deleteTrainingJob(tenantId: string, id: string, by?: { sweep: true }): Promise<void> {
  const job = await records.get('training-jobs', tenantId, id);
  // A sweep's trials are read from their jobs: those go with the sweep.
  if (job.sweepId && !by?.sweep && (await records.find('sweeps', tenantId, job.sweepId)))
    throw new ConflictError(
      `training job ${id} is a trial of sweep ${job.sweepId}; delete the sweep (DELETE /v1/sweeps/${job.sweepId})`,
    );
  if (isUnfinished(job))
    throw new ConflictError(
      `training job ${id} is ${job.status}; cancel it (POST /v1/training-jobs/${id}/cancel) before deleting it`,
    );
  const dependents = (await allRecords('training-jobs', tenantId)).filter(
    (other) => isUnfinished(other) && (startsFromJob(other.weightsFrom, id) || other.resumeFrom?.trainingJobId === id),
  );
  if (dependents.length)
    throw new ConflictError(
      `training job ${id} is the starting point of ` +
        `${dependents.map((d) => `${d.id} (${d.status})`).join(', ')}; delete it once they have ` +
        `finished`,
    );
  const models = (await allRecords('models', tenantId)).filter((m) => m.lineage?.trainingJobId === id);
  if (models.length)
    throw new ConflictError(
      `training job ${id}'s weights are published as model ${models.map((m) => m.id).join(', ')}; ` +
        "delete the model first (models point at the job's weights, they hold no copy)",
    );
  await deleteRecordObjects(tenantId, 'training-jobs', id);
  await records.remove('training-jobs', tenantId, id, {
    condition: 'NOT #status IN (:queued, :starting, :running)',
    names: { '#status': 'status' },
    values: { ':queued': 'queued', ':starting': 'starting', ':running': 'running' },
  });
}
