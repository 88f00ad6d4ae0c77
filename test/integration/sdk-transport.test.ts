/**
 * The SDK's transport (packages/sdk/src/transport.ts) against a real local HTTP server: retries of
 * network errors and 429/503 honouring Retry-After, one Idempotency-Key for every try of a create,
 * a fresh token after a 401, and ApiError carrying the problem+json.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, ElasticCaffe, bearerAuth, staticToken, takesIdempotencyKey } from '@elastic-caffe/sdk';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

let server: Server;
let endpoint: string;
let seen: Seen[];
let answers: Array<(res: import('node:http').ServerResponse, req: IncomingMessage) => void>;

beforeEach(async () => {
  seen = [];
  answers = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      const answer = answers.shift();
      if (answer) answer(res, req);
      else json(res, 200, { ok: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  jest.restoreAllMocks();
});

function json(
  res: import('node:http').ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    ...headers,
  });
  res.end(JSON.stringify(body));
}
const problem = (status: number, detail: string) => ({ type: 'about:blank', title: 'Refused', status, detail });
const job = { id: 'tj_1', status: 'queued' };

test('a create retried after 503 sends the same Idempotency-Key each time and creates once', async () => {
  answers.push(
    (res) => json(res, 503, problem(503, 'busy'), { 'retry-after': '0' }),
    (res) => json(res, 202, job),
  );
  const client = new ElasticCaffe({ endpoint, auth: staticToken('t') });

  const created = await client.trainingJobs.create({ solverId: 'sv_1' });

  expect(created).toEqual(job);
  expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);
  expect(seen[0]!.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  expect(seen[1]!.headers['idempotency-key']).toBe(seen[0]!.headers['idempotency-key']);
  expect(seen[0]!.headers.authorization).toBe('Bearer t');
});

test('Retry-After is waited for as the API says, in seconds', async () => {
  const delays: number[] = [];
  const realSetTimeout = setTimeout;
  jest.spyOn(global, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return realSetTimeout(fn, 0);
  }) as typeof setTimeout);
  answers.push(
    (res) => json(res, 429, problem(429, 'slow down'), { 'retry-after': '2' }),
    (res) => json(res, 200, job),
  );

  await new ElasticCaffe({ endpoint }).trainingJobs.get('tj_1');

  expect(delays).toContain(2000);
  expect(seen).toHaveLength(2);
});

test(
  'a Retry-After longer than the client will wait is ' + 'answered at once as ApiError with retryAfterSeconds',
  async () => {
    answers.push((res) => json(res, 429, problem(429, 'your queued-jobs quota is used up'), { 'retry-after': '600' }));
    const error = await new ElasticCaffe({ endpoint }).trainingJobs
      .create({ solverId: 'sv_1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 600, method: 'POST', path: '/v1/training-jobs' });
    expect((error as ApiError).problem?.detail).toBe('your queued-jobs quota is used up');
    expect(seen).toHaveLength(1);
  },
);

test('a dropped connection is retried', async () => {
  answers.push(
    (res) => res.socket?.destroy(),
    (res) => json(res, 200, job),
  );
  expect(await new ElasticCaffe({ endpoint }).trainingJobs.get('tj_1')).toEqual(job);
  expect(seen).toHaveLength(2);
});

test('a 400 is not retried and its field errors (line, column) are on the ApiError', async () => {
  const errors = [{ field: 'net', line: 3, column: 5, message: 'unknown field' }];
  answers.push((res) => json(res, 400, { ...problem(400, 'the net is not valid'), errors }));
  const error = (await new ElasticCaffe({ endpoint }).solvers
    .create({ name: 'n', datasetId: 'ds_1', net: 'x', solver: 'y' })
    .catch((e: unknown) => e)) as ApiError;
  expect(error.status).toBe(400);
  expect(error.errors).toEqual(errors);
  expect(error.message).toContain('the net is not valid');
  expect(seen).toHaveLength(1);
});

test('after a 401 the provider is asked for a fresh token and the request is sent once more', async () => {
  let tokens = 0;
  const invalidate = jest.fn();
  answers.push(
    (res) => json(res, 401, problem(401, 'expired')),
    (res) => json(res, 200, job),
  );
  const client = new ElasticCaffe({ endpoint, auth: bearerAuth(async () => `token-${++tokens}`, invalidate) });

  await client.trainingJobs.get('tj_1');

  expect(invalidate).toHaveBeenCalledTimes(1);
  expect(seen.map((s) => s.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
});

test('only the creating operations of the document take an Idempotency-Key', () => {
  expect(takesIdempotencyKey('POST', 'http://x/v1/datafiles')).toBe(true);
  expect(takesIdempotencyKey('POST', 'http://x/v1/classifiers/cl_1/classify-jobs')).toBe(true);
  expect(takesIdempotencyKey('POST', 'http://x/v1/training-jobs/tj_1/cancel')).toBe(false);
  expect(takesIdempotencyKey('POST', 'http://x/v1/classifiers/cl_1/classify')).toBe(false);
  expect(takesIdempotencyKey('GET', 'http://x/v1/datafiles')).toBe(false);
});

test('without retries every answer comes back as it is', async () => {
  answers.push((res) => json(res, 503, problem(503, 'busy'), { 'retry-after': '0' }));
  const error = await new ElasticCaffe({ endpoint, retry: false }).trainingJobs.get('tj_1').catch((e: unknown) => e);
  expect(error).toMatchObject({ status: 503 });
  expect(seen).toHaveLength(1);
});
