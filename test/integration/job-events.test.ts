/**
 * Job state change events and the correlation id, through a real local cloud with real Caffe: a
 * dataset and a training job created with X-Correlation-Id → the local EventBridge bus receives each
 * record's state changes in order (with tenant, previous status and correlation id), the records
 * carry the id, and the worker's log names it.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as records from '../../core/records/store';
import { jobEvents } from '../../core/topology';
import { measureJobs, type JobCounts } from '../../core/usecases/job-metrics';
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import type { BusEvent } from '../../local/eventbridge';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar, fashionMnistEntries, tinyNet, tinySolver, uploadArchive } from '../support/tar-craft';

jest.setTimeout(6 * 60_000);

const tenant = 'tenant-events';
let tc: TestCloud;
let api: ElasticCaffeClient;
const ids = { datafile: '', dataset: '', solver: '', job: '' };
const echoed = { dataset: '', job: '' };
let whileWorking: JobCounts;

/** POST with our own X-Correlation-Id; returns the new id and the echoed header. */
async function create(urlPath: string, body: unknown, correlationId: string): Promise<{ id: string; echoed: string }> {
  const response = await fetch(`${api.baseUrl}${urlPath}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${api.token}`,
      'content-type': 'application/json',
      'x-correlation-id': correlationId,
    },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { id: string };
  expect(response.status).toBe(202); // accepted: the work runs in the background
  return { id: answer.id, echoed: response.headers.get('x-correlation-id') ?? '' };
}

const eventsOf = (id: string): BusEvent[] => tc.cloud.eventBus.events().filter((event) => event.detail.id === id);
const statusesOf = (id: string) => eventsOf(id).map((event) => event.detail.status);

/** Events are published right after the write that makes them: wait for the last one to arrive. */
async function waitForEvent(id: string, status: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!statusesOf(id).includes(status)) {
    if (Date.now() > deadline) throw new Error(`no ${status} event for ${id}; got ${JSON.stringify(statusesOf(id))}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  tc = await startTestCloud({ workers: 1 });
  api = await tc.as(tenant);
  const { entries } = await fashionMnistEntries(fashionMnistDir(), 60);
  ids.datafile = (await uploadArchive(api, 'tiny', craftTar(entries, { gzip: true }))).id;
  const dataset = await create(
    '/v1/datasets',
    {
      name: 'tiny',
      training: { datafileId: ids.datafile, splitPercentage: 0.8 },
      testing: { datafileId: ids.datafile, splitPercentage: 0.2 },
    },
    'corr-dataset-1',
  );
  ids.dataset = dataset.id;
  echoed.dataset = dataset.echoed;
  ids.solver = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'tiny',
      datasetId: ids.dataset,
      solver: tinySolver(20),
      net: tinyNet(),
    })
  ).id;
  const job = await create('/v1/training-jobs', { solverId: ids.solver, name: 'first' }, 'corr-train-1');
  ids.job = job.id;
  echoed.job = job.echoed;
  // What the job-metrics function would publish now, read from the real status index.
  whileWorking = await measureJobs();
  const done = await api.waitFor<{ status: string }>(
    `/v1/training-jobs/${ids.job}`,
    (j) => ['succeeded', 'failed'].includes(j.status),
    { timeoutMs: 5 * 60_000 },
  );
  expect(done.status).toBe('succeeded');
  await waitForEvent(ids.job, 'succeeded');
});

afterAll(async () => {
  await tc?.stop();
});

it('echoes the X-Correlation-Id of each request', () => {
  expect(echoed).toEqual({ dataset: 'corr-dataset-1', job: 'corr-train-1' });
});

it(
  "publishes the training job's state changes in order, each " +
    'naming the one before, with tenant and correlation id',
  () => {
    const events = eventsOf(ids.job);
    expect(statusesOf(ids.job)).toEqual(['queued', 'starting', 'running', 'succeeded']);
    expect(events.map((event) => event.detail.previousStatus)).toEqual([undefined, 'queued', 'starting', 'running']);
    for (const event of events) {
      expect(event).toMatchObject({ source: jobEvents.source, 'detail-type': jobEvents.detailType });
      expect(event.detail).toMatchObject({
        collection: 'training-jobs',
        tenantId: tenant,
        id: ids.job,
        name: 'first',
        correlationId: 'corr-train-1',
      });
    }
  },
);

it("publishes the dataset's state changes (pending → processing → ready) with its own correlation id", async () => {
  await waitForEvent(ids.dataset, 'ready');
  expect(statusesOf(ids.dataset)).toEqual(['pending', 'processing', 'ready']);
  for (const event of eventsOf(ids.dataset))
    expect(event.detail).toMatchObject({ collection: 'datasets', tenantId: tenant, correlationId: 'corr-dataset-1' });
});

it("publishes the datafile's upload and inspection, correlated with the request that registered it", async () => {
  await waitForEvent(ids.datafile, 'ready');
  expect(statusesOf(ids.datafile)).toEqual(['awaiting-upload', 'processing', 'ready']);
  const datafile = await records.get('datafiles', tenant, ids.datafile);
  // Created without a header: the id is the API request's own.
  expect(datafile.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  for (const event of eventsOf(ids.datafile)) expect(event.detail.correlationId).toBe(datafile.correlationId);
});

it('keeps the correlation id on the records, and the worker prints it in its log', async () => {
  expect((await records.get('training-jobs', tenant, ids.job)).correlationId).toBe('corr-train-1');
  expect((await records.get('datasets', tenant, ids.dataset)).correlationId).toBe('corr-dataset-1');
  const [batchJob] = tc.cloud.batch.jobs().filter((job) => job.parameters?.recordId === ids.job);
  expect(batchJob).toBeDefined();
  const log = await readFile(path.join(tc.home, 'logs', 'batch', `${batchJob!.jobId}-1.log`), 'utf8');
  expect(log).toMatch(/\[worker\] train .* correlationId=corr-train-1/);
  expect(log).toMatch(/\[worker\] done correlationId=corr-train-1/);
});

it('writes every event to <home>/events.jsonl as well', async () => {
  const lines = (await readFile(path.join(tc.home, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as BusEvent);
  expect(lines.filter((event) => event.detail.id === ids.job).map((event) => event.detail.status)).toEqual(
    statusesOf(ids.job),
  );
});

it("the job-metrics count sees the tenant's work while it runs, and none once it is done", async () => {
  expect(whileWorking.queued + whileWorking.running).toBeGreaterThanOrEqual(1);
  expect(Object.keys(whileWorking.runningByTenant).every((id) => id === tenant)).toBe(true);
  expect(await measureJobs()).toEqual({ queued: 0, running: 0, runningByTenant: {}, oldestQueuedAgeSeconds: 0 });
});
