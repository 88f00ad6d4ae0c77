/**
 * The dispatch state machine: a queued record waits (step 0), takes slots (1), is claimed (2),
 * its Batch job is submitted (3) and recorded (4). Every step holds only from the previous one
 * (core/ports/work-store.ts), so at most one dispatcher's claim can hold a record and only the
 * claim's owner can record its Batch job. A dispatch pass starts whatever capacity allows.
 */
import { randomUUID } from 'node:crypto';
import type { DispatchAttributes } from '../../ports/work-store';
import type { WaitingEntry } from '../../records/store';
import type { RecordsByCollection, WorkCollection } from '../../records/types';
import { readCapacity, tenantLimit } from '../../scheduling/capacity';
import { chooseNext } from '../../scheduling/choose';
import {
  acquireSlots,
  listSlots,
  noteStart,
  readLastStarts,
  releaseSlotsOf,
  usageOf,
  type Slot,
  type WorkRef,
} from '../../scheduling/slots';
import type { WorkerAction } from '../../topology';
import { enqueueWork, type WorkMessage } from '../../work-queue';
import { submitBatchJob, terminateBatchJob } from './batch-jobs';
import { collectionOf, isTerminal, statusOf, workOf, type WorkRecord } from './phases';
import { workStore } from './store';

export type { DispatchState } from '../../ports/work-store';

export const dispatchOf = (record: WorkRecord | RecordsByCollection[WorkCollection]): DispatchAttributes =>
  record as unknown as DispatchAttributes;

/** Sends the record's work message; if the queue is unreachable the record fails visibly instead of waiting forever. */
export async function enqueueOrFail(
  collection: WorkCollection,
  record: WorkRecord,
  action: WorkerAction,
): Promise<void> {
  try {
    await enqueueWork({ action, tenantId: record.tenantId, recordId: record.id });
  } catch (error) {
    await workStore().markFailed(
      workOf(collection, record.tenantId, record.id),
      `could not queue the work: ${(error as Error).message}`,
    );
    throw error;
  }
}

/**
 * Step 0 — the dispatcher saw the work's message: a queued record that no dispatcher has taken
 * yet joins the waiting set (once; a duplicate message changes nothing).
 */
export async function markWaiting(message: WorkMessage): Promise<'waiting' | 'skipped'> {
  const work = workOf(collectionOf[message.action], message.tenantId, message.recordId);
  const record = await workStore().find(work);
  if (!record || record.status !== statusOf[work.collection].queued || record.batchJobId) return 'skipped';
  const state = dispatchOf(record).dispatchState;
  if (state === 'waiting') return 'waiting';
  if (state) return 'skipped';
  const waitingSince = `${dispatchOf(record).createdAt ?? new Date().toISOString()}#${record.id}`;
  return (await workStore().markWaiting(work, waitingSince)) ? 'waiting' : 'skipped';
}

/** Whether the work is still waiting for a worker (its message then comes back later). */
export async function isWaiting(message: WorkMessage): Promise<boolean> {
  const collection = collectionOf[message.action];
  const record = await workStore().find(workOf(collection, message.tenantId, message.recordId));
  return Boolean(
    record && dispatchOf(record).dispatchState === 'waiting' && record.status === statusOf[collection].queued,
  );
}

/** Step 2 — takes the waiting record for one claim; the record as claimed, or undefined if it is no longer waiting. */
export async function claimRecord(work: WorkRef, claimId: string): Promise<WorkRecord | undefined> {
  return workStore().claimDispatch(work, claimId);
}

/**
 * Step 4 — records the Batch job on the record, only for the claim that submitted it. If the
 * record was cancelled meanwhile, or the claim was taken over (the reconciler re-queued a claim
 * it thought dead), this job must not run: it is terminated, and the slots are given back unless
 * a newer claim owns the record. A job the Batch events already recorded (a very fast job) is fine.
 */
export async function recordSubmission(work: WorkRef, claimId: string, jobId: string): Promise<boolean> {
  if (await workStore().recordBatchJob(work, claimId, jobId)) return true;
  const current = await workStore().find(work);
  if (current?.batchJobId === jobId) return true;
  await terminateBatchJob(
    jobId,
    current && !isTerminal(current)
      ? 'duplicate submission for the same record'
      : 'the record was cancelled or deleted while its job was submitted',
  );
  if (!current || isTerminal(current) || dispatchOf(current).dispatchClaimId === claimId)
    await releaseSlotsOf(work, claimId);
  return false;
}

/**
 * Gives a claim back: the record waits again and keeps its place (its `waitingSince`), its slots
 * are freed. Conditional on the claim, so a claim that has since recorded its job is kept.
 */
export async function unclaim(work: WorkRef, claimId: string, waitingSince: string): Promise<boolean> {
  const reset = await workStore().unclaim(work, claimId, waitingSince);
  await releaseSlotsOf(work, claimId);
  return reset;
}

export type StartOutcome = 'started' | 'no-capacity' | 'not-waiting' | 'duplicate';

/**
 * Starts one waiting record: slots (1), claim (2), SubmitJob (3), record the job (4). A crash
 * between any two steps leaves state the reconciler repairs: slots whose claim never landed,
 * a claim without a job (re-queued, or the job found by its name is adopted), a job whose record
 * has another (terminated).
 */
export async function startWork(
  entry: WaitingEntry,
  limits: { maxWorkers: number; tenantLimit: number },
  inUse?: Slot[],
): Promise<StartOutcome> {
  const work = workOf(entry.collection, entry.tenantId, entry.recordId);
  const claimId = randomUUID();
  if (!(await acquireSlots(work, claimId, limits, inUse))) return 'no-capacity';
  const record = await claimRecord(work, claimId);
  if (!record) {
    await releaseSlotsOf(work, claimId);
    // A record that left the queued state while waiting (cancelled) leaves the waiting set too.
    await workStore().leaveWaiting(work);
    return 'not-waiting';
  }
  let jobId: string;
  try {
    jobId = await submitBatchJob(work.collection, record);
  } catch (error) {
    // Batch refused or was unreachable: the work waits again rather than holding a slot.
    await unclaim(work, claimId, entry.waitingSince);
    throw error;
  }
  return (await recordSubmission(work, claimId, jobId)) ? 'started' : 'duplicate';
}

/** How many starts one pass attempts at most (a pass must end well within the dispatcher's timeout). */
const maxStartsPerPass = 25;

/**
 * A dispatch pass: while capacity allows, starts the waiting work `chooseNext` picks (fewest
 * running jobs for the tenant, then oldest). Reads the settings each time, so a changed limit
 * applies at the next pass. Returns how many jobs it started.
 */
export async function runDispatchPass(): Promise<number> {
  const settings = await readCapacity();
  const limits = { maxWorkers: settings.maxWorkers, tenantLimit: (tenant: string) => tenantLimit(settings, tenant) };
  let waiting = await workStore().findWaiting();
  let slots = await listSlots();
  const lastStarts = await readLastStarts();
  let started = 0;
  for (let attempt = 0; attempt < maxStartsPerPass && waiting.length; attempt++) {
    const next = chooseNext(waiting, usageOf(slots), limits, lastStarts);
    if (!next) break;
    const outcome = await startWork(
      next,
      { maxWorkers: limits.maxWorkers, tenantLimit: limits.tenantLimit(next.tenantId) },
      slots,
    );
    if (outcome === 'started') {
      started++;
      lastStarts[next.tenantId] = await noteStart(next.tenantId);
    }
    // Lost a slot race: it stays a candidate, and the fresh slots decide whether it still fits.
    if (outcome !== 'no-capacity') waiting = waiting.filter((entry) => entry !== next);
    slots = await listSlots();
  }
  return started;
}
