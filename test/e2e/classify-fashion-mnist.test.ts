/**
 * Classifiers with real Caffe: train LeNet briefly on a Fashion-MNIST slice, make a classifier
 * (deploy net derived from the training net), and classify held-out test images through the
 * long-lived inference server, as JSON base64 and as multipart files. Also: the model bundle, and
 * the classifier API's refusals (they share this file's trained job to keep CI time small).
 */
import { mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { list as listTar } from 'tar';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { buildClassifyImageContext, classifyBundleName } from '../../packaging/classify-context';
import { lambdaContext } from '../../local/lambda-context';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { trainLeNet } from '../../local/fixtures/lenet';
import { fashionMnistFolders } from '../../local/fixtures/fashion-mnist';

jest.setTimeout(15 * 60_000);

let tc: TestCloud;
let api: ElasticCaffeClient;
let jobId: string;
let classifierId: string;
/** 50 test images the dataset never saw (indexes 5000…5049 of the test split), with their folders. */
const heldOut: Array<{ png: Buffer; folder: string }> = [];

type Result = { results: Array<{ image: number | string; top: Array<{ label: string; probability: number }> }> };

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('classify-tenant');
  const trained = await trainLeNet(api.sdk, {
    trainImages: 2000,
    testImages: 200,
    iterations: 300,
    snapshot: 100,
    heldOut: 50,
  });
  jobId = trained.jobId;
  heldOut.push(...trained.heldOut);
});
afterAll(async () => tc?.stop());

test('a classifier from the job derives its deploy net and records the preprocessing', async () => {
  const classifier = await api.request<{
    id: string;
    iteration: number;
    output: string;
    labels: string[];
    preprocessing: unknown;
    deploy: string;
  }>('POST', '/v1/classifiers', { trainingJobId: jobId, name: 'lenet-300' });
  classifierId = classifier.id;
  expect(classifier).toMatchObject({
    iteration: 300,
    output: 'prob',
    labels: fashionMnistFolders,
    preprocessing: { channels: 1, height: 28, width: 28, scale: 0.00390625 },
  });
  expect(classifier.deploy).toContain('type: "Softmax"');
});

// Chance is 0.1; LeNet after 300 iterations on 2000 images scores about 0.7 on held-out images.
test('classifies held-out images as JSON base64 with accuracy ≥ 0.6', async () => {
  const answers: Result['results'] = [];
  for (let start = 0; start < heldOut.length; start += 10) {
    const batch = heldOut.slice(start, start + 10).map((h) => ({ base64: h.png.toString('base64') }));
    answers.push(
      ...(await api.request<Result>('POST', `/v1/classifiers/${classifierId}/classify`, { images: batch, topK: 3 }))
        .results,
    );
  }
  expect(answers.map((a) => a.top.length)).toEqual(heldOut.map(() => 3));
  const correct = answers.filter((a, i) => a.top[0]!.label === heldOut[i]!.folder).length;
  expect(correct / heldOut.length).toBeGreaterThanOrEqual(0.6);
  const sum = answers[0]!.top.reduce((s, t) => s + t.probability, 0);
  expect(sum).toBeLessThanOrEqual(1.0001);
});

test('classifies multipart files, naming each by its file name, with the same answers as JSON', async () => {
  const form = new FormData();
  for (const [i, h] of heldOut.slice(0, 8).entries()) {
    form.append('files', new Blob([h.png], { type: 'image/png' }), `img-${i}.png`);
  }
  form.append('topK', '1');
  const response = await fetch(`${api.baseUrl}/v1/classifiers/${classifierId}/classify`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}` },
    body: form,
  });
  expect(response.status).toBe(200);
  const multipart = (await response.json()) as Result;
  const json = await api.request<Result>('POST', `/v1/classifiers/${classifierId}/classify`, {
    images: heldOut.slice(0, 8).map((h) => ({ base64: h.png.toString('base64') })),
    topK: 1,
  });
  expect(multipart.results.map((r) => r.image)).toEqual(heldOut.slice(0, 8).map((_, i) => `img-${i}.png`));
  expect(multipart.results.map((r) => r.top[0]!.label)).toEqual(json.results.map((r) => r.top[0]!.label));
});

test("the classify image's handler bundle, run as the image runs it, answers like the gateway's handler", async () => {
  // What container/Dockerfile.classify puts in /var/task: the staged bundle, with server.py beside it.
  const context = buildClassifyImageContext();
  const saved = process.env.INFERENCE_SERVER_SCRIPT;
  process.env.INFERENCE_SERVER_SCRIPT = path.join(context, 'server.py');
  try {
    type Handler = (
      event: APIGatewayProxyEventV2WithJWTAuthorizer,
      context: unknown,
    ) => Promise<APIGatewayProxyStructuredResultV2>;
    // Built at run time, so required rather than imported.
    const { handler } = require(path.join(context, classifyBundleName)) as { handler: Handler };
    const body = { images: heldOut.slice(0, 4).map((h) => ({ base64: h.png.toString('base64') })), topK: 2 };
    const url = `/v1/classifiers/${classifierId}/classify`;
    const event = {
      version: '2.0',
      routeKey: 'POST /v1/classifiers/{id}/classify',
      rawPath: url,
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      pathParameters: { id: classifierId },
      requestContext: {
        authorizer: { jwt: { claims: { sub: 'classify-tenant' }, scopes: [] } },
        http: { method: 'POST', path: url },
        requestId: 'image-bundle',
        routeKey: 'POST /v1/classifiers/{id}/classify',
        stage: '$default',
      },
      body: JSON.stringify(body),
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

    const answer = await handler(event, lambdaContext('HttpPostClassifiersIdClassify'));

    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String(answer.body))).toEqual(await api.request<Result>('POST', url, body));
  } finally {
    if (saved === undefined) delete process.env.INFERENCE_SERVER_SCRIPT;
    else process.env.INFERENCE_SERVER_SCRIPT = saved;
  }
});

test('the model bundle downloads and holds the deploy net, weights, labels and preprocessing', async () => {
  const artifacts = await api.request<{ bundle: { url: string; bytes: number } | null }>(
    'GET',
    `/v1/training-jobs/${jobId}/artifacts`,
  );
  expect(artifacts.bundle).not.toBeNull();
  const archive = Buffer.from(await (await fetch(artifacts.bundle!.url)).arrayBuffer());
  const work = await mkdtemp(path.join(os.tmpdir(), 'bundle-'));
  const file = path.join(work, 'bundle.tar.gz');
  await import('node:fs/promises').then((fs) => fs.writeFile(file, archive));
  const names: string[] = [];
  await listTar({ file, onReadEntry: (entry) => void names.push(entry.path) });
  expect(names.sort()).toEqual(['deploy.prototxt', 'labels.txt', 'model.caffemodel', 'preprocessing.json']);
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
      body: (await response.json()) as { detail: string; errors?: Array<{ field: string }> },
    };
  };

  it('an unknown training job → 404; a snapshot iteration the job lacks → 422 listing the ones it has', async () => {
    expect((await send('POST', '/v1/classifiers', { trainingJobId: 'tj_01jzzzzzzzzzzzzzzzzzzzzzzz' })).status).toBe(
      404,
    );
    const answer = await send('POST', '/v1/classifiers', { trainingJobId: jobId, iteration: 150 });
    expect(answer).toMatchObject({ status: 422, type: 'application/problem+json' });
    expect(answer.body.detail).toContain('has no snapshot at iteration 150 (it has 100, 200, 300)');
  });

  it('a snapshot iteration the job has → a classifier of that iteration', async () => {
    expect(await api.request('POST', '/v1/classifiers', { trainingJobId: jobId, iteration: 100 })).toMatchObject({
      iteration: 100,
    });
  });

  it('a deploy net without a Softmax → 422 naming deploy', async () => {
    const answer = await send('POST', '/v1/classifiers', {
      trainingJobId: jobId,
      deploy: 'input: "data" layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" }',
    });
    expect(answer.status).toBe(422);
    expect(answer.body.errors?.[0]?.field).toBe('deploy');
  });

  it('classify: no images → 400, 17 images → 413, bytes that are no image → 400 naming the image', async () => {
    const url = `/v1/classifiers/${classifierId}/classify`;
    expect((await send('POST', url, { images: [] })).status).toBe(400);
    const png = heldOut[0]!.png.toString('base64');
    expect((await send('POST', url, { images: Array(17).fill({ base64: png }) })).status).toBe(413);
    const bad = await send('POST', url, {
      images: [{ base64: png }, { base64: Buffer.from('not an image').toString('base64') }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.field).toBe('images.1.base64');
  });

  it('delete → 204, then the classifier is gone', async () => {
    const extra = await api.request<{ id: string }>('POST', '/v1/classifiers', { trainingJobId: jobId });
    expect(
      (
        await fetch(`${api.baseUrl}/v1/classifiers/${extra.id}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${api.token}` },
        })
      ).status,
    ).toBe(204);
    expect((await send('GET', `/v1/classifiers/${extra.id}`)).status).toBe(404);
  });
});
