/**
 * The OpenAPI document served by a real local cloud, and the response check every integration and
 * e2e test runs through (test/support/validate-responses.ts).
 */
import { openApiDocument } from '../../core/openapi/document';
import { routes } from '../../core/routes';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { rawCall } from '../support/raw-call';
import { validateResponse } from '../support/validate-responses';

jest.setTimeout(2 * 60_000);

let tc: TestCloud;
let api: ElasticCaffeClient;

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('openapi-tenant');
});

afterAll(async () => {
  await tc?.stop();
});

describe('GET /v1/openapi.json', () => {
  it('is served without a token: 200, the generated document, every route in it', async () => {
    const answer = await rawCall(api, 'GET', '/v1/openapi.json', { token: null });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
    const paths = answer.body.paths as Record<string, Record<string, unknown>>;
    for (const route of routes) expect(paths[route.path]?.[route.method.toLowerCase()]).toBeDefined();
  });

  it('is the same with a token', async () => {
    expect((await rawCall(api, 'GET', '/v1/openapi.json')).status).toBe(200);
  });
});

describe('every answer is checked against the document', () => {
  it('the client checks its answers (ELASTIC_CAFFE_VALIDATE_RESPONSES is set for these tests)', () => {
    expect(process.env.ELASTIC_CAFFE_VALIDATE_RESPONSES).toBe('1');
  });

  it('real answers pass: a created datafile, a list, a 404 and a 401', async () => {
    const created = await rawCall(api, 'POST', '/v1/datafiles', {
      body: { name: 'documented', format: 'image-folders' },
    });
    expect(created.status).toBe(201);
    expect((await rawCall(api, 'GET', '/v1/datafiles?limit=1')).status).toBe(200);
    expect((await rawCall(api, 'GET', '/v1/datasets/ds_nothing')).status).toBe(404);
    expect((await rawCall(api, 'GET', '/v1/solvers', { token: null })).status).toBe(401);
  });

  it('a status the route does not document fails, naming the route', () => {
    expect(() =>
      validateResponse({
        method: 'GET',
        path: '/v1/datafiles',
        status: 418,
        contentType: 'application/problem+json',
        body: {},
      }),
    ).toThrow(/^GET \/v1\/datafiles answered 418, which the OpenAPI document does not list for it/);
  });

  it('a field the document does not know fails, naming the route and the schema path', () => {
    const datafile = {
      id: 'df_1',
      name: 'x',
      format: 'image-folders',
      status: 'ready',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(() =>
      validateResponse({
        method: 'GET',
        path: '/v1/datafiles/df_1',
        status: 200,
        contentType: 'application/json',
        body: datafile,
      }),
    ).not.toThrow();
    expect(() =>
      validateResponse({
        method: 'GET',
        path: '/v1/datafiles/df_1',
        status: 200,
        contentType: 'application/json',
        body: { ...datafile, objectKey: 'tenants/a/…' },
      }),
    ).toThrow(
      new RegExp(
        String.raw`GET \/v1\/datafiles\/\{id\} answered 200 with a body that does not match ` +
          String.raw`#\/paths\/~1v1~1datafiles~1\{id\}\/get\/responses\/200\/content\/application~1json\/schema:\n` +
          '.*must NOT have additional properties.*objectKey',
      ),
    );
  });

  it('a problem in the wrong content type fails', () => {
    expect(() =>
      validateResponse({
        method: 'GET',
        path: '/v1/datasets/ds_1',
        status: 404,
        contentType: 'text/plain',
        body: 'nope',
      }),
    ).toThrow(/answered 404 as text\/plain, but the document says application\/problem\+json/);
  });
});
