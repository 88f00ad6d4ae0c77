/**
 * The correlation id of the work in progress: an API request's id (or the caller's
 * `X-Correlation-Id`), carried through async calls without threading it through every function.
 * The HTTP middleware sets it for the whole request; `core/records/store.ts` stamps it on the
 * records the request creates, so the dispatcher, the status handler, the job events and the
 * worker can all name the request that started the work.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<string>();

/** The header a caller may send to name its request in our logs and events; every answer echoes it. */
export const correlationHeader = 'x-correlation-id';

/** Printable ASCII without spaces: it goes into log lines, events and the worker's log as given. */
export const isValidCorrelationId = (id: string): boolean => /^[\x21-\x7e]{1,128}$/.test(id);

/** Runs `work` with `correlationId` as the current correlation id. */
export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return current.run(correlationId, work);
}

/** The current correlation id, if some caller set one. */
export function currentCorrelationId(): string | undefined {
  return current.getStore();
}
