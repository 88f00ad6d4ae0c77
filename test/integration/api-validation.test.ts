/**
 * Request validation and error answers through the HTTP API of a real local cloud: every error is
 * RFC 9457 problem+json with the right status, and field-level complaints name the field (and, for
 * prototxt, the exact line and column).
 */
import { issueToken } from '../../local/auth';
import type { ElasticCaffeClient } from '../support/client';
import { collections } from '../../core/collections';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
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
async function call(
  method: string,
  urlPath: string,
  options: { token?: string | null; body?: string; contentType?: string } = {},
): Promise<Answer> {
  const token = options.token === undefined ? api.token : options.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${tc.cloud.url}${urlPath}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  return {
    status: response.status,
    contentType,
    body: contentType.includes('json') && text ? JSON.parse(text) : {},
    text,
  };
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
    const answer = await call('POST', '/v1/datafiles', {
      body: 'name=x',
      contentType: 'application/x-www-form-urlencoded',
    });
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
  it(
    "a browser's preflight may send idempotency keys and correlation " +
      'ids, and every answer lets it read the correlation id',
    async () => {
      const preflight = await fetch(`${tc.cloud.url}/v1/datasets`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'idempotency-key, x-correlation-id',
        },
      });
      expect(preflight.headers.get('access-control-allow-headers')).toEqual(expect.stringContaining('idempotency-key'));
      expect(preflight.headers.get('access-control-allow-headers')).toEqual(
        expect.stringContaining('x-correlation-id'),
      );
      const answer = await fetch(`${tc.cloud.url}/v1/openapi.json`, { headers: { 'x-correlation-id': 'browser-1' } });
      expect(answer.headers.get('access-control-expose-headers')).toEqual(expect.stringContaining('x-correlation-id'));
    },
  );
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
  const unknownIds = {
    datafiles: 'df_01jzzzzzzzzzzzzzzzzzzzzzzz',
    datasets: 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz',
    solvers: 'sv_01jzzzzzzzzzzzzzzzzzzzzzzz',
    'training-jobs': 'tj_01jzzzzzzzzzzzzzzzzzzzzzzz',
    classifiers: 'cl_01jzzzzzzzzzzzzzzzzzzzzzzz',
    'classify-jobs': 'cj_01jzzzzzzzzzzzzzzzzzzzzzzz',
    models: 'md_01jzzzzzzzzzzzzzzzzzzzzzzz',
    sweeps: 'sw_01jzzzzzzzzzzzzzzzzzzzzzzz',
  };

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

  it('a trial of an unknown sweep → 404; a trial id not of the form t1 → 400 saying so', async () => {
    const unknown = await call('GET', `/v1/sweeps/${unknownIds.sweeps}/trials/t1`);
    expectProblem(unknown, 404);
    expect(unknown.body.detail).toContain(unknownIds.sweeps);
    const malformed = await call('GET', `/v1/sweeps/${unknownIds.sweeps}/trials/x`);
    expectProblem(malformed, 400);
    expect(JSON.stringify(malformed.body)).toContain('a trial id is t1, t2');
  });

  it('an id with a broken %-escape → 400 problem+json (a client mistake, not a 500)', async () => {
    const answer = await call('GET', '/v1/datasets/%E0%A4%A');
    expectProblem(answer, 400);
    expect(answer.body.detail).toMatch(/percent-encoding/);
  });

  it('an unknown route → 404 problem+json', async () => {
    for (const [method, route] of [
      ['GET', '/v1/widgets'],
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
    const answer = await post('/v1/solvers', {
      name: 'broken',
      datasetId,
      solver: tinySolver(),
      net: netWithSyntaxError,
    });
    expectProblem(answer, 400);
    expect(answer.body.errors).toEqual([
      { field: 'net', line: 5, column: 7, message: 'expected ":" or "{" after field name "top"' },
    ]);
    expect(answer.body.detail).toBe('the prototxt is not valid: net 5:7: expected ":" or "{" after field name "top"');
  });

  it('an unclosed brace is reported where the input ends, naming where it opened', async () => {
    const answer = await post('/v1/solvers', {
      name: 'broken',
      datasetId,
      solver: tinySolver(),
      net: 'name: "x"\nlayer {\n  name: "data"\n',
    });
    expectProblem(answer, 400);
    const [error] = answer.body.errors!;
    expect(error).toMatchObject({ field: 'net', line: 4, column: 1 });
    expect(error!.message).toMatch(/unclosed "\{" opened at 2:7/);
  });

  it('a syntax error in the solver is reported against the solver', async () => {
    const answer = await post('/v1/solvers', {
      name: 'broken',
      datasetId,
      solver: 'max_iter: 10\nbase_lr 0.1\n',
      net: tinyNet(),
    });
    expectProblem(answer, 400);
    expect(answer.body.errors).toEqual([
      { field: 'solver', line: 2, column: 9, message: 'expected ":" or "{" after field name "base_lr"' },
    ]);
  });

  it('a valid solver and net are stored (201) with their summary', async () => {
    const answer = await post('/v1/solvers', { name: 'ok', datasetId, solver: tinySolver(20), net: tinyNet() });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ name: 'ok', datasetId, maxIterations: 20, solverType: 'SGD' });
  });

  it('a solver for a dataset that does not exist → 404', async () => {
    const missing = 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz';
    const answer = await post('/v1/solvers', {
      name: 'orphan',
      datasetId: missing,
      solver: tinySolver(),
      net: tinyNet(),
    });
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
    const registered = await api.request<{ id: string; status: string }>('POST', '/v1/datafiles', {
      name: 'later',
      format: 'image-folders',
    });
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

/**
 * Issue #10: what once crashed the service or answered 500, and the headers every answer carries.
 * test/integration/fuzz.test.ts searches for more of the same.
 */
describe('the edge', () => {
  const multipart = (fields: string) => ({ contentType: 'multipart/form-data; boundary=edge', body: fields });
  const cutFilePart =
    '--edge\r\nContent-Disposition: form-data; name="files"; ' +
    'filename="a.png"\r\nContent-Type: image/png\r\n\r\nxxxxxxxx';

  it.each([
    ['POST /v1/datafiles (JSON only: 415 before parsing)', '/v1/datafiles', 415],
    [
      'POST /v1/classifiers/{id}/classify (multipart taken: 400)',
      '/v1/classifiers/cl_01jzzzzzzzzzzzzzzzzzzzzzzz/classify',
      400,
    ],
  ])(
    'a file part cut off before its boundary on %s is refused, and the service lives on',
    async (_, urlPath, status) => {
      expectProblem(await call('POST', urlPath, multipart(cutFilePart)), status);
      expect((await call('GET', '/v1/datasets')).status).toBe(200);
    },
  );

  it('a form posted where only JSON is documented → 415, and nothing is created', async () => {
    const before = (await api.request<{ items: unknown[] }>('GET', '/v1/datafiles?limit=100')).items.length;
    const form =
      '--edge\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--edge\r\nContent-Disposition: ' +
      'form-data; name="format"\r\n\r\nidx\r\n--edge--\r\n';
    const answer = await call('POST', '/v1/datafiles', multipart(form));
    expectProblem(answer, 415);
    expect(answer.body.detail).toMatch(/application\/json/);
    expect((await api.request<{ items: unknown[] }>('GET', '/v1/datafiles?limit=100')).items).toHaveLength(before);
  });

  it.each(collections.map((c) => [c]))(
    'ids of 2,000 and 10,000 characters in %s → 400 naming the id, not 500',
    async (collection) => {
      for (const length of [2000, 10_000]) {
        const answer = await call('GET', `/v1/${collection}/${'a'.repeat(length)}`);
        expectProblem(answer, 400);
        expect(fields(answer)).toEqual(['id']);
      }
    },
  );

  it('a 2 MB string in a reference field → 400 naming the field', async () => {
    const answer = await post('/v1/solvers', {
      name: 'x',
      datasetId: 'd'.repeat(2_000_000),
      net: tinyNet(),
      solver: tinySolver(),
    });
    expectProblem(answer, 400);
    expect(fields(answer)).toEqual(['datasetId']);
  });

  it('JSON nested 200,000 levels with an Idempotency-Key → 400, not a stack overflow', async () => {
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const response = await fetch(`${tc.cloud.url}/v1/datafiles`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${api.token}`,
        'content-type': 'application/json',
        'idempotency-key': 'deep-1',
      },
      body: deep,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/nests deeper than/);
  });

  it.each([['*'], ['%25'], ['%23'], ['%00'], ['a'.repeat(129)]])(
    'DELETE /v1/admin/tenants/%s → 400: no tenant can have that id',
    async (tenantId) => {
      const admin = await issueToken(tc.home, 'an-admin', { admin: true });
      const answer = await call('DELETE', `/v1/admin/tenants/${tenantId}`, { token: admin });
      expectProblem(answer, 400);
      expect(fields(answer)).toEqual(['tenantId']);
    },
  );

  it(
    'every answer of the gateway names its request: no route, ' + 'wrong method, no token, bad escape, oversized body',
    async () => {
      const answers = [
        await fetch(`${tc.cloud.url}/v1/nowhere`),
        await fetch(`${tc.cloud.url}/v1/openapi.json`, { method: 'DELETE' }),
        await fetch(`${tc.cloud.url}/v1/datasets`),
        await fetch(`${tc.cloud.url}/v1/datasets/%E0%A4%A`, { headers: { authorization: `Bearer ${api.token}` } }),
        await fetch(`${tc.cloud.url}/v1/datafiles`, {
          method: 'POST',
          headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
          body: Buffer.alloc(11 * 1024 * 1024, 0x20),
        }),
      ];
      expect(answers.map((a) => a.status)).toEqual([404, 405, 401, 400, 413]);
      for (const answer of answers) {
        expect(answer.headers.get('content-type')).toBe('application/problem+json');
        expect(answer.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
      }
    },
  );

  it("the caller's own X-Correlation-Id comes back on a gateway answer", async () => {
    const answer = await fetch(`${tc.cloud.url}/v1/nowhere`, { headers: { 'x-correlation-id': 'edge-42' } });
    expect(answer.headers.get('x-correlation-id')).toBe('edge-42');
  });

  it('a request line and headers over the limit → 431 problem+json with a correlation id', async () => {
    const { port } = new URL(tc.cloud.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write(`GET /v1/datasets/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toMatch(/\r\ncontent-type: application\/problem\+json\r\n/);
    expect(raw).toMatch(/\r\nx-correlation-id: [0-9a-f-]{36}\r\n/);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431 });
  });

  it(
    'a second `npm start` on a running home says where ' + 'it runs and exits 1, and the first keeps answering',
    async () => {
      const root = path.resolve(__dirname, '../..');
      const second = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'local/start.ts')], {
        cwd: root,
        env: { ...process.env, ELASTIC_CAFFE_HOME: tc.home, PORT: '0' },
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect({ status: second.status, stderr: second.stderr }).toEqual({
        status: 1,
        stderr: expect.stringContaining(
          `Elastic Caffe already runs from ${tc.home}: ${tc.cloud.url} (process ${process.pid})`,
        ),
      });
      expect(second.stderr).not.toMatch(/\n\s+at /);
      expect((await call('GET', '/v1/datasets')).status).toBe(200);
    },
  );
});
