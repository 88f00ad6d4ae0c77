/**
 * The classify function's image is proven, not assumed: container/Dockerfile.classify is built with
 * buildah (packaging/images/classify-image.ts: the debootstrapped base, Node 22 and npm from the
 * registry for the runtime interface client) and run as Lambda runs it (local/lambda-container.ts):
 * its own entry point, the AWS Lambda runtime interface client, talks to a Runtime API this test
 * serves, as an unprivileged uid with only /tmp writable. The local cloud's gateway sends the
 * classify route's real API Gateway v2 events to it, and every answer is checked against the
 * classify handler run in this process on the same event.
 *
 * Needs root and buildah. The first build compiles the runtime interface client (minutes; CI builds
 * the image before the tests, .ci/run); afterwards the layer cache makes it seconds.
 */
import { DeleteObjectCommand } from '@aws-sdk/client-s3';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { s3 } from '../../core/aws/eager-clients';
import { bucket } from '../../core/objects';
import * as records from '../../core/records/store';
import { routeFunctionName } from '../../core/route';
import { classifyRoute, classifyRouteKey, startClassifyFunction } from '../../local/classify-function';
import type { ElasticCaffeClient } from '../support/client';
import { lambdaContext, loadHandler, type AsyncHandler } from '../../local/lambda-context';
import { lambdaRunOptions, lambdaTmpDir, lambdaUser, type LambdaContainer } from '../../local/lambda-container';
import type { InvocationResult } from '../../local/lambda-runtime-api';
import { buildClassifyImage, type ClassifyImage } from '../../packaging/images/classify-image';
import { createContainer, inspectImage, startContainer } from '../../packaging/images/container';
import { registryNode } from '../../packaging/images/node-image';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { buildForTest } from '../support/container-images';
import { trainLeNet, type TrainedLeNet } from '../../local/fixtures/lenet';

jest.setTimeout(30 * 60_000);

const TENANT = 'tenant-classify-image';
type Event = { body?: string; isBase64Encoded: boolean };
type Result = { results: Array<{ image: number | string; top: Array<{ label: string; probability: number }> }> };

let image: ClassifyImage;
let tc: TestCloud | undefined;
let api: ElasticCaffeClient;
let trained: TrainedLeNet;
let classifierId: string;
/** The classify function's execution environment, started by the first request (a cold start). */
let fn: LambdaContainer | undefined;
const invocations: Array<{ event: Event; result: InvocationResult }> = [];
const functionOutput: string[] = [];

/** The gateway's handler for the classify route: the event goes to the function in the image. */
const inImage: AsyncHandler = async (event) => {
  fn ??= await startClassifyFunction(image.name, { onOutput: (line) => functionOutput.push(line) });
  const result = await fn.invoke(event);
  invocations.push({ event: event as Event, result });
  if (result.kind !== 'response')
    throw new Error(`the classify function failed: ${JSON.stringify(result.error)}\n${functionOutput.join('\n')}`);
  const answer = JSON.parse(result.payload) as APIGatewayProxyStructuredResultV2;
  // An unexpected error's details are in the function's log, not its answer.
  if ((answer.statusCode ?? 200) >= 500)
    process.stderr.write(`[classify function] answered ${answer.statusCode}:\n${functionOutput.join('\n')}\n`);
  return answer;
};

/**
 * The same event, under the same request id, through the classify handler module in this process, as the local cloud
 * serves it.
 */
const inProcess = async ({
  event,
  requestId,
}: {
  event: Event;
  requestId: string;
}): Promise<APIGatewayProxyStructuredResultV2> => {
  const handler = loadHandler(path.join(__dirname, '..', '..', 'lambdas', 'http', `${classifyRoute.handler}.ts`));
  const context = { ...lambdaContext(routeFunctionName(classifyRoute)), awsRequestId: requestId };
  return (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
};

/** The `n`th invocation's event and answer (default: the last). */
const invocation = (n = invocations.length - 1) => {
  const { event, result } = invocations[n]!;
  if (result.kind !== 'response') throw new Error(`invocation ${n} failed: ${JSON.stringify(result)}`);
  return {
    event,
    requestId: result.requestId,
    answer: JSON.parse(result.payload) as APIGatewayProxyStructuredResultV2,
  };
};

/** The same labels in the same order, and probabilities equal within float32 noise. */
const expectSameResults = (actual: Result, expected: Result) => {
  expect(actual.results.map((r) => [r.image, r.top.map((t) => t.label)])).toEqual(
    expected.results.map((r) => [r.image, r.top.map((t) => t.label)]),
  );
  for (const [i, r] of actual.results.entries()) {
    for (const [j, t] of r.top.entries())
      expect(t.probability).toBeCloseTo(expected.results[i]!.top[j]!.probability, 5);
  }
};

/** The function's runtime asked for its next event once per answer so far, plus its first: it is idle and alive. */
async function idleAfter(answers: number): Promise<string[]> {
  const what = () => fn!.runtimeApi.events.map((e) => e.what);
  for (let tries = 0; tries < 600 && what().filter((w) => w === 'next').length < answers + 1; tries++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  return what();
}

const weightsInTmp = () => path.join(fn!.tmpDir, 'elastic-caffe-inference', TENANT, classifierId, 'weights.caffemodel');
const url = () => `/v1/classifiers/${classifierId}/classify`;
const pngs = (from: number, to: number) =>
  trained.heldOut.slice(from, to).map((h) => ({ base64: h.png.toString('base64') }));

beforeAll(async () => {
  image = await buildForTest('classify image', buildClassifyImage);
  tc = await startTestCloud({ routeHandlers: { [classifyRouteKey]: inImage } });
  api = await tc.as(TENANT);
  trained = await trainLeNet(api.sdk, {
    trainImages: 1000,
    testImages: 100,
    iterations: 200,
    snapshot: 200,
    heldOut: 16,
  });
  classifierId = (await api.request<{ id: string }>('POST', '/v1/classifiers', { trainingJobId: trained.jobId })).id;
});

afterAll(async () => {
  await fn?.close();
  await tc?.stop();
});

it(
  'the image was built from container/Dockerfile.classify on ' +
    'the debootstrapped base with Node 22 from the registry',
  async () => {
    expect(image.baseImage).toBe('docker.io/library/debian:bullseye-slim');
    expect(image.nodeImage).toBe(`localhost/elastic-caffe-node:v${registryNode.version}-npm${registryNode.npm}`);
    const { config } = await inspectImage(image.name);
    expect(config.Entrypoint).toEqual(['/usr/local/bin/node', '/opt/aws-lambda-ric/index.mjs']);
    expect(config.Env).toEqual(expect.arrayContaining(['LAMBDA_TASK_ROOT=/var/task', '_HANDLER=handler.handler']));
  },
);

it('a cold request through the gateway runs in the image and answers as the local classify route does', async () => {
  const answer = await api.request<Result>('POST', url(), { images: pngs(0, 8), topK: 3 });

  // One execution environment: its runtime asked for an event, answered it, and waits for the next.
  expect(invocations).toHaveLength(1);
  expect(await idleAfter(1)).toEqual(['next', 'response', 'next']);
  const { answer: fromImage } = invocation();
  expect(fromImage).toMatchObject({ statusCode: 200 });
  expect(JSON.parse(String(fromImage.body))).toEqual(answer);

  const local = await inProcess(invocation());
  expect(local.statusCode).toBe(200);
  expectSameResults(answer, JSON.parse(String(local.body)) as Result);
  // A trained net, not noise: most of the held-out images get their own label first.
  const correct = answer.results.filter((r, i) => r.top[0]!.label === trained.heldOut[i]!.folder).length;
  expect(correct).toBeGreaterThanOrEqual(4);
  // The weights were downloaded into the function's /tmp.
  expect(statSync(weightsInTmp()).size).toBeGreaterThan(0);
});

it('multipart files (a base64-encoded event) get the same answers from the image as in process', async () => {
  const form = new FormData();
  for (const [i, h] of trained.heldOut.slice(8, 12).entries()) {
    form.append('files', new Blob([h.png], { type: 'image/png' }), `img-${i}.png`);
  }
  form.append('topK', '2');
  const response = await fetch(`${api.baseUrl}${url()}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}` },
    body: form,
  });
  expect(response.status).toBe(200);

  const { event, answer } = invocation();
  expect(event.isBase64Encoded).toBe(true);
  expect(answer.statusCode).toBe(200);
  const fromImage = JSON.parse(String(answer.body)) as Result;
  expect(fromImage.results.map((r) => r.image)).toEqual(['img-0.png', 'img-1.png', 'img-2.png', 'img-3.png']);
  expectSameResults(fromImage, JSON.parse(String((await inProcess(invocation())).body)) as Result);
});

it('a warm request reuses the weights cached in /tmp: it answers with them gone from S3', async () => {
  const before = statSync(weightsInTmp());
  const classifier = await records.get('classifiers', TENANT, classifierId);
  await s3().send(new DeleteObjectCommand({ Bucket: bucket(), Key: classifier.weightsKey }));
  const first = JSON.parse(String(invocation(0).answer.body)) as Result;

  const again = await api.request<Result>('POST', url(), { images: pngs(0, 8), topK: 3 });

  expectSameResults(again, first);
  const after = statSync(weightsInTmp());
  expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  // Still the first execution environment, which answered every request and asks for more.
  expect(await idleAfter(invocations.length)).toEqual([...invocations.flatMap(() => ['next', 'response']), 'next']);
});

it('bytes that are no image get the same problem+json from the image as in process', async () => {
  const response = await fetch(`${api.baseUrl}${url()}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ images: [...pngs(0, 1), { base64: Buffer.from('not an image').toString('base64') }] }),
  });
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as { errors: Array<{ field: string }> };
  expect(problem.errors[0]!.field).toBe('images.1.base64');

  const { answer } = invocation();
  const local = await inProcess(invocation());
  expect(answer.statusCode).toBe(local.statusCode);
  expect(answer.headers?.['content-type']).toBe(local.headers?.['content-type']);
  expect(JSON.parse(String(answer.body))).toEqual(JSON.parse(String(local.body)));
});

it("a runtime that cannot load its handler reports it on the Runtime API's init-error path", async () => {
  const broken = await startClassifyFunction(image.name, { environment: { _HANDLER: 'handler.nope' } });
  try {
    const result = await broken.invoke({});
    expect(result).toMatchObject({ kind: 'init-error', error: { errorType: 'Runtime.HandlerNotFound' } });
    expect(broken.runtimeApi.initError?.errorMessage).toMatch(/handler\.nope/);
    // It never asked for an event, and exited.
    expect(broken.runtimeApi.events.map((e) => e.what)).toEqual(['init-error']);
    expect(await broken.exited).not.toBe(0);
  } finally {
    await broken.close();
  }
});

it('runs as an unprivileged uid that may write to /tmp and nowhere else', async () => {
  const name = `elastic-caffe-fs-check-${process.pid}`;
  const tmpDir = await lambdaTmpDir();
  const script = [
    'id -u',
    'touch /tmp/written && echo "/tmp: written"',
    'for dir in / /var/task /opt/aws-lambda-ric /usr/local/bin /etc /root /var/tmp /run/lock /var/lock /home; do',
    '  touch "$dir/written" 2>/dev/null && echo "$dir: written"',
    'done',
    'find / -xdev -writable -print 2>/dev/null | sed "s/^/writable: /"',
  ].join('\n');
  let out = '';
  try {
    await createContainer(image.name, name, {});
    const container = startContainer(name, ['sh', '-c', script], {
      runOptions: lambdaRunOptions(tmpDir),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    container.process.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    expect(await container.exited).toBe(0);
    await container.remove();
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  expect(out.trim().split('\n')).toEqual([String(lambdaUser.uid), '/tmp: written', 'writable: /tmp']);
});
