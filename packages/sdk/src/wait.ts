/**
 * Waiting for work to end: `waitFor` polls a record with backoff until its status is final;
 * `watch` yields a training job each time it changes; `followLogs` yields Caffe's log lines as
 * they are written (the API's long-polling log route).
 */
import type { Resources } from './resources';
import { sleep } from './sleep';
import { collectionOfId, type Collection, type WorkRecord } from './types';

/** Final statuses; a solver without a status is final too (it was checked on submit). */
const finalStatuses = new Set(['ready', 'succeeded', 'failed', 'cancelled']);
export const isFinal = (record: { status?: string }): boolean => finalStatuses.has(record.status ?? 'ready');
/** Ended without the result asked for. */
export const isFailure = (record: { status?: string }): boolean =>
  record.status === 'failed' || record.status === 'cancelled';

export interface WaitOptions<R> {
  /** Called with the record each time it changes (and once at first). */
  onUpdate?: (record: R) => void;
  signal?: AbortSignal;
  /** First wait between polls (default 200 ms); it grows by half each poll up to `maxIntervalMs`. */
  minIntervalMs?: number;
  /** Longest wait between polls (default 2 s). */
  maxIntervalMs?: number;
  /** Poll every `minIntervalMs` for this long before the waits start to grow (default 0). */
  steadyMs?: number;
}

type Getter = (id: string) => Promise<unknown>;

function getterFor(api: Resources, id: string): Getter {
  const collection: Collection | undefined = collectionOfId(id);
  const getters: Partial<Record<Collection, Getter>> = {
    datafiles: api.datafiles.get,
    datasets: api.datasets.get,
    solvers: api.solvers.get,
    'training-jobs': api.trainingJobs.get,
    'classify-jobs': api.classifyJobs.get,
    models: api.models.get,
  };
  const get = collection && getters[collection];
  if (!get) throw new Error(`${id} is not the id of a datafile, dataset, solver, training job, classify job or model`);
  return get;
}

/** Polls the record (or id) until its status is final, and returns it then. */
export async function waitFor<R extends WorkRecord>(
  api: Resources,
  record: R | string,
  options: WaitOptions<R> = {},
): Promise<R> {
  const id = typeof record === 'string' ? record : record.id;
  const get = getterFor(api, id);
  let interval = options.minIntervalMs ?? 200;
  const started = Date.now();
  let last = '';
  for (;;) {
    const current = (await get(id)) as R;
    const seen = JSON.stringify(current);
    if (seen !== last) options.onUpdate?.(current);
    last = seen;
    if (isFinal(current)) return current;
    await sleep(interval, options.signal);
    if (Date.now() - started >= (options.steadyMs ?? 0))
      interval = Math.min(interval * 1.5, options.maxIntervalMs ?? 2000);
  }
}

/** Yields the training job each time it changes (about once a second while it runs), the final record last. */
export async function* watch(
  api: Resources,
  jobId: string,
  options: { intervalMs?: number; signal?: AbortSignal } = {},
) {
  let last = '';
  for (;;) {
    const job = await api.trainingJobs.get(jobId);
    const seen = JSON.stringify(job);
    if (seen !== last) yield job;
    last = seen;
    if (isFinal(job)) return;
    await sleep(options.intervalMs ?? 1000, options.signal);
  }
}

/** Yields Caffe's log of the job line by line, following it until the job ends and the log is read. */
export async function* followLogs(
  api: Resources,
  jobId: string,
  options: { offset?: number; signal?: AbortSignal; follow?: boolean } = {},
): AsyncGenerator<string> {
  let offset = options.offset ?? 0;
  let partial = '';
  for (;;) {
    const window = await api.trainingJobs.logs(jobId, {
      offset,
      wait: options.follow === false ? 0 : 20,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    offset = window.nextOffset;
    const lines = (partial + window.text).split('\n');
    partial = lines.pop() ?? '';
    yield* lines;
    // Without following, the log is read up to where it ends now (a window holds at most 1 MiB).
    if (window.complete || (options.follow === false && !window.text)) {
      if (partial) yield partial;
      return;
    }
    // The API long-polls; an empty answer before the job ends just means "nothing yet".
    if (!window.text && options.follow !== false) await sleep(200, options.signal);
  }
}
