/**
 * Background work (dataset preparation, training) and its life cycle:
 * API → record + SQS message → dispatcher → Batch SubmitJob → Batch state change events → record.
 * The record's status is written only by conditional updates, so duplicate deliveries, racing
 * dispatchers and out-of-order events cannot move it backwards or onto a stale Batch job.
 */
import { SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { randomUUID } from 'node:crypto';
import { batch } from '../aws/clients';
import { requireEnv } from '../env';
import { limitsOf, workerLimitEnv } from '../limits';
import * as records from '../records/store';
import type {
  ClassifyJob,
  Datafile,
  Dataset,
  RecordsByCollection,
  Solver,
  TrainingJob,
  WorkCollection,
} from '../records/types';
import { readCapacity, tenantLimit } from '../scheduling/capacity';
import { chooseNext } from '../scheduling/choose';
import {
  acquireSlots,
  listSlots,
  noteStart,
  readLastStarts,
  releaseSlotsOf,
  usageOf,
  type Slot,
  type WorkRef,
} from '../scheduling/slots';
import { batchShareIdentifier, envNames, tableKeys, workerActionCollections, type WorkerAction } from '../topology';
import { enqueueWork, requestDispatchPass, type QueueMessage, type WorkMessage } from '../work-queue';

/** A work record's life cycle, whatever the collection calls each phase. */
export type Phase = 'queued' | 'starting' | 'running' | 'succeeded' | 'failed';

export const statusOf: Record<WorkCollection, Record<Phase, string>> = {
  datasets: { queued: 'pending', starting: 'processing', running: 'processing', succeeded: 'ready', failed: 'failed' },
  'training-jobs': {
    queued: 'queued',
    starting: 'starting',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
  },
  datafiles: {
    queued: 'processing',
    starting: 'processing',
    running: 'processing',
    succeeded: 'ready',
    failed: 'failed',
  },
  solvers: { queued: 'pending', starting: 'pending', running: 'pending', succeeded: 'ready', failed: 'failed' },
  'classify-jobs': {
    queued: 'queued',
    starting: 'starting',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
  },
};
/** The attribute the worker writes when the work produced its result; SUCCEEDED without it is a failure. */
const resultAttribute: Record<WorkCollection, string> = {
  datasets: 'preparedAt',
  'training-jobs': 'model',
  datafiles: 'inspectedAt',
  solvers: 'importedAt',
  'classify-jobs': 'results',
};
const terminal = ['ready', 'succeeded', 'failed', 'cancelled'];
export const collectionOf: Record<WorkerAction, WorkCollection> = workerActionCollections;
export const actionOf = Object.fromEntries(
  Object.entries(collectionOf).map(([action, collection]) => [collection, action]),
) as Record<WorkCollection, WorkerAction>;

type WorkRecord = Dataset | TrainingJob | Datafile | Solver | ClassifyJob;

/** Sends the record's work message; if the queue is unreachable the record fails visibly instead of waiting forever. */
export async function enqueueOrFail(
  collection: WorkCollection,
  record: WorkRecord,
  action: WorkerAction,
): Promise<void> {
  try {
    await enqueueWork({ action, tenantId: record.tenantId, recordId: record.id });
  } catch (error) {
    await records.update(collection, record.tenantId, record.id, {
      set: { status: 'failed', error: `could not queue the work: ${(error as Error).message}` },
    });
    throw error;
  }
}

/**
 * How far the dispatcher got with a record (record attributes, beside its status):
 * `waiting` (in the waiting index, `waitingKey`/`waitingSince`) → `claimed` (`dispatchClaimId`,
 * `dispatchClaimedAt`: slots taken, SubmitJob under way) → `submitted` (`batchJobId`). Every
 * step is a conditional write from the previous one, so at most one dispatcher's claim can hold
 * a record, and only the claim's owner can record its Batch job.
 */
export type DispatchState = 'waiting' | 'claimed' | 'submitted';
interface DispatchAttributes {
  status?: string;
  createdAt?: string;
  batchJobId?: string;
  dispatchState?: DispatchState;
  dispatchClaimId?: string;
  dispatchClaimedAt?: string;
}
export const dispatchOf = (record: WorkRecord | RecordsByCollection[WorkCollection]): DispatchAttributes =>
  record as unknown as DispatchAttributes;
/** Batch job names are deterministic, so the reconciler can find a job submitted by a dispatcher that died before recording it. */
export const batchJobName = (action: WorkerAction, recordId: string) => `${action}-${recordId}`;
export const isTerminal = (record: { status?: string }) => terminal.includes(record.status ?? 'ready');
const workOf = (collection: WorkCollection, tenantId: string, recordId: string): WorkRef => ({
  collection,
  tenantId,
  recordId,
});

/**
 * Step 0 — the dispatcher saw the work's message: a queued record that no dispatcher has taken
 * yet joins the waiting set (once; a duplicate message changes nothing).
 */
export async function markWaiting(message: WorkMessage): Promise<'waiting' | 'skipped'> {
  const collection = collectionOf[message.action];
  const record = await records.find(collection, message.tenantId, message.recordId);
  if (!record || record.status !== statusOf[collection].queued || record.batchJobId) return 'skipped';
  const state = dispatchOf(record).dispatchState;
  if (state === 'waiting') return 'waiting';
  if (state) return 'skipped';
  const marked = await records.update(collection, message.tenantId, message.recordId, {
    set: {
      dispatchState: 'waiting',
      [tableKeys.waitingIndex.partitionKey]: records.waitingKeyValue,
      [tableKeys.waitingIndex.sortKey]: `${dispatchOf(record).createdAt ?? new Date().toISOString()}#${record.id}`,
    },
    condition: '#status = :queued AND attribute_not_exists(#state) AND attribute_not_exists(#job)',
    names: { '#status': 'status', '#state': 'dispatchState', '#job': 'batchJobId' },
    values: { ':queued': statusOf[collection].queued },
  });
  return marked ? 'waiting' : 'skipped';
}

/** Whether the work is still waiting for a worker (its message then comes back later). */
export async function isWaiting(message: WorkMessage): Promise<boolean> {
  const record = await records.find(collectionOf[message.action], message.tenantId, message.recordId);
  return Boolean(
    record &&
      dispatchOf(record).dispatchState === 'waiting' &&
      record.status === statusOf[collectionOf[message.action]].queued,
  );
}

/** Step 2 — takes the waiting record for one claim; the record as claimed, or undefined if it is no longer waiting. */
export async function claimRecord(work: WorkRef, claimId: string): Promise<WorkRecord | undefined> {
  return (await records.update(work.collection, work.tenantId, work.recordId, {
    set: { dispatchState: 'claimed', dispatchClaimId: claimId, dispatchClaimedAt: new Date().toISOString() },
    remove: [tableKeys.waitingIndex.partitionKey, tableKeys.waitingIndex.sortKey],
    condition: '#status = :queued AND #state = :waiting',
    names: { '#status': 'status', '#state': 'dispatchState' },
    values: { ':queued': statusOf[work.collection].queued, ':waiting': 'waiting' },
  })) as WorkRecord | undefined;
}

/**
 * A record that left the queued state while waiting (cancelled) leaves the waiting set too.
 * Conditional on it no longer being queued, so waiting work is never dropped.
 */
async function dropFromWaiting(work: WorkRef): Promise<void> {
  await records.update(work.collection, work.tenantId, work.recordId, {
    remove: [tableKeys.waitingIndex.partitionKey, tableKeys.waitingIndex.sortKey],
    condition: '#status <> :queued AND attribute_exists(#waiting)',
    names: { '#status': 'status', '#waiting': tableKeys.waitingIndex.partitionKey },
    values: { ':queued': statusOf[work.collection].queued },
  });
}

/** Step 3 — submits the record's Batch job (deterministic name; the tenant as fair-share identifier). */
export async function submitBatchJob(collection: WorkCollection, record: WorkRecord): Promise<string> {
  const action = actionOf[collection];
  const { jobQueue, jobDefinition, maxRuntimeSeconds } = jobSettings(record);
  const { jobId } = await batch().send(
    new SubmitJobCommand({
      jobName: batchJobName(action, record.id),
      jobQueue,
      jobDefinition,
      shareIdentifier: batchShareIdentifier(record.tenantId),
      parameters: { action, tenantId: record.tenantId, recordId: record.id },
      tags: { tenantId: record.tenantId, recordId: record.id },
      // The worker cannot read the admin's settings: it gets its tenant's limits with the job.
      containerOverrides: {
        environment: Object.entries(workerLimitEnv(await limitsOf(record.tenantId))).map(([name, value]) => ({
          name,
          value,
        })),
      },
      ...(maxRuntimeSeconds ? { timeout: { attemptDurationSeconds: maxRuntimeSeconds } } : {}),
    }),
  );
  if (!jobId) throw new Error('Batch SubmitJob returned no job id');
  return jobId;
}

/**
 * Step 4 — records the Batch job on the record, only for the claim that submitted it. If the
 * record was cancelled meanwhile, or the claim was taken over (the reconciler re-queued a claim
 * it thought dead), this job must not run: it is terminated, and the slots are given back unless
 * a newer claim owns the record. A job the Batch events already recorded (a very fast job) is fine.
 */
export async function recordSubmission(work: WorkRef, claimId: string, jobId: string): Promise<boolean> {
  const recorded = await records.update(work.collection, work.tenantId, work.recordId, {
    set: { batchJobId: jobId, dispatchState: 'submitted' },
    condition:
      '#claim = :claim AND (attribute_not_exists(#job) OR #job = :job) AND NOT (#status IN (:t0, :t1, :t2, :t3))',
    names: { '#claim': 'dispatchClaimId', '#job': 'batchJobId', '#status': 'status' },
    values: {
      ':claim': claimId,
      ':job': jobId,
      ...Object.fromEntries(terminal.map((status, i) => [`:t${i}`, status])),
    },
  });
  if (recorded) return true;
  const current = await records.find(work.collection, work.tenantId, work.recordId);
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
  const reset = await records.update(work.collection, work.tenantId, work.recordId, {
    set: {
      dispatchState: 'waiting',
      [tableKeys.waitingIndex.partitionKey]: records.waitingKeyValue,
      [tableKeys.waitingIndex.sortKey]: waitingSince,
    },
    remove: ['dispatchClaimId', 'dispatchClaimedAt'],
    condition: '#claim = :claim AND attribute_not_exists(#job) AND #status = :queued',
    names: { '#claim': 'dispatchClaimId', '#job': 'batchJobId', '#status': 'status' },
    values: { ':claim': claimId, ':queued': statusOf[work.collection].queued },
  });
  await releaseSlotsOf(work, claimId);
  return Boolean(reset);
}

export type StartOutcome = 'started' | 'no-capacity' | 'not-waiting' | 'duplicate';

/**
 * Starts one waiting record: slots (1), claim (2), SubmitJob (3), record the job (4). A crash
 * between any two steps leaves state the reconciler repairs: slots whose claim never landed,
 * a claim without a job (re-queued, or the job found by its name is adopted), a job whose record
 * has another (terminated).
 */
export async function startWork(
  entry: records.WaitingEntry,
  limits: { maxWorkers: number; tenantLimit: number },
  inUse?: Slot[],
): Promise<StartOutcome> {
  const work = workOf(entry.collection as WorkCollection, entry.tenantId, entry.recordId);
  const claimId = randomUUID();
  if (!(await acquireSlots(work, claimId, limits, inUse))) return 'no-capacity';
  const record = await claimRecord(work, claimId);
  if (!record) {
    await releaseSlotsOf(work, claimId);
    await dropFromWaiting(work);
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
  let waiting = await records.findWaiting();
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

/** The wait before a message of work still waiting for capacity comes back: 5 s doubling to 5 min. */
export const capacityBackoffSeconds = (waits: number): number => Math.min(300, 5 * 2 ** Math.min(waits, 10));

/**
 * The dispatcher's handling of one batch of queue messages: work messages mark their records
 * waiting; one dispatch pass then starts whatever capacity allows, fairly among ALL waiting work;
 * work still waiting gets its message back later. Returns, per message, what became of it.
 *
 * Waiting for capacity must not look like a failure: a message reported as a batch item failure
 * counts toward maxReceiveCount and would land in the dead-letter queue after five tries. So a
 * waiting message is sent again with DelaySeconds (the backoff) and a wait counter, and the
 * delivered one succeeds and is deleted. Re-sending before deleting means a crash can only
 * duplicate a message, never lose one, and duplicates are harmless (markWaiting is idempotent).
 */
export async function handleQueueMessages(messages: QueueMessage[]): Promise<Array<QueueOutcome | Error>> {
  // Per message: one message that cannot be handled fails alone (SQS redelivers just it).
  const settle = async <T>(work: () => Promise<T>): Promise<T | Error> =>
    work().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
  const noted = await Promise.all(
    messages.map((message) =>
      settle(async () => ('dispatchPass' in message ? ('pass' as const) : markWaiting(message))),
    ),
  );
  // A failed pass fails every message that asked for it; their records stay waiting and they come back.
  const pass = noted.some((outcome) => outcome !== 'skipped' && !(outcome instanceof Error))
    ? await settle(runDispatchPass)
    : 0;
  return Promise.all(
    messages.map((message, i) =>
      settle(async (): Promise<QueueOutcome> => {
        const outcome = noted[i]!;
        if (outcome instanceof Error) throw outcome;
        if (pass instanceof Error) throw pass;
        if ('dispatchPass' in message || outcome !== 'waiting') return outcome;
        if (!(await isWaiting(message))) return 'started';
        const waits = message.capacityWaits ?? 0;
        await enqueueWork({ ...message, capacityWaits: waits + 1 }, capacityBackoffSeconds(waits));
        return 'waiting';
      }),
    ),
  );
}

export type QueueOutcome = 'started' | 'waiting' | 'skipped' | 'pass';

/** One work message alone (tests, tools): the outcome of handleQueueMessages for it, or its error thrown. */
export async function dispatch(message: WorkMessage): Promise<'started' | 'waiting' | 'skipped'> {
  const [outcome] = await handleQueueMessages([message]);
  if (outcome instanceof Error) throw outcome;
  return outcome as 'started' | 'waiting' | 'skipped';
}

/**
 * Where and how long a record's Batch job runs: a training job may ask for the CPU queue (which
 * falls back to the GPU queue where no CPU queue is configured, as locally) and a shorter timeout.
 */
function jobSettings(record: WorkRecord): { jobQueue: string; jobDefinition: string; maxRuntimeSeconds?: number } {
  const gpu = { jobQueue: requireEnv(envNames.batchJobQueue), jobDefinition: requireEnv(envNames.batchJobDefinition) };
  if (!('solverId' in record)) return gpu;
  const cpuQueue = process.env[envNames.batchCpuJobQueue];
  // The CPU queue runs the CPU image, which has a job definition of its own (no GPU requested).
  const cpu = cpuQueue
    ? { jobQueue: cpuQueue, jobDefinition: process.env[envNames.batchCpuJobDefinition] ?? gpu.jobDefinition }
    : undefined;
  const target = record.resources?.type === 'CPU' && cpu ? cpu : gpu;
  return { ...target, ...(record.maxRuntimeSeconds ? { maxRuntimeSeconds: record.maxRuntimeSeconds } : {}) };
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
  const collection = collectionOf[action];
  const record = await records.find(collection, tenantId, recordId);
  const updated = record && !isTerminal(record) ? await applyToRecord(collection, record, detail, phase) : undefined;
  if (phase === 'succeeded' || phase === 'failed')
    await releaseFinished(
      workOf(collection, tenantId, recordId),
      updated ?? (await records.find(collection, tenantId, recordId)),
    );
}

async function applyToRecord(
  collection: WorkCollection,
  record: WorkRecord,
  detail: BatchJobDetail,
  phase: Phase,
): Promise<WorkRecord | undefined> {
  const finished = detail.attempts?.length ?? 0;
  const attempt = phase === 'succeeded' || phase === 'failed' ? Math.max(finished, 1) : finished + 1;
  const rank = attempt * 10 + phaseRank[phase];
  const now = new Date().toISOString();
  // A claimed record learns its job here if the dispatcher has not recorded it yet (or died first).
  const set: Record<string, unknown> = { batchJobId: detail.jobId, batchEventRank: rank, dispatchState: 'submitted' };
  let target = phase;
  if (phase === 'succeeded' && !hasResult(collection, record)) target = 'failed';
  set.status = statusOf[collection][target];
  if (phase !== 'queued') set.attempts = attempt;
  if (target === 'running' && collection === 'training-jobs' && !(record as TrainingJob).startedAt) set.startedAt = now;
  if (target === 'succeeded' || target === 'failed') set.finishedAt = now;
  if (target === 'failed' && !record.error)
    set.error = phase === 'succeeded' ? 'the worker finished without recording a result' : batchFailure(detail);
  // Never onto a record waiting again (a stray job of a claim the reconciler gave back: it terminates that job).
  return (await records.update(collection, record.tenantId, record.id, {
    set,
    condition:
      '(attribute_not_exists(#job) OR #job = :job) AND (attribute_not_exists(#rank) OR #rank < :rank) AND (attribute_not_exists(#state) OR #state <> :waiting)',
    names: { '#job': 'batchJobId', '#rank': 'batchEventRank', '#state': 'dispatchState' },
    values: { ':job': detail.jobId, ':rank': rank, ':waiting': 'waiting' },
  })) as WorkRecord | undefined;
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
            remove: ['batchJobId', 'batchEventRank', 'dispatchState', 'dispatchClaimId', 'dispatchClaimedAt'],
            condition: '#job = :job',
            names: { '#job': 'batchJobId' },
            values: { ':job': record.batchJobId },
          });
          if (!reset) continue;
          await releaseSlotsOf(workOf(collection, record.tenantId, record.id));
        }
        await enqueueWork({ action: actionOf[collection], tenantId: record.tenantId, recordId: record.id });
        recovered++;
      }
    }
  }
  return recovered;
}
