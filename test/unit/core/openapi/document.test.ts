/**
 * The OpenAPI document generated from the route table: valid, complete (every route, its body,
 * its answers), and built the way the route metadata says.
 */
import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import addFormats from 'ajv-formats';
import { z } from 'zod';
import { pathParameterSchemas, problem } from '../../../../core/api/common';
import { allResponses, openApiDocument, pathParameters, sharedResponses } from '../../../../core/openapi/document';
import { routes } from '../../../../core/routes';
import { routeKey, type Route } from '../../../../core/route';

const document = openApiDocument();
type Operation = {
  operationId: string;
  security: unknown[];
  parameters?: Array<{ name: string; in: string; required: boolean }>;
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>;
};
const operationOf = (route: Route) =>
  (document.paths[route.path] as Record<string, Operation>)[route.method.toLowerCase()]!;
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const cases = routes.map((route) => [routeKey(route), route] as const);

describe('the generated document', () => {
  it('is OpenAPI 3.1 with a bearer JWT scheme and one shared Problem schema', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(document.components.schemas.Problem).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['title', 'status', 'detail']),
    });
  });

  it('every schema in it compiles as JSON Schema 2020-12', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(document, 'doc');
    for (const name of Object.keys(document.components.schemas))
      expect(() => ajv.compile({ $ref: `doc#/components/schemas/${name}` })).not.toThrow();
    for (const route of routes)
      for (const [status, response] of Object.entries(operationOf(route).responses))
        for (const contentType of Object.keys(response.content ?? {}))
          expect(() =>
            ajv.compile({
              $ref:
                `doc#/paths/${pointer(route.path)}/${route.method.toLowerCase()}/responses/${status}` +
                `/content/${pointer(contentType)}/schema`,
            }),
          ).not.toThrow();
  });

  it('has exactly one operation per route, with unique operation ids', () => {
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(routes.map(routeKey).sort());
    const ids = routes.map((route) => operationOf(route).operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not change between two generations (the committed file stays stable)', () => {
    expect(JSON.stringify(openApiDocument())).toBe(JSON.stringify(document));
  });
});

describe.each(cases)('%s', (key, route) => {
  const operation = operationOf(route);

  it('documents a successful answer with its body (or says it has none)', () => {
    const success = Object.entries(route.responses ?? {}).filter(([status]) => Number(status) < 400);
    expect(success.length).toBeGreaterThan(0);
    for (const [status, doc] of success)
      if (Number(status) !== 204)
        expect({ status, documented: Boolean(doc?.schema || doc?.contentType?.startsWith('text/')) }).toEqual({
          status,
          documented: true,
        });
  });

  it('documents the request body and query where the handler reads them', () => {
    // A handler that destructures `body` from its request parses one (lambdas/shared/http.ts).
    const source = readFileSync(path.join(__dirname, '../../../../lambdas/http', `${route.handler}.ts`), 'utf8');
    const readsBody = /httpHandler\(\s*async\s*\(\s*\{[^}]*\bbody\b/.test(source);
    const readsQuery = /httpHandler\(\s*async\s*\(\s*\{[^}]*\bquery\b/.test(source);
    expect({
      handler: route.handler,
      bodyDocumented: Boolean(route.request?.body),
      queryDocumented: Boolean(route.request?.query),
    }).toEqual({
      handler: route.handler,
      bodyDocumented: readsBody,
      queryDocumented: readsQuery,
    });
    if (route.request?.body) expect(operation.requestBody?.content['application/json']?.schema).toBeDefined();
  });

  it('declares each path parameter, with the syntax the HTTP wrapper checks', () => {
    const declared = (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    expect(declared).toEqual(pathParameters(route.path));
    for (const name of declared) expect(Object.keys(pathParameterSchemas)).toContain(name);
  });

  it('answers every error as problem+json', () => {
    for (const [status, response] of Object.entries(operation.responses))
      if (Number(status) >= 400)
        expect(response.content?.['application/problem+json']?.schema).toEqual({
          $ref: '#/components/schemas/Problem',
        });
  });

  it('is secured by the bearer scheme unless public', () => {
    expect(operation.security).toEqual(route.auth === 'jwt' ? [{ bearer: [] }] : []);
    if (route.auth === 'jwt') expect(operation.responses['401']).toBeDefined();
  });

  it('honours Idempotency-Key if it creates something (answers with a Location)', () => {
    const creates =
      route.method === 'POST' && Object.values(route.responses ?? {}).some((doc) => doc?.headers?.location);
    expect({ key, idempotent: Boolean(route.idempotent) }).toEqual({ key, idempotent: creates });
    if (creates)
      expect(operation.parameters?.find((p) => p.name === 'Idempotency-Key')).toMatchObject({
        in: 'header',
        required: false,
      });
  });
});

describe('answers every route shares', () => {
  const base: Route = {
    method: 'GET',
    path: '/v1/things',
    handler: 'x',
    auth: 'jwt',
    access: { table: 'read' },
    summary: 'x',
  };

  it('a public route without parameters: 400 (its X-Correlation-Id) and 500', () => {
    expect(Object.keys(sharedResponses({ ...base, auth: 'none' }))).toEqual(['400', '500']);
  });

  it('a path parameter adds 400 and 404; a token 401', () => {
    expect(Object.keys(sharedResponses({ ...base, path: '/v1/things/{id}' })).sort()).toEqual([
      '400',
      '401',
      '404',
      '500',
    ]);
  });

  it('a JSON body adds 400, 413 and 415; idempotency 409 and 422', () => {
    const route: Route = { ...base, method: 'POST', request: { body: z.object({}) }, idempotent: true };
    expect(Object.keys(sharedResponses(route)).sort()).toEqual(['400', '401', '409', '413', '415', '422', '500']);
  });

  it('every answer documents the correlation header, and every operation takes it', () => {
    const doc = openApiDocument([
      { ...base, path: '/v1/things/{id}', responses: { 200: { description: 'ok', headers: { location: 'where' } } } },
    ]);
    const op = (
      doc.paths['/v1/things/{id}'] as Record<string, Operation & { parameters: Array<{ name: string; in: string }> }>
    ).get!;
    for (const [status, response] of Object.entries(op.responses))
      expect({ status, headers: (response as { headers?: Record<string, unknown> }).headers }).toEqual({
        status,
        headers: expect.objectContaining({ 'x-correlation-id': { $ref: '#/components/headers/CorrelationId' } }),
      });
    expect((op.responses['200'] as { headers?: Record<string, unknown> }).headers).toHaveProperty('location');
    expect(op.parameters.filter((p) => p.in === 'header').map((p) => p.name)).toEqual(['X-Correlation-Id']);
  });

  it('a path parameter shows the syntax the handlers check', () => {
    const doc = openApiDocument([{ ...base, path: '/v1/things/{id}' }]);
    const op = (
      doc.paths['/v1/things/{id}'] as Record<
        string,
        { parameters: Array<{ name: string; schema: { pattern?: string } }> }
      >
    ).get!;
    const pattern = new RegExp(op.parameters.find((p) => p.name === 'id')!.schema.pattern!);
    expect(pattern.test('ds_01jt4x0d6q2rj8c5m6w2tq9m3e')).toBe(true);
    expect(pattern.test('x'.repeat(65))).toBe(false);
    expect(pattern.test('a/b')).toBe(false);
  });

  it("a route's own problem for a shared status keeps both descriptions", () => {
    const route: Route = {
      ...base,
      method: 'POST',
      request: { body: z.object({}) },
      idempotent: true,
      responses: { 422: problem('the dataset failed') },
    };
    expect(allResponses(route)[422]?.description).toMatch(
      /^the dataset failed; or this Idempotency-Key was used with a different request body$/,
    );
  });

  it('a route that also takes a multipart form documents both bodies', () => {
    const doc = openApiDocument([
      {
        ...base,
        method: 'POST',
        request: { body: z.object({ a: z.string() }), form: z.object({ topK: z.string().optional() }) },
        responses: { 200: { description: 'ok' } },
      },
    ]);
    const op = (doc.paths['/v1/things'] as Record<string, Operation>).post!;
    expect(Object.keys(op.requestBody?.content ?? {})).toEqual(['application/json', 'multipart/form-data']);
  });

  it('named schemas become components referred to by $ref; query schemas become parameters', () => {
    const thing = z.object({ id: z.string() }).meta({ id: 'UnitTestThing' });
    const doc = openApiDocument([
      {
        ...base,
        request: { query: z.object({ limit: z.coerce.number().int().default(5), q: z.string() }) },
        responses: { 200: { description: 'things', schema: z.object({ items: z.array(thing) }) } },
      },
    ]);
    const op = (doc.paths['/v1/things'] as Record<string, Operation>).get!;
    expect(doc.components.schemas.UnitTestThing).toMatchObject({
      type: 'object',
      properties: { id: { type: 'string' } },
    });
    expect(op.responses['200']?.content?.['application/json']?.schema).toMatchObject({
      properties: { items: { items: { $ref: '#/components/schemas/UnitTestThing' } } },
    });
    expect(op.parameters?.filter((p) => (p as { in: string }).in === 'query')).toEqual([
      expect.objectContaining({ name: 'limit', in: 'query', required: false }),
      expect.objectContaining({ name: 'q', in: 'query', required: true }),
    ]);
  });
});
