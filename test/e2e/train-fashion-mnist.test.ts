/**
 * The whole flow with real Caffe, through the HTTP API: upload Fashion-MNIST image folders,
 * build a dataset, train LeNet for a few hundred iterations, download the model and check that
 * it really is a trained model by running `caffe test` on it.
 */
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { rewriteForJob } from '../../core/caffe/rewrite';
import { runCaffeTool } from '../../core/caffe/tools';
import { keys } from '../../core/objects';
import { ensureFashionMnist } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { writeFashionMnistArchive } from '../../local/fixtures/fashion-mnist';
import { download } from '../../container/worker/transfer';
import { startTestCloud, type TestCloud } from '../support/cloud';

jest.setTimeout(15 * 60_000);

const example = path.join(__dirname, '..', '..', 'examples', 'fashion-mnist-lenet');
const maxIter = 300;
const tenant = 'e2e-tenant';

interface Job {
  id: string;
  status: string;
  attempts: number;
  progress: { iteration: number; maxIterations: number; loss?: number; testOutputs: Record<string, number> };
  error?: string;
}

let test_: TestCloud;
let api: ElasticCaffeClient;
let work: string;

beforeAll(async () => {
  test_ = await startTestCloud();
  api = await test_.as(tenant);
  work = await mkdtemp(path.join(os.tmpdir(), 'e2e-'));
});
afterAll(async () => test_?.stop());

test('trains LeNet on Fashion-MNIST end to end and the downloaded model passes caffe test', async () => {
  // Arrange: two datafiles, used whole (seed semantics: splitPercentage 0 = all of it).
  const dataDir = await ensureFashionMnist();
  await writeFashionMnistArchive({ dataDir, split: 'train', count: 2000, out: path.join(work, 'train.tar.gz') });
  await writeFashionMnistArchive({ dataDir, split: 'test', count: 500, out: path.join(work, 'test.tar.gz') });
  const train = await api.uploadDatafile('train', path.join(work, 'train.tar.gz'));
  const testFile = await api.uploadDatafile('test', path.join(work, 'test.tar.gz'));
  const created = await api.request<{ id: string; status: string }>('POST', '/v1/datasets', {
    name: 'fashion-mnist-slice',
    training: { datafileId: train.id, splitPercentage: 0 },
    testing: { datafileId: testFile.id, splitPercentage: 0 },
  });
  expect(created.status).toBe('pending');
  const dataset = await api.waitFor<{
    status: string;
    labels: string[];
    counts: { training: Record<string, number>; testing: Record<string, number> };
    shape: unknown;
  }>(`/v1/datasets/${created.id}`, (d) => d.status === 'ready' || d.status === 'failed');
  expect(dataset.status).toBe('ready');
  expect(dataset.labels).toHaveLength(10);
  expect(Object.values(dataset.counts.training).reduce((a, b) => a + b, 0)).toBe(2000);
  expect(Object.values(dataset.counts.testing).reduce((a, b) => a + b, 0)).toBe(500);
  expect(dataset.shape).toEqual({ channels: 1, height: 28, width: 28 });

  const solverText = (await readFile(path.join(example, 'solver.prototxt'), 'utf8'))
    .replace(/max_iter: \d+/, `max_iter: ${maxIter}`)
    .replace(/test_interval: \d+/, 'test_interval: 100')
    .replace(/test_iter: \d+/, 'test_iter: 5')
    .replace(/snapshot: \d+/, 'snapshot: 100');
  const netText = await readFile(path.join(example, 'net.prototxt'), 'utf8');
  const solver = await api.request<{ id: string; maxIterations: number }>('POST', '/v1/solvers', {
    name: 'lenet',
    datasetId: created.id,
    solver: solverText,
    net: netText,
  });
  expect(solver.maxIterations).toBe(maxIter);

  // Act: train, watching progress while it runs.
  const queued = await api.request<Job>('POST', '/v1/training-jobs', { solverId: solver.id });
  expect(queued.status).toBe('queued');
  const seen: Job[] = [];
  const job = await api.waitFor<Job>(
    `/v1/training-jobs/${queued.id}`,
    (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status),
    {
      intervalMs: 200,
      onUpdate: (j) => seen.push(j),
    },
  );

  // Assert: succeeded, progress reached max_iter and was visible while running, accuracy far above chance (10%).
  expect(job.error).toBeUndefined();
  expect(job.status).toBe('succeeded');
  expect(job.attempts).toBe(1);
  expect(job.progress.iteration).toBe(maxIter);
  expect(job.progress.maxIterations).toBe(maxIter);
  expect(job.progress.testOutputs.accuracy).toBeGreaterThan(0.6);
  expect(seen.some((j) => j.status === 'running' && j.progress.iteration > 0 && j.progress.iteration < maxIter)).toBe(
    true,
  );

  const log = await api.request<string>('GET', `/v1/training-jobs/${queued.id}/logs`);
  expect(log).toContain('Optimization Done.');
  expect(log).toContain(`Iteration ${maxIter}`);

  const artifacts = await api.request<{
    model: { url: string; iteration: number; bytes: number };
    snapshots: Array<{ iteration: number }>;
  }>('GET', `/v1/training-jobs/${queued.id}/artifacts`);
  expect(artifacts.model.iteration).toBe(maxIter);
  expect(artifacts.model.url).toContain(`tenants/${tenant}/training-jobs/${queued.id}/`);
  expect(artifacts.snapshots.map((s) => s.iteration)).toEqual([100, 200, 300]);
  const model = Buffer.from(await (await fetch(artifacts.model.url)).arrayBuffer());
  expect(model.length).toBe(artifacts.model.bytes);

  // The model loads and scores in plain `caffe test` on the dataset's test LMDB.
  const modelFile = path.join(work, 'model.caffemodel');
  await writeFile(modelFile, model);
  const testDb = path.join(work, 'test-lmdb');
  await download(keys.datasetLmdb(tenant, created.id, 'testing'), path.join(testDb, 'data.mdb'));
  const rewritten = rewriteForJob({
    solver: solverText,
    net: netText,
    mode: 'CPU',
    paths: {
      net: path.join(work, 'net.prototxt'),
      snapshotPrefix: path.join(work, 'snap'),
      trainSource: testDb,
      testSource: testDb,
    },
  });
  await writeFile(path.join(work, 'net.prototxt'), rewritten.net);
  const result = await runCaffeTool('caffe', [
    'test',
    `--model=${path.join(work, 'net.prototxt')}`,
    `--weights=${modelFile}`,
    '--iterations=5',
  ]);
  expect(result.code).toBe(0);
  const accuracy = Number(/\] accuracy = ([0-9.]+)/.exec(result.output)?.[1]);
  expect(accuracy).toBeGreaterThan(0.6);
});
