/**
 * Request validation and error answers through the HTTP API of a real local cloud: every error is
 * RFC 9457 problem+json with the right status, and field-level complaints name the field (and, for
 * prototxt, the exact line and column).
 */
import { issueToken } from '../../local/auth';
import type { ElasticCaffeClient } from '../../local/client';
import { collections } from '../../core/routes';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

let tc: TestCloud;
let api: ElasticCaffeClient;
/** A datafile whose archive is uploaded, and a dataset built from it. */
let datafileId: string;
let datasetId: string;

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown> & { errors?: Array<Record<string, unknown>> };
  text: string;
}

/** A raw HTTP call (the client always sends valid JSON and a token; these tests must not). */
async function call(method: string, urlPath: string, options: { token?: string | null; body?: string; contentType?: string } = {}): Promise<Answer> {
  const token = options.token === undefined ? api.token : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${tc.cloud.url}${urlPath}`, { method, headers, ...(options.body !== undefined ? { body: options.body } : {}) });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return { status: response.status, contentType, body: contentType.includes('json') && text ? JSON.parse(text) : {}, text };
}

const post = (urlPath: string, body: unknown) => call('POST', urlPath, { body: JSON.stringify(body) });

/** Every error answer is problem+json whose body repeats the status. */
function expectProblem(answer: Answer, status: number): void {
  expect({ status: answer.status, text: answer.text }).toEqual({ status, text: expect.any(String) });
  expect(answer.contentType).toBe('application/problem+json');
  expect(answer.body.status).toBe(status);
  expect(typeof answer.body.title).toBe('string');
  expect(typeof answer.body.detail).toBe('string');
  expect((answer.body.detail as string).length).toBeGreaterThan(0);
}

const fields = (answer: Answer) => (answer.body.errors ?? []).map((e) => e.field);

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-validation');
  ({ datafileId, datasetId } = await tinyDataset(api, { images: 20, trainingSplit: 0.5 }));
});

afterAll(async () => {
  await tc?.stop();
});

describe('request bodies', () => {
  it('malformed JSON → 400 problem+json saying the body is not JSON', async () => {
    const answer = await call('POST', '/v1/datafiles', { body: '{"name": "x", "format": ' });
    expectProblem(answer, 400);
    expect(answer.body.title).toBe('Invalid request');
    expect(answer.body.detail).toMatch(/JSON/);
    expect(answer.body.type).toBe('about:blank');
    expect(answer.body.instance).toMatch(/^urn:request:/);
  });

  it('a body that is not JSON by content type → 415 that says how to send it', async () => {
    const answer = await call('POST', '/v1/datafiles', { body: 'name=x', contentType: 'application/x-www-form-urlencoded' });
    expectProblem(answer, 415);
    expect(answer.body.detail).toMatch(/application\/json/);
  });

  it('a missing required field → 400 naming it', async () => {
    const answer = await post('/v1/datafiles', { format: 'image-folders' });
    expectProblem(answer, 400);
    expect(fields(answer)).toEqual(['name']);
    expect(answer.body.detail).toContain('name');
  });

  it('an unknown field → 400 naming it (not silently ignored)', async () => {
    const answer = await post('/v1/datafiles', { name: 'x', format: 'image-folders', colour: 'red' });
    expectProblem(answer, 400);
    expect(answer.body.errors).toEqual([{ field: 'colour', message: 'unknown field' }]);
  });

  it('an unknown nested field → 400 naming it with its path', async () => {
    const answer = await post('/v1/datasets', {
      name: 'x',
      training: { datafileId, splitPercentage: 0.5, shuffle: true },
      testing: { datafileId, splitPercentage: 0.5 },
    });
    expectProblem(answer, 400);
    expect(fields(answer)).toEqual(['training.shuffle']);
  });

  it('a wrong type → 400 naming the field', async () => {
    const answer = await post('/v1/training-jobs', { solverId: 42 });
    expectProblem(answer, 400);
    expect(fields(answer)).toEqual(['solverId']);
  });

  it('a POST with no body at all → 400', async () => {
    const answer = await call('POST', '/v1/solvers');
    expectProblem(answer, 400);
  });

  it('a bad list query → 400 naming the parameter', async () => {
    for (const limit of ['0', '101', 'lots']) {
      const answer = await call('GET', `/v1/datafiles?limit=${limit}`);
      expectProblem(answer, 400);
      expect(fields(answer)).toEqual(['limit']);
    }
  });
});

describe('CORS', () => {
  it("a browser's preflight may send idempotency keys and correlation ids, and every answer lets it read the correlation id", async () => {
    const preflight = await fetch(`${tc.cloud.url}/v1/datasets`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'idempotency-key, x-correlation-id' },
    });
    expect(preflight.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('idempotency-key'));
    expect(preflight.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('x-correlation-id'));
    const answer = await fetch(`${tc.cloud.url}/v1/openapi.json`, { headers: { 'x-correlation-id': 'browser-1' } });
    expect(answer.headers.get('access-control-expose-headers')).toEqual(expect.stringContaining('x-correlation-id'));
  });
});

describe('authentication', () => {
  it('no token → 401 problem+json', async () => {
    const answer = await call('GET', '/v1/datafiles', { token: null });
    expectProblem(answer, 401);
    expect(answer.body.detail).toMatch(/Bearer/);
  });

  it('a token that is not a JWT → 401', async () => {
    expectProblem(await call('GET', '/v1/datasets', { token: 'not-a-jwt' }), 401);
  });

  it('a well-formed token signed by another issuer key → 401', async () => {
    const otherHome = await mkdtemp(path.join(os.tmpdir(), 'other-issuer-'));
    try {
      const forged = await issueToken(otherHome, 'tenant-validation');
      const answer = await call('GET', '/v1/datasets', { token: forged });
      expectProblem(answer, 401);
      expect(answer.body.detail).toMatch(/rejected/);
    } finally {
      await rm(otherHome, { recursive: true, force: true });
    }
  });

  it('a tampered token (subject changed, signature kept) → 401', async () => {
    const [header, payload, signature] = api.token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url');
    expectProblem(await call('GET', '/v1/datasets', { token: `${header}.${tampered}.${signature}` }), 401);
  });

  it('a POST without a token is refused before its body is looked at', async () => {
    const answer = await call('POST', '/v1/datafiles', { token: null, body: '{broken' });
    expectProblem(answer, 401);
  });
});

describe('not found', () => {
  const unknownIds = { datafiles: 'df_01jzzzzzzzzzzzzzzzzzzzzzzz', datasets: 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz', solvers: 'sv_01jzzzzzzzzzzzzzzzzzzzzzzz', 'training-jobs': 'tj_01jzzzzzzzzzzzzzzzzzzzzzzz', classifiers: 'cl_01jzzzzzzzzzzzzzzzzzzzzzzz', 'classify-jobs': 'cj_01jzzzzzzzzzzzzzzzzzzzzzzz' };

  it.each(collections.map((c) => [c]))('an unknown id in %s → 404 problem+json naming the id', async (collection) => {
    const id = unknownIds[collection];
    const answer = await call('GET', `/v1/${collection}/${id}`);
    expectProblem(answer, 404);
    expect(answer.body.title).toBe('Not found');
    expect(answer.body.detail).toContain(id);
  });

  it.each(collections.map((c) => [c]))('an id that is not even our format in %s → 404', async (collection) => {
    expectProblem(await call('GET', `/v1/${collection}/nope`), 404);
  });

  it.each(['logs', 'artifacts'])('the %s of an unknown training job → 404', async (what) => {
    expectProblem(await call('GET', `/v1/training-jobs/${unknownIds['training-jobs']}/${what}`), 404);
  });

  it('an id with a broken %-escape → 400 problem+json (a client mistake, not a 500)', async () => {
    const answer = await call('GET', '/v1/datasets/%E0%A4%A');
    expectProblem(answer, 400);
    expect(answer.body.detail).toMatch(/percent-encoding/);
  });

  it('an unknown route → 404 problem+json', async () => {
    for (const [method, route] of [
      ['GET', '/v1/models'],
      ['GET', '/'],
      ['GET', '/v1/datasets/x/y/z'],
      ['POST', '/v2/datafiles'],
    ] as const) {
      const answer = await call(method, route, method === 'POST' ? { body: '{}' } : {});
      expectProblem(answer, 404);
    }
  });
});

describe('solvers', () => {
  const netWithSyntaxError = `name: "tiny"
layer {
  name: "data"
  type: "Data"
  top "data"
  include { phase: TRAIN }
}
`;

  it('a prototxt syntax error in the net → 400 with the exact line and column', async () => {
    const answer = await post('/v1/solvers', { name: 'broken', datasetId, solver: tinySolver(), net: netWithSyntaxError });
    expectProblem(answer, 400);
    expect(answer.body.errors).toEqual([{ field: 'net', line: 5, column: 7, message: 'expected ":" or "{" after field name "top"' }]);
    expect(answer.body.detail).toBe('the prototxt is not valid: net 5:7: expected ":" or "{" after field name "top"');
  });

  it('an unclosed brace is reported where the input ends, naming where it opened', async () => {
    const answer = await post('/v1/solvers', { name: 'broken', datasetId, solver: tinySolver(), net: 'name: "x"\nlayer {\n  name: "data"\n' });
    expectProblem(answer, 400);
    const [error] = answer.body.errors!;
    expect(error).toMatchObject({ field: 'net', line: 4, column: 1 });
    expect(error!.message).toMatch(/unclosed "\{" opened at 2:7/);
  });

  it('a syntax error in the solver is reported against the solver', async () => {
    const answer = await post('/v1/solvers', { name: 'broken', datasetId, solver: 'max_iter: 10\nbase_lr 0.1\n', net: tinyNet() });
    expectProblem(answer, 400);
    expect(answer.body.errors).toEqual([{ field: 'solver', line: 2, column: 9, message: 'expected ":" or "{" after field name "base_lr"' }]);
  });

  it('a valid solver and net are stored (201) with their summary', async () => {
    const answer = await post('/v1/solvers', { name: 'ok', datasetId, solver: tinySolver(20), net: tinyNet() });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: 'ok', datasetId, maxIterations: 20, solverType: 'SGD' });
  });

  it('a solver for a dataset that does not exist → 404', async () => {
    const missing = 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz';
    const answer = await post('/v1/solvers', { name: 'orphan', datasetId: missing, solver: tinySolver(), net: tinyNet() });
    expectProblem(answer, 404);
    expect(answer.body.detail).toBe(`dataset ${missing} does not exist`);
  });
});

describe('training jobs', () => {
  it('a training job for a solver that does not exist → 404', async () => {
    const missing = 'sv_01jzzzzzzzzzzzzzzzzzzzzzzz';
    const answer = await post('/v1/training-jobs', { solverId: missing });
    expectProblem(answer, 404);
    expect(answer.body.detail).toBe(`solver ${missing} does not exist`);
    const list = await api.request<{ items: unknown[] }>('GET', '/v1/training-jobs');
    expect(list.items).toEqual([]);
  });
});

describe('datasets', () => {
  it('a dataset on a datafile whose archive is not uploaded yet → 422', async () => {
    const registered = await api.request<{ id: string; status: string }>('POST', '/v1/datafiles', { name: 'later', format: 'image-folders' });
    expect(registered.status).toBe('awaiting-upload');
    const answer = await post('/v1/datasets', {
      name: 'too-early',
      training: { datafileId: registered.id, splitPercentage: 0.8 },
      testing: { datafileId: registered.id, splitPercentage: 0.2 },
    });
    expectProblem(answer, 422);
    expect(answer.body.detail).toContain(registered.id);
    expect(answer.body.detail).toMatch(/awaiting-upload/);
  });

  it('a dataset on a datafile that does not exist → 404', async () => {
    const missing = 'df_01jzzzzzzzzzzzzzzzzzzzzzzz';
    const answer = await post('/v1/datasets', {
      name: 'x',
      training: { datafileId: missing, splitPercentage: 0 },
      testing: { datafileId, splitPercentage: 0 },
    });
    expectProblem(answer, 404);
    expect(answer.body.detail).toContain(missing);
  });

  it('splitting one datafile by more than all of it → 400 naming the split', async () => {
    const answer = await post('/v1/datasets', {
      name: 'greedy',
      training: { datafileId, splitPercentage: 0.8 },
      testing: { datafileId, splitPercentage: 0.3 },
    });
    expectProblem(answer, 400);
    expect(fields(answer)).toEqual(['testing.splitPercentage']);
    expect(answer.body.detail).toMatch(/0\.8 \+ 0\.3/);
  });

  it('splitting one datafile with a 0 fraction (meaning "all of it") → 400', async () => {
    const answer = await post('/v1/datasets', {
      name: 'overlap',
      training: { datafileId, splitPercentage: 0 },
      testing: { datafileId, splitPercentage: 0.2 },
    });
    expectProblem(answer, 400);
    expect(fields(answer)).toEqual(['training.splitPercentage']);
  });

  it('a fraction outside 0..1 → 400 naming it', async () => {
    const answer = await post('/v1/datasets', {
      name: 'x',
      training: { datafileId, splitPercentage: 1.5 },
      testing: { datafileId, splitPercentage: 0.2 },
    });
    expectProblem(answer, 400);
    expect(fields(answer)).toEqual(['training.splitPercentage']);
  });

  it('none of the refused requests left a record behind', async () => {
    const list = await api.request<{ items: Array<{ id: string }> }>('GET', '/v1/datasets');
    expect(list.items.map((d) => d.id)).toEqual([datasetId]);
  });
});
