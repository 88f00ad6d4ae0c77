/**
 * Property-based fuzzing of the whole HTTP API of a real local cloud, driven by the OpenAPI
 * document: every operation gets requests with odd path ids, queries, headers and bodies
 * (test/support/fuzz/requests.ts). Every answer must be one the service means to give:
 *
 * - never a 5xx, and the service still answers afterwards;
 * - a 4xx is problem+json whose `status` is the HTTP status, and the document lists it;
 * - no stack trace or source path in any body; every answer names its request (x-correlation-id);
 * - a rejected write created and changed nothing (the tenant's records and objects, the
 *   idempotency records), and the other tenant's state never changes at all.
 *
 * Before that, the bench:load mix at 32 connections must get only its expected statuses.
 *
 * Seeded: ELASTIC_CAFFE_FUZZ_SEED reproduces a run, ELASTIC_CAFFE_FUZZ_RUNS sets how many requests
 * in all (default 300, spread over the operations); a failure prints the seed and the request.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import fc from 'fast-check';
import * as path from 'node:path';
import { requestMix, runLoad } from '../../bench/lib/load-mix';
import { ddb } from '../../core/aws/clients';
import { s3 } from '../../core/aws/eager-clients';
import { newId } from '../../core/ids';
import { openApiDocument } from '../../core/openapi/document';
import { issueToken } from '../../local/auth';
import type { ElasticCaffeClient } from '../support/client';
import { localNames } from '../../local/resources';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { requestsFor, type Caller, type FuzzRequest, type Pools } from '../support/fuzz/requests';
import { tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';
import { validateResponse } from '../support/validate-responses';

jest.setTimeout(20 * 60_000);

const seed = Number(process.env.ELASTIC_CAFFE_FUZZ_SEED ?? 20261206);
const totalRuns = Number(process.env.ELASTIC_CAFFE_FUZZ_RUNS ?? 300);
const A = 'fuzz-tenant-a';
const B = 'fuzz-tenant-b';

const document = openApiDocument();
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.keys(item).map((method) => [method.toUpperCase(), path] as const),
);
const runsPerOperation = Math.max(3, Math.ceil(totalRuns / operations.length));

let tc: TestCloud;
let a: ElasticCaffeClient;
let b: ElasticCaffeClient;
const tokens = {} as Record<Caller, string | undefined>;
let fixtures: { datasetId: string; solverId: string };
const pools: Pools = {
  ownIds: [],
  otherTenantIds: [],
  tenantIds: ['nobody-here', 'AROAEXAMPLEROLEID:session+1=a,b.c@d-e', 'e3f1c2a0-5b6d-4c7e-8f90-1a2b3c4d5e6f'],
};

/**
 * Everything a tenant's requests could change: its records and objects (and, for the caller, the idempotency
 * records).
 */
async function stateOf(tenant: string, options: { idempotency?: boolean } = { idempotency: true }): Promise<string> {
  const partition = async (pk: string) =>
    (
      await ddb().send(
        new QueryCommand({
          TableName: localNames.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      )
    ).Items ?? [];
  const objects = await s3().send(
    new ListObjectsV2Command({ Bucket: localNames.bucket, Prefix: `tenants/${tenant}/` }),
  );
  return JSON.stringify({
    records: await partition(`TENANT#${tenant}`),
    idempotency: options.idempotency ? await partition('IDEMPOTENCY') : [],
    objects: (objects.Contents ?? []).map((o) => [o.Key, o.ETag, o.Size]),
  });
}

const finished = new Set(['SUCCEEDED', 'FAILED']);

/**
 * Waits until background work started by an accepted write has settled: no Batch job left to
 * finish (one may have started while a fuzzed PUT /v1/admin/capacity had raised the limit) and
 * the tenant's state unchanged over a quarter second (the dispatcher noting waiting work).
 */
async function settledStateOf(tenant: string): Promise<string> {
  let last = '';
  for (let i = 0; i < 1200; i++) {
    const now = await stateOf(tenant);
    if (now === last && tc.cloud.batch.jobs().every((job) => finished.has(job.status ?? ''))) return now;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the state of ${tenant} did not settle in 5 minutes`);
}

interface Answer {
  status: number;
  contentType: string;
  correlationId: string | null;
  text: string;
}

async function send(request: FuzzRequest): Promise<Answer> {
  const token = tokens[request.caller];
  const response = await fetch(`${tc.cloud.url}${request.url}`, {
    method: request.method,
    headers: { ...request.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(request.body && request.method !== 'GET' ? { body: request.body } : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    correlationId: response.headers.get('x-correlation-id'),
    text: await response.text(),
  };
}

/** What gives away the inside of the service: a stack frame or one of our source or state paths. */
const leak = /\n\s+at \S.*:\d+:\d+|(?:\/work\/|\/root\/|\/tmp\/|node_modules)\S*\.(?:ts|js|mjs)\b/;

/** Answers the local gateway gives before a route runs, which the document leaves to API Gateway on AWS. */
const gatewayOnly = new Set([431]);

function expectMeant(request: FuzzRequest, answer: Answer): void {
  const where = `${request.method} ${request.url.slice(0, 200)} (${request.caller}, body ${request.bodyKind})`;
  expect({ where, status: answer.status < 500 }).toEqual({ where, status: true });
  expect({ where, correlationId: Boolean(answer.correlationId) }).toEqual({ where, correlationId: true });
  expect({ where, leak: leak.exec(answer.text)?.[0] ?? null }).toEqual({ where, leak: null });
  if (answer.status >= 400) {
    expect({ where, contentType: answer.contentType }).toEqual({ where, contentType: 'application/problem+json' });
    const problem = JSON.parse(answer.text) as { status: unknown; title: unknown; detail: unknown };
    expect({ where, status: problem.status, title: typeof problem.title, detail: typeof problem.detail }).toEqual({
      where,
      status: answer.status,
      title: 'string',
      detail: 'string',
    });
  }
  if (!gatewayOnly.has(answer.status)) {
    const body = answer.contentType.includes('json') && answer.text ? JSON.parse(answer.text) : answer.text;
    validateResponse({
      method: request.method,
      path: request.url,
      status: answer.status,
      contentType: answer.contentType,
      body,
    });
  }
}

beforeAll(async () => {
  // No reconciler: nothing but the fuzzer's own requests (and the work they start) changes state.
  tc = await startTestCloud({ reconcileIntervalMs: 0 });
  a = await tc.as(A);
  b = await tc.as(B);
  tokens.tenant = a.token;
  tokens.admin = await issueToken(tc.home, A, { admin: true });
  tokens.garbage = `${a.token.slice(0, -8)}AAAAAAAA`;
  // A owns one record of every kind (a job trained for real, a classifier, a classify job awaiting its upload).
  const { datafileId, datasetId } = await tinyDataset(a, { images: 20, ready: true });
  const solverId = (
    await a.request<{ id: string }>('POST', '/v1/solvers', {
      name: 's',
      datasetId,
      net: tinyNet(),
      solver: tinySolver(10),
    })
  ).id;
  const jobId = (await a.request<{ id: string }>('POST', '/v1/training-jobs', { solverId })).id;
  await a.waitFor<{ status: string }>(
    `/v1/training-jobs/${jobId}`,
    (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status),
    { timeoutMs: 5 * 60_000 },
  );
  const classifierId = (await a.request<{ id: string }>('POST', '/v1/classifiers', { trainingJobId: jobId })).id;
  const classifyJobId = (
    await a.request<{ id: string }>('POST', `/v1/classifiers/${classifierId}/classify-jobs`, { archive: true })
  ).id;
  pools.ownIds.push(datafileId, datasetId, solverId, jobId, classifierId, classifyJobId, newId('training-jobs'));
  fixtures = { datasetId, solverId };
  pools.otherTenantIds.push(
    (await b.request<{ id: string }>('POST', '/v1/datafiles', { name: 'b', format: 'idx', sizeBytes: 100 })).id,
  );
  // From here on, accepted work waits: the fuzzer's requests are judged, not run.
  await fetch(`${tc.cloud.url}/v1/admin/capacity`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
    body: '{"maxWorkers":0}',
  });
}, 10 * 60_000);

afterAll(async () => {
  await tc?.stop();
});

// First, while the fixtures are all there (the fuzzer may delete them).
describe('under load', () => {
  it(
    '32 connections of lists, reads and refused writes ' + 'get only the expected statuses (the bench:load mix)',
    async () => {
      const requests = requestMix(a.token, { dataset: fixtures.datasetId, solver: fixtures.solverId });
      const result = await runLoad(
        { url: tc.cloud.url, connections: 32, durationSeconds: 5, requests },
        path.join(tc.home, 'load-plan.json'),
      );
      expect({ unexpected: result.unexpected, errors: result.errors, timeouts: result.timeouts }).toEqual({
        unexpected: [],
        errors: 0,
        timeouts: 0,
      });
      // Every kind in the mix was answered, each only with its expected statuses.
      expect(result.statuses).toEqual({
        list: { 200: expect.any(Number) },
        read: { 200: expect.any(Number), 400: expect.any(Number) },
        'rejected-write': { 400: expect.any(Number), 415: expect.any(Number) },
      });
    },
  );
});

describe.each(operations.map(([method, path], index) => [`${method} ${path}`, method, path, index] as const))(
  '%s',
  (_, method, path, index) => {
    it(`answers ${runsPerOperation} generated requests as meant, and a rejected write changes nothing`, async () => {
      const adminCapacityToZero = () =>
        fetch(`${tc.cloud.url}/v1/admin/capacity`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${tokens.admin}`, 'content-type': 'application/json' },
          body: '{"maxWorkers":0}',
        });
      let before = { a: await settledStateOf(A), b: await stateOf(B, {}) };
      await fc.assert(
        fc.asyncProperty(requestsFor(method, path, document, pools), async (request) => {
          const answer = await send(request);
          expectMeant(request, answer);
          const writes = request.method !== 'GET';
          if (writes && answer.status >= 400) {
            const after = await stateOf(A);
            // Parsed, so a difference shows as the one record or object that changed.
            if (after !== before.a)
              expect({ request: request.url, state: JSON.parse(after) }).toEqual({
                request: request.url,
                state: JSON.parse(before.a),
              });
          }
          if (writes && answer.status < 400) {
            if (path === '/v1/admin/capacity') await adminCapacityToZero();
            before = { ...before, a: await settledStateOf(A) };
          }
        }),
        { seed: seed + index, numRuns: runsPerOperation, endOnFailure: true },
      );
      // B's state never changes, whatever A sends.
      expect(await stateOf(B, {})).toBe(before.b);
      // And the service still answers.
      expect((await fetch(`${tc.cloud.url}/v1/openapi.json`)).status).toBe(200);
      expect(
        (await fetch(`${tc.cloud.url}/v1/datasets`, { headers: { authorization: `Bearer ${tokens.tenant}` } })).status,
      ).toBe(200);
    });
  },
);
