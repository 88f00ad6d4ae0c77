/**
 * Poison messages. A jobs-queue message the dispatcher fails on `jobsQueue.maxReceiveCount` times
 * moves to the dead-letter queue; its record must not wait forever for a Batch job that will never
 * be submitted. The dispatcher notes each failure's reason on the record (`dispatchError`), and the
 * dead-letter handler fails the record with that reason.
 */
import * as records from '../records/store';
import type { AnyRecord, WorkCollection } from '../records/types';
import { jobsQueue, workerActionCollections } from '../topology';
import { workMessageSchema, type WorkMessage } from '../work-queue';

/** Statuses in which a work record is finished; nothing may change it any more. */
const finished = ['ready', 'succeeded', 'failed', 'cancelled'];

function parseMessage(body: string): WorkMessage | undefined {
  try {
    return workMessageSchema.parse(JSON.parse(body));
  } catch {
    return undefined;
  }
}

/**
 * Notes on the message's record why dispatching it failed (the last reason wins). Best effort and
 * never throws: the dispatcher is already handling a failure, and the message is retried anyway.
 */
export async function recordDispatchFailure(body: string, error: unknown): Promise<void> {
  const message = parseMessage(body);
  if (!message) return;
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  try {
    await records.update(workerActionCollections[message.action], message.tenantId, message.recordId, {
      set: { dispatchError: reason.slice(0, 2000) },
      condition: 'NOT #status IN (:ready, :succeeded, :failed, :cancelled)',
      names: { '#status': 'status' },
      values: { ':ready': 'ready', ':succeeded': 'succeeded', ':failed': 'failed', ':cancelled': 'cancelled' },
    });
  } catch (writeError) {
    console.error(
      `could not record the dispatch failure of ${message.action} ${message.recordId}: ` +
        `${(writeError as Error).message}`,
    );
  }
}

export type DeadLetterOutcome = 'failed' | 'unreadable' | 'gone' | 'finished' | 'submitted';

/**
 * Fails the record of a dead-lettered message, keeping the reason. A record that is already
 * finished, or whose Batch job was submitted after all (Batch's events then own its status), is
 * left alone, so a late or duplicated dead letter never overrides a real outcome.
 */
export async function failDeadLetteredWork(body: string): Promise<DeadLetterOutcome> {
  const message = parseMessage(body);
  if (!message) return 'unreadable';
  const collection: WorkCollection = workerActionCollections[message.action];
  const record = (await records.find(collection, message.tenantId, message.recordId)) as
    | (AnyRecord & { status?: string; batchJobId?: string; dispatchError?: string })
    | undefined;
  if (!record) return 'gone';
  if (finished.includes(record.status ?? 'ready')) return 'finished';
  if (record.batchJobId) return 'submitted';
  const reason = record.dispatchError ?? 'no reason was recorded';
  const updated = await records.update(collection, message.tenantId, message.recordId, {
    set: {
      status: 'failed',
      error: `the work could not be submitted to AWS Batch after ${jobsQueue.maxReceiveCount} tries: ${reason}`,
      // Only the job collections have a finish time.
      ...(collection === 'training-jobs' || collection === 'classify-jobs'
        ? { finishedAt: new Date().toISOString() }
        : {}),
    },
    condition: '#status = :status AND attribute_not_exists(#job)',
    names: { '#status': 'status', '#job': 'batchJobId' },
    values: { ':status': record.status },
  });
  // Lost a race with a dispatcher or a cancel: whatever happened instead stands.
  return updated ? 'failed' : 'finished';
}
