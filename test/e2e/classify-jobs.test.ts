/**
 * Asynchronous classify jobs with real Caffe: train a small LeNet on a Fashion-MNIST slice, make a
 * classifier, then classify held-out images uploaded as an archive plus images fetched by URL from
 * a local HTTP server (one URL answers 404 and must become that image's error, not a failed job).
 * Also the API's refusals around classify jobs and URL images.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureFashionMnist, fashionMnistFiles } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { fashionMnistFolders, greyPng, writeFashionMnistArchive } from '../../local/fixtures/fashion-mnist';
import { readIdxImages, readIdxLabels } from '../../local/fixtures/idx';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar } from '../support/tar-craft';
import type { Usage } from '../../core/usage';

jest.setTimeout(15 * 60_000);

const example = path.join(__dirname, '..', '..', 'examples', 'fashion-mnist-lenet');
let tc: TestCloud;
let api: ElasticCaffeClient;
let classifierId: string;
let images: Server;
let imagesUrl: string;
/** 42 test images the dataset never saw (test split indexes 5000…5041), with their folders. */
const heldOut: Array<{ png: Buffer; folder: string }> = [];

interface ClassifyJobView {
  id: string;
  status: string;
  error?: string;
  results?: { images: number; classified: number; failed: number; bytes: number };
  upload?: { url: string; method: string };
  usage?: Usage;
}
interface ResultsFile {
  classifierId: string;
  results: Array<{ image: string; top?: Array<{ label: string; probability: number }>; error?: string }>;
}

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('classify-jobs-tenant');
  const work = await mkdtemp(path.join(os.tmpdir(), 'classify-jobs-e2e-'));
  const dataDir = await ensureFashionMnist();
  await writeFashionMnistArchive({ dataDir, split: 'train', count: 1000, out: path.join(work, 'train.tar.gz') });
  await writeFashionMnistArchive({ dataDir, split: 'test', count: 100, out: path.join(work, 'test.tar.gz') });
  const train = await api.uploadDatafile('train', path.join(work, 'train.tar.gz'));
  const test = await api.uploadDatafile('test', path.join(work, 'test.tar.gz'));
  const dataset = await api.request<{ id: string }>('POST', '/v1/datasets', {
    name: 'fm',
    training: { datafileId: train.id, splitPercentage: 0 },
    testing: { datafileId: test.id, splitPercentage: 0 },
  });
  const solverText = (await readFile(path.join(example, 'solver.prototxt'), 'utf8'))
    .replace(/max_iter: \d+/, 'max_iter: 200')
    .replace(/test_interval: \d+/, 'test_interval: 200')
    .replace(/test_iter: \d+/, 'test_iter: 1')
    .replace(/snapshot: \d+/, 'snapshot: 200');
  const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
    name: 'lenet',
    datasetId: dataset.id,
    solver: solverText,
    net: await readFile(path.join(example, 'net.prototxt'), 'utf8'),
  });
  const jobId = (await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id })).id;
  const job = await api.waitFor<{ status: string }>(
    `/v1/training-jobs/${jobId}`,
    (j) => ['succeeded', 'failed'].includes(j.status),
    { timeoutMs: 10 * 60_000 },
  );
  expect(job).toMatchObject({ status: 'succeeded' });
  classifierId = (await api.request<{ id: string }>('POST', '/v1/classifiers', { trainingJobId: jobId })).id;

  const files = fashionMnistFiles(dataDir, 'gz');
  const idx = await readIdxImages(files.testImages);
  const labels = await readIdxLabels(files.testLabels);
  const size = idx.width * idx.height;
  for (let i = 5000; i < 5042; i++)
    heldOut.push({
      png: greyPng(idx.pixels.subarray(i * size, (i + 1) * size), idx.width, idx.height),
      folder: fashionMnistFolders[labels[i]!]!,
    });

  // The tenant's image host: /0.png and /1.png are the last two held-out images; anything else is 404.
  images = createServer((request, response) => {
    const match = /^\/([01])\.png$/.exec(request.url ?? '');
    if (!match) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'image/png' }).end(heldOut[40 + Number(match[1])]!.png);
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imagesUrl = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});
afterAll(async () => {
  images?.close();
  await tc?.stop();
});

test('an uploaded archive of 40 images and 2 URL images are classified, with accuracy well above chance', async () => {
  const created = await api.request<ClassifyJobView>('POST', `/v1/classifiers/${classifierId}/classify-jobs`, {
    archive: true,
    images: [{ url: `${imagesUrl}/0.png` }, { url: `${imagesUrl}/1.png` }, { url: `${imagesUrl}/missing.png` }],
    topK: 2,
  });
  expect(created).toMatchObject({ status: 'awaiting-upload', upload: { method: 'PUT' } });
  const archive = craftTar(
    heldOut.slice(0, 40).map((h, i) => ({ path: `batch/${String(i).padStart(2, '0')}.png`, data: h.png })),
    { gzip: true },
  );
  expect((await fetch(created.upload!.url, { method: 'PUT', body: archive })).status).toBe(200);

  const job = await api.waitFor<ClassifyJobView>(
    `/v1/classify-jobs/${created.id}`,
    (j) => ['succeeded', 'failed'].includes(j.status),
    { timeoutMs: 5 * 60_000 },
  );
  expect(job).toMatchObject({ status: 'succeeded', results: { images: 43, classified: 42, failed: 1 } });
  // What it used comes with the Batch job's end (right after the status): the local worker's one attempt, unpriced.
  const { usage } = await api.waitFor<ClassifyJobView>(`/v1/classify-jobs/${created.id}`, (j) => j.usage !== undefined);
  expect(usage!.attempts).toEqual([expect.objectContaining({ attempt: 1, gpus: 0 })]);
  expect(usage!.attempts[0]!.vcpus).toBeGreaterThan(0);
  expect(usage!.attempts[0]!.runningSeconds).toBeGreaterThan(0);
  expect(usage!.billableSeconds).toBe(Math.ceil(usage!.attempts[0]!.runningSeconds));
  expect(usage).not.toHaveProperty('estimatedCost');

  const download = await api.request<{ url: string; bytes: number }>('GET', `/v1/classify-jobs/${created.id}/results`);
  const file = (await (await fetch(download.url)).json()) as ResultsFile;
  expect(file.classifierId).toBe(classifierId);
  const expected = [
    ...heldOut.slice(0, 40).map((h, i) => [`batch/${String(i).padStart(2, '0')}.png`, h.folder]),
    [`${imagesUrl}/0.png`, heldOut[40]!.folder],
    [`${imagesUrl}/1.png`, heldOut[41]!.folder],
  ];
  expect(file.results.slice(0, 42).map((r) => r.image)).toEqual(expected.map(([image]) => image));
  expect(file.results.slice(0, 42).every((r) => r.top?.length === 2)).toBe(true);
  const correct = file.results.slice(0, 42).filter((r, i) => r.top![0]!.label === expected[i]![1]).length;
  expect(correct / 42).toBeGreaterThanOrEqual(0.5); // chance is 0.1
  expect(file.results[42]).toEqual({ image: `${imagesUrl}/missing.png`, error: expect.stringContaining('HTTP 404') });
});

describe('refusals', () => {
  const send = async (method: string, urlPath: string, body?: unknown) => {
    const response = await fetch(`${api.baseUrl}${urlPath}`, {
      method,
      headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as { detail: string; errors?: Array<{ field: string; message: string }> },
    };
  };

  it('sync classify with a url image → 400 pointing at classify-jobs', async () => {
    const answer = await send('POST', `/v1/classifiers/${classifierId}/classify`, {
      images: [{ url: `${imagesUrl}/0.png` }],
    });
    expect(answer).toMatchObject({ status: 400, type: 'application/problem+json' });
    expect(answer.body.errors?.[0]).toMatchObject({
      field: 'images.0.url',
      message: expect.stringContaining('classify-jobs'),
    });
  });

  it('a job with neither images nor an archive → 400 naming images', async () => {
    const answer = await send('POST', `/v1/classifiers/${classifierId}/classify-jobs`, {});
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.field).toBe('images');
  });

  it('a private or metadata URL → 400 naming the image, and no job is created', async () => {
    const before = await api.request<{ items: unknown[] }>('GET', '/v1/classify-jobs?limit=100');
    const answer = await send('POST', `/v1/classifiers/${classifierId}/classify-jobs`, {
      images: [{ url: 'https://example.com/a.png' }, { url: 'http://169.254.169.254/latest/meta-data/' }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.field).toBe('images.1.url');
    expect((await api.request<{ items: unknown[] }>('GET', '/v1/classify-jobs?limit=100')).items).toHaveLength(
      before.items.length,
    );
  });

  it('an unknown classifier → 404; results of a job still awaiting its upload → 409', async () => {
    expect(
      (await send('POST', '/v1/classifiers/cl_01jzzzzzzzzzzzzzzzzzzzzzzz/classify-jobs', { archive: true })).status,
    ).toBe(404);
    const waiting = await api.request<ClassifyJobView>('POST', `/v1/classifiers/${classifierId}/classify-jobs`, {
      archive: true,
    });
    const answer = await send('GET', `/v1/classify-jobs/${waiting.id}/results`);
    expect(answer.status).toBe(409);
    expect(answer.body.detail).toContain('awaiting-upload');
  });
});
