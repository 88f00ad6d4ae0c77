/** The dispatcher's side of the jobs queue: what becomes of each message it receives. */
import { enqueueWork, type QueueMessage, type WorkMessage } from '../../work-queue';
import { isWaiting, markWaiting, runDispatchPass } from './dispatch';

/** The wait before a message of work still waiting for capacity comes back: 5 s doubling to 5 min. */
export const capacityBackoffSeconds = (waits: number): number => Math.min(300, 5 * 2 ** Math.min(waits, 10));

export type QueueOutcome = 'started' | 'waiting' | 'skipped' | 'pass';

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

/** One work message alone (tests, tools): the outcome of handleQueueMessages for it, or its error thrown. */
export async function dispatch(message: WorkMessage): Promise<'started' | 'waiting' | 'skipped'> {
  const [outcome] = await handleQueueMessages([message]);
  if (outcome instanceof Error) throw outcome;
  return outcome as 'started' | 'waiting' | 'skipped';
}
