/**
 * Models with real Caffe, on ~300 Fashion-MNIST images and the tiny one-layer net: a training
 * job's weights published as a model (no copy), the same .caffemodel uploaded and imported from a
 * URL (checked by the worker with Caffe), bad weights refused with Caffe's own message, a
 * fine-tune from a model (its loss starts where the source ended; the log names the copied
 * layers; a renamed layer starts fresh), classifiers from models, and the 409s that keep weights
 * in use from being deleted.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar, fashionMnistEntries, tinyNet, uploadArchive } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

interface ModelView {
  id: string;
  name?: string;
  status: string;
  source: string;
  error?: string;
  sizeBytes?: number;
  deploy?: string;
  labels?: string[];
  preprocessing?: Record<string, unknown>;
  lineage?: { trainingJobId: string; iteration: number; solverId: string; datasetId: string };
  upload?: { url: string; method: string; headers: Record<string, string> };
}
interface JobView {
  id: string;
  status: string;
  error?: string;
  weightsFrom?: Record<string, unknown>;
}
type Metrics = { train: Array<{ iteration: number; loss: number }> };
type Failure = { status: number; body: { detail: string; errors?: Array<{ field: string }> } };

const solver = (maxIter: number) => `test_iter: 6
test_interval: 100
base_lr: 0.01
momentum: 0.9
lr_policy: "fixed"
display: 10
max_iter: ${maxIter}
snapshot: 100
`;

let tc: TestCloud;
let api: ElasticCaffeClient;
let datasetId: string;
let solverId: string;
let source: JobView;
let weights: Buffer;
let published: ModelView;
let uploaded: ModelView;
let imported: ModelView;
let server: Server;
let serverUrl: string;
let images: Buffer[];

const fail = (e: unknown) => e as Failure;
const finished = (j: { status: string }) =>
  !['queued', 'starting', 'running', 'checking', 'awaiting-upload'].includes(j.status);
const waitModel = (id: string) => api.waitFor<ModelView>(`/v1/models/${id}`, finished, { timeoutMs: 3 * 60_000 });
const train = async (body: Record<string, unknown>): Promise<JobView> => {
  const created = await api.request<JobView>('POST', '/v1/training-jobs', body);
  return api.waitFor<JobView>(`/v1/training-jobs/${created.id}`, finished, { timeoutMs: 5 * 60_000 });
};
const log = (id: string) => api.request<string>('GET', `/v1/training-jobs/${id}/logs?limit=4194304`);
const metrics = (id: string) => api.request<Metrics>('GET', `/v1/training-jobs/${id}/metrics`);

/** Registers a model for upload and PUTs `bytes` to its presigned URL, as a client would. */
async function uploadModel(body: Record<string, unknown>, bytes: Buffer): Promise<ModelView> {
  const created = await api.request<ModelView>('POST', '/v1/models', { ...body, sizeBytes: bytes.length });
  expect(created).toMatchObject({ status: 'awaiting-upload', source: 'upload', upload: { method: 'PUT' } });
  const put = await fetch(created.upload!.url, { method: 'PUT', headers: created.upload!.headers, body: bytes });
  expect(put.ok).toBe(true);
  return waitModel(created.id);
}

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-models');
  const { entries } = await fashionMnistEntries(fashionMnistDir(), 300);
  images = entries.flatMap((e) => ('data' in e && Buffer.isBuffer(e.data) ? [e.data] : [])).slice(0, 10);
  const datafile = await uploadArchive(api, 'fashion-300', craftTar(entries, { gzip: true }));
  datasetId = (
    await api.request<{ id: string }>('POST', '/v1/datasets', {
      name: 'fashion-300',
      training: { datafileId: datafile.id, splitPercentage: 0.8 },
      testing: { datafileId: datafile.id, splitPercentage: 0.2 },
    })
  ).id;
  solverId = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'tiny-200',
      datasetId,
      solver: solver(200),
      net: tinyNet(),
    })
  ).id;
  source = await train({ solverId, name: 'source' });
  expect(source.status).toBe('succeeded');
  const artifacts = await api.request<{ model: { url: string } }>('GET', `/v1/training-jobs/${source.id}/artifacts`);
  weights = Buffer.from(await (await fetch(artifacts.model.url)).arrayBuffer());
  server = createServer((request, response) => {
    if (request.url === '/tiny.caffemodel') return void response.writeHead(200).end(weights);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await tc?.stop();
});

describe('registering weights', () => {
  it("publishes a training job's weights as a ready model with its lineage, deploy net and labels", async () => {
    published = await api.request<ModelView>('POST', '/v1/models', { trainingJobId: source.id });
    expect(published).toMatchObject({
      status: 'ready',
      source: 'training-job',
      name: 'source',
      lineage: { trainingJobId: source.id, iteration: 200, solverId, datasetId },
      preprocessing: { channels: 1, height: 28, width: 28, scale: 0.00390625 },
    });
    expect(published.labels).toHaveLength(10);
    expect(published.deploy).toMatch(/type: "Softmax"/);
  });

  it('takes an upload of the same .caffemodel and has Caffe check it against the deploy net', async () => {
    uploaded = await uploadModel(
      {
        name: 'uploaded',
        deploy: published.deploy,
        labels: published.labels,
        preprocessing: { channels: 1, height: 28, width: 28, scale: 0.00390625 },
      },
      weights,
    );
    expect(uploaded).toMatchObject({ status: 'ready', source: 'upload', sizeBytes: weights.length });
  });

  it('imports a model from a URL (the worker fetches it through the SSRF guard)', async () => {
    const created = await api.request<ModelView>('POST', '/v1/models', {
      name: 'imported',
      url: `${serverUrl}/tiny.caffemodel`,
      deploy: published.deploy,
      preprocessing: { channels: 1, height: 28, width: 28, scale: 0.00390625 },
    });
    expect(created).toMatchObject({ status: 'checking', source: 'url' });
    imported = await waitModel(created.id);
    expect(imported).toMatchObject({ status: 'ready', sizeBytes: weights.length });
  });

  it("refuses bytes that are no Caffe model, with Caffe's message", async () => {
    // Random bytes may parse as a protobuf message; text starting with 'n' (field 13, wire type 6) never does.
    const bad = await uploadModel({ name: 'not a model' }, Buffer.from('not a caffemodel\n'.repeat(200)));
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/^Caffe cannot read the weights: .*NetParameter/);
    expect(bad.error).not.toContain('/tmp');
  });

  it("refuses weights that do not fit the deploy net, with Caffe's message", async () => {
    const three = published.deploy!.replace('num_output: 10', 'num_output: 3');
    const bad = await uploadModel({ name: 'wrong deploy', deploy: three }, weights);
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(
      /^the weights do not load into the deploy net: Cannot copy param 0 weights from layer 'ip'/,
    );
  });

  it('refuses an invalid request with 400 naming the field', async () => {
    const noName = fail(await api.request('POST', '/v1/models', {}).catch((e) => e));
    expect(noName).toMatchObject({ status: 400 });
    expect(noName.body.errors?.map((e) => e.field)).toContain('name');
    const both = fail(
      await api.request('POST', '/v1/models', { trainingJobId: source.id, url: `${serverUrl}/x` }).catch((e) => e),
    );
    expect(both).toMatchObject({ status: 400 });
    expect(both.body.errors?.map((e) => e.field)).toContain('url');
    const deploy = fail(await api.request('POST', '/v1/models', { name: 'd', deploy: 'layer {' }).catch((e) => e));
    expect(deploy).toMatchObject({ status: 400 });
    expect(deploy.body.errors?.map((e) => e.field)).toContain('deploy');
  });

  it('lists models newest first', async () => {
    const page = await api.request<{ items: ModelView[] }>('GET', '/v1/models?status=ready');
    expect(page.items.map((m) => m.id)).toEqual([imported.id, uploaded.id, published.id]);
  });
});

describe('fine-tuning from a model', () => {
  it('starts where the source ended, and the log names the layers Caffe copied', async () => {
    const job = await train({ solverId, name: 'from-model', weightsFrom: { modelId: uploaded.id } });
    expect(job).toMatchObject({ status: 'succeeded', weightsFrom: { modelId: uploaded.id } });
    expect(await log(job.id)).toMatch(
      new RegExp(`\\[worker\\] weights of model ${uploaded.id}: copying trained layers ip \\(matched by name\\)`),
    );
    const [fresh, tuned] = [await metrics(source.id), await metrics(job.id)];
    const freshStart = fresh.train[0]!.loss;
    const sourceEnd = fresh.train.slice(-3).reduce((sum, p) => sum + p.loss, 0) / 3;
    const tunedStart = tuned.train[0]!.loss;
    expect(Math.abs(tunedStart - sourceEnd)).toBeLessThan(Math.abs(tunedStart - freshStart));
  });

  it('a renamed last layer starts fresh (Caffe ignores the source layer)', async () => {
    const renamed = tinyNet().replace(/"ip"/g, '"ip_new"');
    const renamedSolver = await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'renamed',
      datasetId,
      solver: solver(20),
      net: renamed,
    });
    const job = await train({ solverId: renamedSolver.id, weightsFrom: { modelId: published.id } });
    expect(job.status).toBe('succeeded');
    const text = await log(job.id);
    expect(text).toMatch(/starting fresh \(no layer of that name in the weights\): ip_new/);
    expect(text).toMatch(/Ignoring source layer ip\b/);
  });

  it('a model that is not ready cannot be fine-tuned from (422 naming the field)', async () => {
    const pending = await api.request<ModelView>('POST', '/v1/models', { name: 'never uploaded' });
    const answer = fail(
      await api
        .request('POST', '/v1/training-jobs', { solverId, weightsFrom: { modelId: pending.id } })
        .catch((e) => e),
    );
    expect(answer).toMatchObject({ status: 422 });
    expect(answer.body.errors?.map((e) => e.field)).toEqual(['weightsFrom.modelId']);
  });
});

describe('classifying with a model', () => {
  type Result = { results: Array<{ top: Array<{ label: string; probability: number }> }> };
  const classify = (classifierId: string) =>
    api.request<Result>('POST', `/v1/classifiers/${classifierId}/classify`, {
      images: images.map((png) => ({ base64: png.toString('base64') })),
      topK: 1,
    });

  it("answers the model's labels", async () => {
    const classifier = await api.request<{ id: string; modelId: string }>('POST', '/v1/classifiers', {
      modelId: uploaded.id,
    });
    expect(classifier.modelId).toBe(uploaded.id);
    const { results } = await classify(classifier.id);
    expect(results).toHaveLength(images.length);
    for (const r of results) expect(published.labels).toContain(r.top[0]!.label);
  });

  it('answers class indices when the model has no labels', async () => {
    const classifier = await api.request<{ id: string; labels: string[] }>('POST', '/v1/classifiers', {
      modelId: imported.id,
    });
    expect(classifier.labels).toEqual([]);
    const { results } = await classify(classifier.id);
    for (const r of results) expect(r.top[0]!.label).toMatch(/^\d$/);
  });
});

describe('deleting', () => {
  it('a model a classifier uses → 409; once the classifier is gone → 204', async () => {
    const classifier = await api.request<{ id: string }>('POST', '/v1/classifiers', { modelId: published.id });
    const answer = fail(await api.request('DELETE', `/v1/models/${published.id}`).catch((e) => e));
    expect(answer).toMatchObject({ status: 409, body: { detail: expect.stringContaining(classifier.id) } });
    await api.request('DELETE', `/v1/classifiers/${classifier.id}`);
    await api.request('DELETE', `/v1/models/${published.id}`);
    expect(fail(await api.request('GET', `/v1/models/${published.id}`).catch((e) => e)).status).toBe(404);
  });

  it('a training job whose weights a model publishes → 409 until the model is deleted', async () => {
    const again = await api.request<ModelView>('POST', '/v1/models', { trainingJobId: source.id, iteration: 100 });
    expect(again.lineage).toMatchObject({ iteration: 100 });
    const answer = fail(await api.request('DELETE', `/v1/training-jobs/${source.id}`).catch((e) => e));
    expect(answer).toMatchObject({ status: 409, body: { detail: expect.stringContaining(again.id) } });
    await api.request('DELETE', `/v1/models/${again.id}`);
    await api.request('DELETE', `/v1/training-jobs/${source.id}`);
  });
});
