/**
 * Batch job state change events → the record's status, attempts and failure reason. Each event
 * carries a rank (attempt and phase), and the store applies it only over lower ranks, so stale,
 * duplicate and out-of-order events change nothing.
 */
import { config } from '../../config';
import type { BatchProgress, DispatchAttributes } from '../../ports/work-store';
import { attemptsOf, type BatchUsageDetail, type Usage, withJobAttempts } from '../../usage';
import type { TrainingJob, WorkCollection } from '../../records/types';
import { releaseSlotsOf, type WorkRef } from '../../scheduling/slots';
import type { WorkerAction } from '../../topology';
import { requestDispatchPass } from '../../work-queue';
import { collectionOf, hasResult, isTerminal, statusOf, workOf, type Phase, type WorkRecord } from './phases';
import { workStore } from './store';

/** The part of a "Batch Job State Change" event's detail that the status handler reads. */
export interface BatchJobDetail extends BatchUsageDetail {
  jobId: string;
  status: string;
  statusReason?: string;
  parameters?: Record<string, string>;
  attempts?: Array<{
    container?: { exitCode?: number; reason?: string };
    statusReason?: string;
    startedAt?: number;
    stoppedAt?: number;
  }>;
  container?: BatchUsageDetail['container'] & { exitCode?: number; reason?: string };
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
  const parts = [
    last?.statusReason ?? detail.statusReason,
    container?.reason,
    container?.exitCode !== undefined ? `exit code ${container.exitCode}` : undefined,
  ];
  return `the Batch job failed: ${parts.filter(Boolean).join('; ') || 'no reason given'}`;
}

/** Applies one Batch job state change to its record. Stale, duplicate and out-of-order events change nothing. */
export async function applyBatchEvent(detail: BatchJobDetail): Promise<void> {
  const action = detail.parameters?.action as WorkerAction | undefined;
  const tenantId = detail.parameters?.tenantId;
  const recordId = detail.parameters?.recordId;
  const phase = phaseOfBatch[detail.status];
  if (!action || !(action in collectionOf) || !tenantId || !recordId || !phase) return;
  const work = workOf(collectionOf[action], tenantId, recordId);
  const record = await workStore().find(work);
  const updated = record && !isTerminal(record) ? await applyToRecord(work, record, detail, phase) : undefined;
  if (phase === 'succeeded' || phase === 'failed') {
    const current = updated ?? (await workStore().find(work));
    // A cancelled job's attempts ran too: usage is written whatever the record's status.
    if (current) await recordUsage(work, current, detail);
    await releaseFinished(work, current);
  }
}

/**
 * Writes the ended Batch job's attempts into the record's usage, re-reading and trying again when
 * another job of the same record wrote first (a lost job's late end beside its successor's).
 */
async function recordUsage(work: WorkRef, record: WorkRecord, detail: BatchJobDetail): Promise<void> {
  // A job that never ran (terminated while queued) used nothing; one that ran is paid for, even a stray duplicate.
  if (attemptsOf(detail).length === 0) return;
  const prices = config.pricing();
  let current: WorkRecord | undefined = record;
  for (let tries = 0; current && tries < 3; tries++) {
    // Every work record may carry usage; the views show it where users pay for it (jobs, datasets).
    const { usageRevision, usage } = current as DispatchAttributes & { usage?: Usage };
    if (await workStore().recordUsage(work, usageRevision, withJobAttempts(usage, detail, prices))) return;
    current = await workStore().find(work);
  }
}

async function applyToRecord(
  work: WorkRef,
  record: WorkRecord,
  detail: BatchJobDetail,
  phase: Phase,
): Promise<WorkRecord | undefined> {
  const collection: WorkCollection = work.collection;
  const finished = detail.attempts?.length ?? 0;
  const attempt = phase === 'succeeded' || phase === 'failed' ? Math.max(finished, 1) : finished + 1;
  const rank = attempt * 10 + phaseRank[phase];
  const now = new Date().toISOString();
  const target = phase === 'succeeded' && !hasResult(collection, record) ? 'failed' : phase;
  const progress: BatchProgress = { status: statusOf[collection][target] };
  if (phase !== 'queued') progress.attempts = attempt;
  if (target === 'running' && collection === 'training-jobs' && !(record as TrainingJob).startedAt)
    progress.startedAt = now;
  if (target === 'succeeded' || target === 'failed') progress.finishedAt = now;
  if (target === 'failed' && !record.error)
    progress.error = phase === 'succeeded' ? 'the worker finished without recording a result' : batchFailure(detail);
  // Never onto a record waiting again (a stray job of a claim the reconciler gave back: it terminates that job).
  return workStore().applyBatchProgress(work, detail.jobId, rank, progress);
}

/**
 * A Batch job ended: once its record is finished (or gone), the record's slots are given back
 * and a dispatch pass is asked for, so the next waiting job starts within seconds. A job that
 * ends while its record is unfinished (a terminated duplicate) frees nothing.
 */
async function releaseFinished(work: WorkRef, record: WorkRecord | undefined): Promise<void> {
  if (record && !isTerminal(record)) return;
  if (await releaseSlotsOf(work)) await requestDispatchPass(`${work.collection} ${work.recordId} finished`);
}
