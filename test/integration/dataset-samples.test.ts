/**
 * What the console shows of datasets and the queue, through the SDK against a real local cloud:
 * each class's thumbnails, written by the real worker as it builds datasets from image folders
 * (streamed, and through convert_imageset when resized) and IDX, fetched from their presigned URLs
 * as real PNGs; counts without samples for LMDB input and for datasets built before thumbnails;
 * 404 across tenants, 409 until ready; and the admin queue with work held back by capacity 0.
 */
import type { Queue } from '@elastic-caffe/sdk';
import { PNG } from 'pngjs';
import { bucket, keys } from '../../core/objects';
import { s3Sdk } from '../../core/aws/clients';
import { storedSamplesPerClass } from '../../core/dataset-samples';
import { issueToken } from '../../local/auth';
import { fashionMnistDir } from '../../local/caffe/install';
import { ApiError, ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { idxArchive, imageFoldersTar, lmdbArchive, readyDatafile } from '../support/format-fixtures';
import { rawCall } from '../support/raw-call';
import { longSolver, tinyNet } from '../support/tar-craft';

jest.setTimeout(8 * 60_000);

const TENANT = 'tenant-samples';
const OTHER = 'tenant-samples-other';
const dataDir = fashionMnistDir();
let tc: TestCloud;
let api: ElasticCaffeClient;
let other: ElasticCaffeClient;
let admin: ElasticCaffeClient;

interface DatasetView {
  id: string;
  status: string;
  labels?: string[];
  counts?: { training: Record<string, number>; testing: Record<string, number> };
  error?: string;
}

const finished = (id: string) =>
  api.waitFor<DatasetView>(`/v1/datasets/${id}`, (d) => d.status === 'ready' || d.status === 'failed', {
    timeoutMs: 4 * 60_000,
  });

const createDataset = (name: string, training: object, testing: object, transform?: object) =>
  api.request<DatasetView>('POST', '/v1/datasets', { name, training, testing, ...(transform ? { transform } : {}) });

/** Uploads a datafile and builds a 0.8/0.2 dataset of it, waited for until it is ready. */
async function splitDataset(name: string, data: Buffer, format: string, transform?: object): Promise<DatasetView> {
  const datafile = await readyDatafile(api, name, data, format);
  expect(datafile.status).toBe('ready');
  const split = (splitPercentage: number) => ({ datafileId: datafile.id, splitPercentage });
  const dataset = await finished((await createDataset(name, split(0.8), split(0.2), transform)).id);
  expect(dataset.error).toBeUndefined();
  return dataset;
}

async function setCapacity(maxWorkers: number): Promise<void> {
  await admin.sdk.admin.setCapacity({ maxWorkers, maxConcurrentJobs: { default: 4, tenants: {} } });
}

/** The PNG a presigned URL serves, as its width and height. */
async function fetchPng(url: string): Promise<{ width: number; height: number; contentType: string | null }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const png = PNG.sync.read(Buffer.from(await response.arrayBuffer()));
  return { width: png.width, height: png.height, contentType: response.headers.get('content-type') };
}

const built: Record<string, Promise<DatasetView>> = {};

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as(TENANT);
  other = await tc.as(OTHER);
  admin = new ElasticCaffeClient(tc.cloud.url, await issueToken(tc.home, 'ops-samples', { admin: true }));
  const lmdb = await lmdbArchive(dataDir, 40);
  Object.assign(built, {
    streamed: splitDataset('streamed', await imageFoldersTar(dataDir, 120), 'image-folders'),
    resized: splitDataset('resized', await imageFoldersTar(dataDir, 40), 'image-folders', {
      width: 32,
      height: 32,
      resizeMode: 'stretch',
    }),
    idx: splitDataset('idx', await idxArchive(dataDir, 60), 'idx'),
    lmdb: (async () => {
      const [a, b] = await Promise.all([
        readyDatafile(api, 'lmdb-a', lmdb, 'lmdb'),
        readyDatafile(api, 'lmdb-b', lmdb, 'lmdb'),
      ]);
      const created = await createDataset(
        'lmdb',
        { datafileId: a.id, splitPercentage: 0 },
        { datafileId: b.id, splitPercentage: 0 },
      );
      return finished(created.id);
    })(),
  });
  await Promise.all(Object.values(built));
});

afterAll(async () => {
  await tc?.stop();
});

describe('GET /v1/datasets/{id}/samples', () => {
  it('lists every class in label order with its training count and up to 8 samples by default', async () => {
    const dataset = await built.streamed!;
    const { classes } = await api.sdk.datasets.samples(dataset.id);
    expect(classes.map((c) => c.label)).toEqual(dataset.labels);
    expect(classes.map((c) => c.index)).toEqual(dataset.labels!.map((_, index) => index));
    for (const c of classes) {
      expect(c.count).toBe(dataset.counts!.training[c.label]);
      expect(c.samples).toHaveLength(Math.min(8, c.count));
    }
  });

  it("serves real PNG thumbnails of the images' size from the presigned URLs", async () => {
    const dataset = await built.streamed!;
    const { classes } = await api.sdk.datasets.samples(dataset.id, { perClass: 2 });
    const samples = classes.flatMap((c) => c.samples);
    expect(samples.length).toBeGreaterThan(10);
    for (const sample of samples) {
      expect(sample.url).toContain(`tenants/${TENANT}/datasets/${dataset.id}/samples/`);
      expect(sample).toMatchObject({ width: 28, height: 28 });
      expect(await fetchPng(sample.url)).toEqual({ width: 28, height: 28, contentType: 'image/png' });
    }
  });

  it('answers at most as many samples per class as a build keeps', async () => {
    const dataset = await built.streamed!;
    const { classes } = await api.sdk.datasets.samples(dataset.id, { perClass: 32 });
    const largest = Math.max(...classes.map((c) => c.samples.length));
    expect(largest).toBe(Math.min(storedSamplesPerClass, Math.max(...classes.map((c) => c.count))));
  });

  it('has thumbnails of the source images for a dataset built by convert_imageset (resized)', async () => {
    const dataset = await built.resized!;
    const { classes } = await api.sdk.datasets.samples(dataset.id, { perClass: 1 });
    expect(classes.map((c) => c.label)).toEqual(dataset.labels);
    for (const c of classes) {
      expect(c.samples).toHaveLength(c.count ? 1 : 0);
      for (const sample of c.samples) expect(await fetchPng(sample.url)).toMatchObject({ width: 28, height: 28 });
    }
  });

  it('has thumbnails of the IDX images, labelled 0..9', async () => {
    const dataset = await built.idx!;
    const { classes } = await api.sdk.datasets.samples(dataset.id, { perClass: 1 });
    expect(classes.map((c) => c.label)).toEqual(dataset.labels);
    const withSamples = classes.filter((c) => c.samples.length);
    expect(withSamples.length).toBeGreaterThan(5);
    expect(await fetchPng(withSamples[0]!.samples[0]!.url)).toMatchObject({ width: 28, height: 28 });
  });

  it('answers no classes (and no error) for a dataset of LMDB input, which has no labels to show', async () => {
    const dataset = await built.lmdb!;
    expect(dataset.status).toBe('ready');
    expect(await api.sdk.datasets.samples(dataset.id)).toEqual({ classes: [] });
  });

  it('answers counts with empty samples for a dataset built before thumbnails existed (no index)', async () => {
    const dataset = await built.resized!;
    const { client, sdk } = await s3Sdk();
    await client.send(
      new sdk.DeleteObjectCommand({ Bucket: bucket(), Key: keys.datasetSamplesIndex(TENANT, dataset.id) }),
    );
    const { classes } = await api.sdk.datasets.samples(dataset.id);
    expect(classes.map((c) => [c.label, c.count, c.samples.length])).toEqual(
      dataset.labels!.map((label) => [label, dataset.counts!.training[label], 0]),
    );
  });

  it("answers 404 for another tenant's dataset, as for one that does not exist", async () => {
    const dataset = await built.streamed!;
    for (const id of [dataset.id, 'ds_00000000000000000000000000']) {
      const answer = await rawCall(other, 'GET', `/v1/datasets/${id}/samples`);
      expect(answer.status).toBe(404);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('refuses a perClass above 32, naming the field', async () => {
    const dataset = await built.streamed!;
    const answer = await rawCall(api, 'GET', `/v1/datasets/${dataset.id}/samples?perClass=33`);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.errors)).toContain('perClass');
  });
});

describe('GET /v1/admin/queue, with work held back by capacity 0', () => {
  let pendingDataset: string;
  let jobs: string[];

  beforeAll(async () => {
    const dataset = await built.streamed!;
    const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'long',
      datasetId: dataset.id,
      solver: longSolver,
      net: tinyNet(),
    });
    // Inspecting a datafile is work too: this one is ready before capacity drops to 0.
    const datafile = await readyDatafile(api, 'later', await imageFoldersTar(dataDir, 20), 'image-folders');
    await setCapacity(0);
    jobs = [];
    for (const name of ['first', 'second'])
      jobs.push((await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id, name })).id);
    const split = (splitPercentage: number) => ({ datafileId: datafile.id, splitPercentage });
    pendingDataset = (await createDataset('later', split(0.8), split(0.2))).id;
  });

  afterAll(async () => {
    for (const id of jobs ?? []) await api.request('POST', `/v1/training-jobs/${id}/cancel`).catch(() => undefined);
  });

  const mineIn = (queue: Queue) => queue.tenants.find((t) => t.tenantId === TENANT);
  const mine = async () => mineIn(await admin.sdk.admin.queue());
  const queueWhen = (done: (queue: Queue) => boolean) =>
    admin.waitFor<Queue>('/v1/admin/queue', done, { timeoutMs: 2 * 60_000, intervalMs: 200 });

  it('answers 409 (problem+json) for the samples of a dataset that is not ready', async () => {
    const answer = await rawCall(api, 'GET', `/v1/datasets/${pendingDataset}/samples`);
    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
  });

  it("counts the tenant's two jobs and its dataset build as waiting, nothing running", async () => {
    await queueWhen((queue) => mineIn(queue)?.waiting === 3);
    const queue = await admin.sdk.admin.queue();
    expect(queue.tenants.find((t) => t.tenantId === TENANT)).toEqual({ tenantId: TENANT, running: 0, waiting: 3 });
    expect(queue.totals).toEqual({
      running: queue.tenants.reduce((sum, t) => sum + t.running, 0),
      waiting: queue.tenants.reduce((sum, t) => sum + t.waiting, 0),
    });
    expect(queue.tenantCount).toBe(queue.tenants.length);
  });

  it('counts the job capacity 1 starts as running and the rest as waiting', async () => {
    await setCapacity(1);
    await queueWhen((queue) => mineIn(queue)?.running === 1);
    expect(await mine()).toEqual({ tenantId: TENANT, running: 1, waiting: 2 });
  });

  it('lists no more tenants than ?limit= asks', async () => {
    const queue = await admin.sdk.admin.queue({ limit: 1 });
    expect(queue.tenants).toHaveLength(1);
    expect(queue.totals.waiting).toBeGreaterThanOrEqual(2);
  });

  it('answers 403 (problem+json) to a tenant that is not an admin', async () => {
    const answer = await rawCall(api, 'GET', '/v1/admin/queue');
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    await expect(api.sdk.admin.queue()).rejects.toBeInstanceOf(ApiError);
  });
});
