/**
 * waitFor's schedule (packages/sdk/src/wait.ts): it polls every `minIntervalMs` for `steadyMs`, then
 * the waits grow by half up to `maxIntervalMs`; it returns the first final record. Fake timers: the
 * schedule is asserted in simulated milliseconds (timers count whole ones), never against the wall clock.
 */
import { waitFor } from '../../../../../packages/sdk/src/wait';
import type { Resources } from '../../../../../packages/sdk/src/resources';

const id = `ds_${'0'.repeat(26)}`;

/** A dataset that builds for `polls` answers, then is ready; the simulated times of each poll. */
function buildingDataset(polls: number) {
  const times: number[] = [];
  const get = async () => {
    times.push(Date.now());
    return { id, status: times.length > polls ? 'ready' : 'building' };
  };
  const collections = ['datafiles', 'datasets', 'solvers', 'trainingJobs', 'classifyJobs', 'models'];
  const api = Object.fromEntries(collections.map((name) => [name, { get }])) as unknown as Resources;
  return { api, times };
}

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

async function run<T>(promise: Promise<T>): Promise<T> {
  let settled = false;
  void promise.finally(() => (settled = true));
  while (!settled) await jest.advanceTimersByTimeAsync(10);
  return promise;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

test('polls every minIntervalMs for steadyMs, then backs off by half up to maxIntervalMs', async () => {
  const { api, times } = buildingDataset(14);
  const done = await run(waitFor(api, id, { minIntervalMs: 100, steadyMs: 1000, maxIntervalMs: 400 }));
  expect(done.status).toBe('ready');
  expect(times).toHaveLength(15);
  expect(gaps(times)).toEqual([100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 150, 225, 337, 400]);
});

test('without steadyMs the waits grow from the first poll', async () => {
  const { api, times } = buildingDataset(4);
  await run(waitFor(api, id, { minIntervalMs: 100, maxIntervalMs: 400 }));
  expect(gaps(times)).toEqual([100, 150, 225, 337]);
});

test('a record already final is returned at once, without waiting', async () => {
  const { api, times } = buildingDataset(0);
  expect((await run(waitFor(api, id, { minIntervalMs: 100 }))).status).toBe('ready');
  expect(times).toEqual([0]);
});
