/**
 * Training job control through a real local cloud with real Caffe, on one worker slot: a long job
 * runs while a second one waits in the queue. Logs are paged, ranged and followed while the log
 * grows; metrics come from the log; cancelling stops both; delete rules answer 409 while something
 * uses a record and remove every object once nothing does; lists filter by status and paginate.
 */
import type { ElasticCaffeClient } from '../support/client';
import { listObjects, recordPrefix } from '../../core/objects';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { longSolver, tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

const tenant = 'tenant-jobs';
let tc: TestCloud;
let api: ElasticCaffeClient;
const ids = { datafile: '', dataset: '', longSolver: '', shortSolver: '', running: '', waiting: '' };

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

async function send(method: string, urlPath: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${api.baseUrl}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, ...headers },
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json') && text;
  return { status: response.status, headers: response.headers, text, body: json ? JSON.parse(text) : text };
}

interface JobView {
  id: string;
  status: string;
  progress: { iteration: number };
  cancelledAt?: string;
  finishedAt?: string;
}

const batchJobsOf = (recordId: string) => tc.cloud.batch.jobs().filter((job) => job.parameters?.recordId === recordId);

beforeAll(async () => {
  tc = await startTestCloud({ workers: 1 });
  api = await tc.as(tenant);
  ({ datafileId: ids.datafile, datasetId: ids.dataset } = await tinyDataset(api, { images: 60, ready: true }));
  ids.longSolver = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'long',
      datasetId: ids.dataset,
      solver: longSolver,
      net: tinyNet(),
    })
  ).id;
  ids.shortSolver = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'short',
      datasetId: ids.dataset,
      solver: tinySolver(20),
      net: tinyNet(),
    })
  ).id;
  ids.running = (
    await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: ids.longSolver, name: 'long' })
  ).id;
  await api.waitFor<JobView>(
    `/v1/training-jobs/${ids.running}`,
    (j) => j.status === 'running' && j.progress.iteration > 0,
    { timeoutMs: 4 * 60_000, intervalMs: 200 },
  );
  // The only worker slot is taken, so this one stays queued.
  ids.waiting = (
    await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: ids.shortSolver, name: 'short' })
  ).id;
});

afterAll(async () => {
  await tc?.stop();
});

describe('logs of a running job', () => {
  it('pages by ?offset= with X-Next-Offset, and a long poll returns the bytes the log grew by', async () => {
    const first = await send('GET', `/v1/training-jobs/${ids.running}/logs?offset=0&wait=20`);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-log-complete')).toBe('false');
    const next = Number(first.headers.get('x-next-offset'));
    expect(next).toBe(Buffer.byteLength(first.text));
    expect(first.text).toMatch(/Solving tiny/);

    const more = await send('GET', `/v1/training-jobs/${ids.running}/logs?offset=${next}&wait=20`);
    expect(more.status).toBe(200);
    expect(more.text.length).toBeGreaterThan(0);
    expect(Number(more.headers.get('x-next-offset'))).toBe(next + Buffer.byteLength(more.text));
    // The two windows are consecutive pieces of the same log.
    const whole = await send('GET', `/v1/training-jobs/${ids.running}/logs`, {
      range: `bytes=0-${next + Buffer.byteLength(more.text) - 1}`,
    });
    expect(whole.text.length).toBe((first.text + more.text).length);
    expect(whole.text).toBe(first.text + more.text);
  });

  it('Range: bytes=10-19 → 206 with Content-Range and exactly those bytes', async () => {
    const whole = await send('GET', `/v1/training-jobs/${ids.running}/logs`);
    const ranged = await send('GET', `/v1/training-jobs/${ids.running}/logs`, { range: 'bytes=10-19' });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toMatch(/^bytes 10-19\/\d+$/);
    expect(ranged.text).toBe(whole.text.slice(10, 20));
    expect(ranged.headers.get('x-next-offset')).toBe('20');
  });

  it('?limit= cuts the window at a line break', async () => {
    const page = await send('GET', `/v1/training-jobs/${ids.running}/logs?limit=300`);
    expect(Buffer.byteLength(page.text)).toBeLessThanOrEqual(300);
    expect(page.text.endsWith('\n')).toBe(true);
    expect(page.headers.get('x-next-offset')).toBe(String(Buffer.byteLength(page.text)));
  });

  it('an offset past the end → 416 problem', async () => {
    const answer = await send('GET', `/v1/training-jobs/${ids.running}/logs?offset=999999999`);
    expect(answer.status).toBe(416);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect((answer.body as { detail: string }).detail).toMatch(/offset 999999999 is past its end/);
  });

  it('?wait=21 → 400', async () => {
    expect((await send('GET', `/v1/training-jobs/${ids.running}/logs?wait=21`)).status).toBe(400);
  });
});

describe('metrics', () => {
  it('train loss per display step (with learning rate) and test outputs per test interval, as in the log', async () => {
    const metrics = await api.request<{
      train: Array<{ iteration: number; loss: number; learningRate?: number; at?: string }>;
      test: Array<{ iteration: number; outputs: Record<string, number> }>;
    }>('GET', `/v1/training-jobs/${ids.running}/metrics`);
    expect(metrics.train.length).toBeGreaterThan(1);
    metrics.train.forEach((point, i) => {
      expect(point.iteration).toBe(i * 50);
      expect(typeof point.loss).toBe('number');
      expect(typeof point.at).toBe('string');
    });
    expect(metrics.train[1]!.learningRate).toBe(0.01);
    expect(metrics.test[0]).toEqual({
      iteration: 0,
      outputs: { accuracy: expect.any(Number), loss: expect.any(Number) },
      at: expect.any(String),
    });
  });
});

describe('delete while in use → 409', () => {
  it.each([
    ['the running job', () => `/v1/training-jobs/${ids.running}`, /is running; cancel it/],
    ['its solver', () => `/v1/solvers/${ids.longSolver}`, /is used by training job/],
    ['its dataset', () => `/v1/datasets/${ids.dataset}`, /is used by solver/],
  ])('%s', async (_what, url, detail) => {
    const answer = await send('DELETE', url());
    expect(answer.status).toBe(409);
    expect((answer.body as { detail: string }).detail).toMatch(detail);
  });
});

describe('cancel', () => {
  it('a queued job ends cancelled at once, and its Batch job never runs', async () => {
    expect((await api.request<JobView>('GET', `/v1/training-jobs/${ids.waiting}`)).status).toBe('queued');
    const cancelled = await api.request<JobView>('POST', `/v1/training-jobs/${ids.waiting}/cancel`);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelledAt).toEqual(cancelled.finishedAt);
    for (const job of batchJobsOf(ids.waiting)) {
      expect(job.status).toBe('FAILED');
      expect(job.attempts ?? []).toEqual([]);
    }
  });

  it('a running job: the Batch job is terminated and the record stays cancelled', async () => {
    const cancelled = await api.request<JobView>('POST', `/v1/training-jobs/${ids.running}/cancel`);
    expect(cancelled.status).toBe('cancelled');
    await waitUntil(() => batchJobsOf(ids.running)[0]?.status === 'FAILED');
    // The FAILED event arrived after the cancel; the record keeps `cancelled`.
    expect((await api.request<JobView>('GET', `/v1/training-jobs/${ids.running}`)).status).toBe('cancelled');
  });

  it('the queued job was never started, even now that the slot is free', async () => {
    await waitUntil(() => tc.cloud.batch.jobs().every((job) => ['SUCCEEDED', 'FAILED'].includes(job.status ?? '')));
    expect(batchJobsOf(ids.waiting).every((job) => (job.attempts ?? []).length === 0)).toBe(true);
    expect((await api.request<JobView>('GET', `/v1/training-jobs/${ids.waiting}`)).status).toBe('cancelled');
  });

  it('a finished job → 409', async () => {
    const answer = await send('POST', `/v1/training-jobs/${ids.running}/cancel`);
    expect(answer.status).toBe(409);
    expect((answer.body as { detail: string }).detail).toMatch(/already cancelled/);
  });

  it("the finished job's log is complete", async () => {
    const answer = await send('GET', `/v1/training-jobs/${ids.running}/logs?limit=4194304`);
    await waitUntil(
      async () =>
        (
          await send('GET', `/v1/training-jobs/${ids.running}/logs?offset=${answer.headers.get('x-next-offset')}`)
        ).headers.get('x-log-complete') === 'true',
    );
  });
});

describe('lists filtered by status', () => {
  it('?status=cancelled lists both jobs, newest first; ?status=running none', async () => {
    const cancelled = await api.request<{ items: Array<{ id: string }> }>('GET', '/v1/training-jobs?status=cancelled');
    expect(cancelled.items.map((j) => j.id)).toEqual([ids.waiting, ids.running]);
    expect((await api.request<{ items: unknown[] }>('GET', '/v1/training-jobs?status=running')).items).toEqual([]);
  });

  it('an unknown status, or a status filter on solvers → 400', async () => {
    const unknown = await send('GET', '/v1/training-jobs?status=done');
    expect(unknown.status).toBe(400);
    expect((unknown.body as { detail: string }).detail).toMatch(
      /use one of queued, starting, running, succeeded, failed, cancelled/,
    );
    expect((await send('GET', '/v1/solvers?status=ready')).status).toBe(400);
  });

  it('pages stay full while the filter skips non-matching records, and the cursor resumes exactly', async () => {
    // Five newer datafiles awaiting upload bury the one ready datafile.
    const waiting: string[] = [];
    for (let i = 0; i < 5; i++)
      waiting.push(
        (await api.request<{ id: string }>('POST', '/v1/datafiles', { name: `w${i}`, format: 'image-folders' })).id,
      );
    const ready = await api.request<{ items: Array<{ id: string }>; nextCursor: string | null }>(
      'GET',
      '/v1/datafiles?status=ready&limit=1',
    );
    expect(ready.items.map((d) => d.id)).toEqual([ids.datafile]);
    const seen: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Array<{ id: string }>; nextCursor: string | null } = await api.request(
        'GET',
        `/v1/datafiles?status=awaiting-upload&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 5);
    expect(seen.flat()).toEqual([...waiting].reverse());
    expect(seen.slice(0, 3).map((p) => p.length)).toEqual([2, 2, 1]);
  });
});

describe('delete once unused', () => {
  it('a finished job: 204, then 404, and none of its objects remain', async () => {
    expect((await listObjects(recordPrefix(tenant, 'training-jobs', ids.running))).length).toBeGreaterThan(0);
    expect((await send('DELETE', `/v1/training-jobs/${ids.running}`)).status).toBe(204);
    expect((await send('GET', `/v1/training-jobs/${ids.running}`)).status).toBe(404);
    expect(await listObjects(recordPrefix(tenant, 'training-jobs', ids.running))).toEqual([]);
    expect((await send('DELETE', `/v1/training-jobs/${ids.waiting}`)).status).toBe(204);
  });

  it('solvers, then the dataset with its LMDBs', async () => {
    expect((await send('DELETE', `/v1/solvers/${ids.longSolver}`)).status).toBe(204);
    expect((await send('DELETE', `/v1/datasets/${ids.dataset}`)).status).toBe(409); // the short solver still uses it
    expect((await send('DELETE', `/v1/solvers/${ids.shortSolver}`)).status).toBe(204);
    expect((await listObjects(recordPrefix(tenant, 'datasets', ids.dataset))).length).toBeGreaterThan(0);
    expect((await send('DELETE', `/v1/datasets/${ids.dataset}`)).status).toBe(204);
    expect(await listObjects(recordPrefix(tenant, 'datasets', ids.dataset))).toEqual([]);
    expect((await send('GET', `/v1/datasets/${ids.dataset}`)).status).toBe(404);
  });
});

/** Polls a condition (state the cloud reaches on its own); the test's own timeout bounds it. */
async function waitUntil(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 200));
}
