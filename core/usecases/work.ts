/**
 * Background work (dataset preparation, training) and its life cycle:
 * API → record + SQS message → dispatcher → Batch SubmitJob → Batch state change events → record.
 * The record's status is written only by conditional updates, so duplicate deliveries, racing
 * dispatchers and out-of-order events cannot move it backwards or onto a stale Batch job.
 */
import { SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { batch } from '../aws/clients';
import { requireEnv } from '../env';
import * as records from '../records/store';
import type { ClassifyJob, Datafile, Dataset, RecordsByCollection, Solver, TrainingJob, WorkCollection } from '../records/types';
import { envNames, workerActionCollections, type WorkerAction } from '../topology';
import { enqueueWork, type WorkMessage } from '../work-queue';

/** A work record's life cycle, whatever the collection calls each phase. */
export type Phase = 'queued' | 'starting' | 'running' | 'succeeded' | 'failed';

const statusOf: Record<WorkCollection, Record<Phase, string>> = {
  datasets: { queued: 'pending', starting: 'processing', running: 'processing', succeeded: 'ready', failed: 'failed' },
  'training-jobs': { queued: 'queued', starting: 'starting', running: 'running', succeeded: 'succeeded', failed: 'failed' },
  datafiles: { queued: 'processing', starting: 'processing', running: 'processing', succeeded: 'ready', failed: 'failed' },
  solvers: { queued: 'pending', starting: 'pending', running: 'pending', succeeded: 'ready', failed: 'failed' },
  'classify-jobs': { queued: 'queued', starting: 'starting', running: 'running', succeeded: 'succeeded', failed: 'failed' },
};
/** The attribute the worker writes when the work produced its result; SUCCEEDED without it is a failure. */
const resultAttribute: Record<WorkCollection, string> = { datasets: 'preparedAt', 'training-jobs': 'model', datafiles: 'inspectedAt', solvers: 'importedAt', 'classify-jobs': 'results' };
const terminal = ['ready', 'succeeded', 'failed', 'cancelled'];
const collectionOf: Record<WorkerAction, WorkCollection> = workerActionCollections;
const actionOf = Object.fromEntries(Object.entries(collectionOf).map(([action, collection]) => [collection, action])) as Record<WorkCollection, WorkerAction>;

type WorkRecord = Dataset | TrainingJob | Datafile | Solver | ClassifyJob;

/** Sends the record's work message; if the queue is unreachable the record fails visibly instead of waiting forever. */
export async function enqueueOrFail(collection: WorkCollection, record: WorkRecord, action: WorkerAction): Promise<void> {
  try {
    await enqueueWork({ action, tenantId: record.tenantId, recordId: record.id });
  } catch (error) {
    await records.update(collection, record.tenantId, record.id, {
      set: { status: 'failed', error: `could not queue the work: ${(error as Error).message}` },
    });
    throw error;
  }
}

const isQueued = (collection: WorkCollection, record: WorkRecord) => record.status === statusOf[collection].queued;

/** Submits one Batch job for a queued record; a no-op for anything already submitted or finished. */
export async function dispatch(message: WorkMessage): Promise<'submitted' | 'skipped'> {
  const collection = collectionOf[message.action];
  const record = await records.find(collection, message.tenantId, message.recordId);
  if (!record || record.batchJobId || !isQueued(collection, record)) return 'skipped';
  const { jobQueue, maxRuntimeSeconds } = jobSettings(record);
  const { jobId } = await batch().send(
    new SubmitJobCommand({
      jobName: `${message.action}-${message.recordId}`,
      jobQueue,
      jobDefinition: requireEnv(envNames.batchJobDefinition),
      parameters: { action: message.action, tenantId: message.tenantId, recordId: message.recordId },
      tags: { tenantId: message.tenantId, recordId: message.recordId },
      ...(maxRuntimeSeconds ? { timeout: { attemptDurationSeconds: maxRuntimeSeconds } } : {}),
    }),
  );
  if (!jobId) throw new Error('Batch SubmitJob returned no job id');
  // Still queued: a job cancelled while we submitted must not be claimed (and its Batch job must not run).
  const claimed = await records.update(collection, message.tenantId, message.recordId, {
    set: { batchJobId: jobId },
    condition: '(attribute_not_exists(#job) OR #job = :job) AND #status = :queued',
    names: { '#job': 'batchJobId', '#status': 'status' },
    values: { ':job': jobId, ':queued': statusOf[collection].queued },
  });
  // Another dispatcher won the race for this record (or it was cancelled): ours must not run.
  if (!claimed) await batch().send(new TerminateJobCommand({ jobId, reason: 'duplicate submission for the same record' }));
  return claimed ? 'submitted' : 'skipped';
}

/**
 * Where and how long a record's Batch job runs: a training job may ask for the CPU queue (which
 * falls back to the GPU queue where no CPU queue is configured, as locally) and a shorter timeout.
 */
function jobSettings(record: WorkRecord): { jobQueue: string; maxRuntimeSeconds?: number } {
  const gpuQueue = requireEnv(envNames.batchJobQueue);
  if (!('solverId' in record)) return { jobQueue: gpuQueue };
  const cpuQueue = process.env[envNames.batchCpuJobQueue];
  const jobQueue = record.resources?.type === 'CPU' && cpuQueue ? cpuQueue : gpuQueue;
  return { jobQueue, ...(record.maxRuntimeSeconds ? { maxRuntimeSeconds: record.maxRuntimeSeconds } : {}) };
}

/**
 * Stops a record's Batch job (cancel). A job Batch no longer knows (finished and forgotten, or a
 * local restart) needs no stopping; any other failure is thrown.
 */
export async function terminateBatchJob(jobId: string, reason: string): Promise<void> {
  try {
    await batch().send(new TerminateJobCommand({ jobId, reason }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ClientException') throw error;
  }
}

/** The part of a "Batch Job State Change" event's detail that the status handler reads. */
export interface BatchJobDetail {
  jobId: string;
  status: string;
  statusReason?: string;
  parameters?: Record<string, string>;
  attempts?: Array<{ container?: { exitCode?: number; reason?: string }; statusReason?: string }>;
  container?: { exitCode?: number; reason?: string };
}

const phaseOfBatch: Record<string, Phase> = {
  SUBMITTED: 'queued',
  PENDING: 'queued',
  RUNNABLE: 'queued',
  STARTING: 'starting',
  RUNNING: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
};
const phaseRank: Record<Phase, number> = { queued: 1, starting: 2, running: 3, succeeded: 9, failed: 9 };

/** Why Batch says the job failed, when the worker could not record a reason itself. */
function batchFailure(detail: BatchJobDetail): string {
  const last = detail.attempts?.at(-1);
  const container = last?.container ?? detail.container;
  const parts = [last?.statusReason ?? detail.statusReason, container?.reason, container?.exitCode !== undefined ? `exit code ${container.exitCode}` : undefined];
  return `the Batch job failed: ${parts.filter(Boolean).join('; ') || 'no reason given'}`;
}

/** Applies one Batch job state change to its record. Stale, duplicate and out-of-order events change nothing. */
export async function applyBatchEvent(detail: BatchJobDetail): Promise<void> {
  const action = detail.parameters?.action as WorkerAction | undefined;
  const tenantId = detail.parameters?.tenantId;
  const recordId = detail.parameters?.recordId;
  const phase = phaseOfBatch[detail.status];
  if (!action || !(action in collectionOf) || !tenantId || !recordId || !phase) return;
  const collection = collectionOf[action];
  const record = await records.find(collection, tenantId, recordId);
  // A solver without a status predates statuses and was ready.
  if (!record || terminal.includes(record.status ?? 'ready')) return;
  const finished = detail.attempts?.length ?? 0;
  const attempt = phase === 'succeeded' || phase === 'failed' ? Math.max(finished, 1) : finished + 1;
  const rank = attempt * 10 + phaseRank[phase];
  const now = new Date().toISOString();
  const set: Record<string, unknown> = { batchJobId: detail.jobId, batchEventRank: rank };
  let target = phase;
  if (phase === 'succeeded' && !hasResult(collection, record)) target = 'failed';
  set.status = statusOf[collection][target];
  if (phase !== 'queued') set.attempts = attempt;
  if (target === 'running' && collection === 'training-jobs' && !(record as TrainingJob).startedAt) set.startedAt = now;
  if (target === 'succeeded' || target === 'failed') set.finishedAt = now;
  if (target === 'failed' && !record.error)
    set.error = phase === 'succeeded' ? 'the worker finished without recording a result' : batchFailure(detail);
  await records.update(collection, tenantId, recordId, {
    set,
    condition: '(attribute_not_exists(#job) OR #job = :job) AND (attribute_not_exists(#rank) OR #rank < :rank)',
    names: { '#job': 'batchJobId', '#rank': 'batchEventRank' },
    values: { ':job': detail.jobId, ':rank': rank },
  });
}

function hasResult(collection: WorkCollection, record: WorkRecord): boolean {
  return Boolean((record as unknown as Record<string, unknown>)[resultAttribute[collection]]);
}

/**
 * Finds unfinished work whose queue message or Batch job was lost (a local restart forgets both)
 * and queues it again. `batchJobExists` says whether Batch still knows a job id.
 */
export async function recoverUnfinishedWork(batchJobExists: (jobId: string) => Promise<boolean>): Promise<number> {
  let recovered = 0;
  for (const collection of Object.keys(statusOf) as WorkCollection[]) {
    const phases = [...new Set(Object.values(statusOf[collection]).filter((s) => !terminal.includes(s)))];
    for (const status of phases) {
      for (const record of (await records.findByStatus(collection, status)) as RecordsByCollection[WorkCollection][]) {
        if (record.batchJobId && (await batchJobExists(record.batchJobId))) continue;
        if (record.batchJobId) {
          const reset = await records.update(collection, record.tenantId, record.id, {
            set: { status: statusOf[collection].queued },
            remove: ['batchJobId', 'batchEventRank'],
            condition: '#job = :job',
            names: { '#job': 'batchJobId' },
            values: { ':job': record.batchJobId },
          });
          if (!reset) continue;
        }
        await enqueueWork({ action: actionOf[collection], tenantId: record.tenantId, recordId: record.id });
        recovered++;
      }
    }
  }
  return recovered;
}
