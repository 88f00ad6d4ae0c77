/**
 * lambdas/shared/problem.ts: every error becomes RFC 9457 problem+json in one place — domain errors
 * keep their status and field errors, zod issues name the fields, middy's malformed-JSON error is a
 * 400, and anything unexpected is a 500 that leaks nothing.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../../../../core/errors';
import { listQuery } from '../../../../core/api/common';
import { createDatafileBody } from '../../../../core/api/datafiles';
import { createDatasetBody } from '../../../../core/api/datasets';
import { httpHandler, json } from '../../../../lambdas/shared/http';
import { serveRoutes } from '../../../../lambdas/shared/served-routes';
import { routes } from '../../../../core/routes';
import { problemResponse, toProblem } from '../../../../lambdas/shared/problem';
import { lambdaContext } from '../../../../local/lambda-context';

// As the local gateway does: these wrappers serve the routes of the whole table.
serveRoutes(routes);

/** The error a schema throws for the input. */
function zodError(parse: () => unknown): ZodError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ZodError) return error;
    throw error;
  }
  throw new Error('the input was valid');
}

describe('domain errors', () => {
  it.each([
    ['ValidationError', new ValidationError('bad input'), 400, 'Invalid request'],
    ['NotFoundError', new NotFoundError('dataset', 'ds_x'), 404, 'Not found'],
    ['ConflictError', new ConflictError('already running'), 409, 'Conflict'],
    ['UnprocessableError', new UnprocessableError('datafile df_x is awaiting-upload'), 422, 'Unprocessable request'],
  ])('%s → its status and title, the message as detail', (_, error, status, title) => {
    const { problem, unexpected } = toProblem(error, 'req-1');
    expect(problem).toEqual({
      type: 'about:blank',
      title,
      status,
      detail: error.message,
      instance: 'urn:request:req-1',
    });
    expect(unexpected).toBe(false);
  });

  it('NotFoundError says what is missing', () => {
    expect(toProblem(new NotFoundError('training job', 'tj_123')).problem.detail).toBe(
      'training job tj_123 does not exist',
    );
  });

  it('keeps field errors with line and column', () => {
    const errors = [{ field: 'net', line: 3, column: 7, message: 'expected ":" or "{" after field name "top"' }];
    const { problem } = toProblem(new ValidationError('the prototxt is not valid', errors));
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual(errors);
  });

  it('omits errors and instance when there are none', () => {
    const { problem } = toProblem(new ConflictError('x'));
    expect(problem).not.toHaveProperty('errors');
    expect(problem).not.toHaveProperty('instance');
  });
});

describe('zod errors', () => {
  it('an unknown field is named, with its path', () => {
    const error = zodError(() =>
      createDatasetBody.parse({
        name: 'x',
        training: { datafileId: 'a', splitPercentage: 0.5, sneaky: true },
        testing: { datafileId: 'a', splitPercentage: 0.5 },
        extra: 1,
      }),
    );
    const { problem, unexpected } = toProblem(error);
    expect(unexpected).toBe(false);
    expect(problem.status).toBe(400);
    expect(problem.title).toBe('Invalid request');
    const fields = problem.errors!.map((e) => e.field).sort();
    expect(fields).toEqual(['extra', 'training.sneaky']);
    for (const e of problem.errors!) expect(e.message).toBe('unknown field');
    expect(problem.detail).toContain('training.sneaky: unknown field');
    expect(problem.detail).toContain('extra: unknown field');
  });

  it('several unknown keys in one object are listed together', () => {
    const { problem } = toProblem(
      zodError(() => createDatafileBody.parse({ name: 'x', format: 'image-folders', a: 1, b: 2 })),
    );
    expect(problem.errors).toEqual([{ field: 'a, b', message: 'unknown fields' }]);
  });

  it('a missing required field is named', () => {
    const { problem } = toProblem(zodError(() => createDatafileBody.parse({ format: 'image-folders' })));
    expect(problem.errors).toHaveLength(1);
    expect(problem.errors![0]!.field).toBe('name');
    expect(problem.detail).toMatch(/^name: /);
  });

  it('a nested wrong value is named by its path', () => {
    const error = zodError(() =>
      createDatasetBody.parse({
        name: 'x',
        training: { datafileId: 'a', splitPercentage: 2 },
        testing: { datafileId: 'a', splitPercentage: 0 },
      }),
    );
    expect(toProblem(error).problem.errors!.map((e) => e.field)).toEqual(['training.splitPercentage']);
  });

  it('a body that is not an object at all is "(body)"', () => {
    const { problem } = toProblem(zodError(() => createDatafileBody.parse(undefined)));
    expect(problem.errors![0]!.field).toBe('(body)');
  });

  it('a bad query parameter is named', () => {
    const { problem } = toProblem(zodError(() => listQuery.parse({ limit: '0' })));
    expect(problem.errors!.map((e) => e.field)).toEqual(['limit']);
  });
});

describe('HTTP errors', () => {
  it('an http error with statusCode < 500 keeps its status and message', () => {
    const error = Object.assign(new Error('Unauthorized'), { statusCode: 401 });
    const { problem } = toProblem(error);
    expect(problem.status).toBe(401);
    expect(problem.title).toBe('Unauthorized');
  });
});

describe('unexpected errors', () => {
  it.each([
    ['a plain Error', new Error('connect ECONNREFUSED 10.0.0.7:8000 table=prod-secret')],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'secret')")],
    ['an http error with a 5xx status', Object.assign(new Error('upstream at 10.0.0.7 failed'), { statusCode: 502 })],
    ['a thrown string', 'boom: password=hunter2'],
    ['undefined', undefined],
  ])('%s → 500 without internals, flagged unexpected', (_, error) => {
    const { problem, unexpected } = toProblem(error, 'req-3');
    expect(unexpected).toBe(true);
    expect(problem.status).toBe(500);
    expect(problem.title).toBe('Internal error');
    expect(problem.instance).toBe('urn:request:req-3');
    const text = JSON.stringify(problem);
    for (const secret of ['ECONNREFUSED', '10.0.0.7', 'prod-secret', 'secret', 'hunter2', 'stack'])
      expect(text).not.toContain(secret);
  });
});

describe('problemResponse', () => {
  it('answers application/problem+json with the problem as body', () => {
    const problem = { type: 'about:blank', title: 'Not found', status: 404, detail: 'dataset ds_x does not exist' };
    const response = problemResponse(problem);
    expect(response.statusCode).toBe(404);
    expect(response.headers).toEqual({ 'content-type': 'application/problem+json' });
    expect(JSON.parse(response.body!)).toEqual(problem);
  });
});

describe('httpHandler (the wrapper every route uses)', () => {
  const event = (
    overrides: Partial<APIGatewayProxyEventV2WithJWTAuthorizer> = {},
  ): APIGatewayProxyEventV2WithJWTAuthorizer =>
    ({
      version: '2.0',
      routeKey: 'POST /v1/datafiles',
      rawPath: '/v1/datafiles',
      rawQueryString: '',
      headers: { 'content-type': 'application/json' },
      requestContext: {
        authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: { sub: 'tenant-a' }, scopes: [] } },
        requestId: 'r',
        http: { method: 'POST', path: '/v1/datafiles', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
      },
      isBase64Encoded: false,
      ...overrides,
    }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
  const call = async (handler: ReturnType<typeof httpHandler>, e: APIGatewayProxyEventV2WithJWTAuthorizer) =>
    (await handler(e, lambdaContext('test'))) as APIGatewayProxyStructuredResultV2;

  it('parses the JSON body and passes the tenant from the token', async () => {
    const handler = httpHandler(async (request) => json(200, { tenant: request.tenantId, body: request.body }));
    const response = await call(handler, event({ body: '{"a":1}' }));
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ tenant: 'tenant-a', body: { a: 1 } });
  });

  it('malformed JSON never reaches the route: 400 problem+json', async () => {
    const route = jest.fn(async () => json(200, {}));
    const response = await call(httpHandler(route), event({ body: '{"a":' }));
    expect(route).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(400);
    expect(response.headers).toEqual({ 'content-type': 'application/problem+json', 'x-correlation-id': 'r' });
    expect(JSON.parse(response.body!).detail).toMatch(/not valid JSON/);
  });

  it('a path id longer than any id → 400 naming the parameter, before the route runs', async () => {
    const route = jest.fn(async () => json(200, {}));
    const e = event({ routeKey: 'GET /v1/datasets/{id}', pathParameters: { id: 'x'.repeat(2000) } });
    const response = await call(httpHandler(route), e);
    expect(route).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).errors).toEqual([
      { field: 'id', message: expect.stringMatching(/^an id: 1-64/) },
    ]);
  });

  it.each([
    ['a NUL byte', 'a\u0000b'],
    ['a star', '*'],
    ['a hash', 'a#b'],
    ['a percent', '100%'],
  ])('a tenant id with %s → 400', async (_, tenantId) => {
    const e = event({ routeKey: 'DELETE /v1/admin/tenants/{tenantId}', pathParameters: { tenantId } });
    (e.requestContext.authorizer.jwt.claims as Record<string, unknown>)['cognito:groups'] = ['admins'];
    const response = await call(
      httpHandler(async () => json(200, {}), { admin: true }),
      e,
    );
    expect(response.statusCode).toBe(400);
  });

  it('an IAM role session as tenant id is a valid path parameter', async () => {
    const e = event({
      routeKey: 'DELETE /v1/admin/tenants/{tenantId}',
      pathParameters: { tenantId: 'AROAEXAMPLEID:build+ci=1,x.y@z-w' },
    });
    (e.requestContext.authorizer.jwt.claims as Record<string, unknown>)['cognito:groups'] = ['admins'];
    const response = await call(
      httpHandler(async (r) => json(200, r.pathParameters), { admin: true }),
      e,
    );
    expect(JSON.parse(response.body!)).toEqual({ tenantId: 'AROAEXAMPLEID:build+ci=1,x.y@z-w' });
  });

  it('multipart sent to a JSON-only route → 415, the route never runs', async () => {
    const route = jest.fn(async () => json(200, {}));
    const body = '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n';
    const response = await call(
      httpHandler(route),
      event({ body, headers: { 'content-type': 'multipart/form-data; boundary=b' } }),
    );
    expect(route).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(415);
  });

  it('a malformed X-Correlation-Id → 400 whose answer still carries the request id', async () => {
    const response = await call(
      httpHandler(async () => json(200, {})),
      event({ body: '{}', headers: { 'content-type': 'application/json', 'x-correlation-id': 'has space' } }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers?.['x-correlation-id']).toBe('r');
  });

  it(
    'a route not in the table (a wiring mistake) is a 500 ' + 'problem with the correlation id, not a thrown error',
    async () => {
      const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        const response = await call(
          httpHandler(async () => json(200, {})),
          event({ routeKey: 'GET /v1/nowhere' }),
        );
        expect(response.statusCode).toBe(500);
        expect(response.headers?.['x-correlation-id']).toBe('r');
      } finally {
        spy.mockRestore();
      }
    },
  );

  it('no tenant in the claims → 401', async () => {
    const route = jest.fn(async () => json(200, {}));
    const e = event({ body: '{}' });
    (e.requestContext.authorizer.jwt.claims as Record<string, unknown>) = {};
    const response = await call(httpHandler(route), e);
    expect(route).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(401);
  });

  it('a domain error thrown by the route becomes its problem', async () => {
    const handler = httpHandler(async () => {
      throw new NotFoundError('solver', 'sv_x');
    });
    const response = await call(handler, event({ body: '{}' }));
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body!)).toMatchObject({
      status: 404,
      title: 'Not found',
      detail: 'solver sv_x does not exist',
    });
  });

  it('a crash in the route is a 500 that names the request, not the cause', async () => {
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const handler = httpHandler(async () => {
        throw new Error('dynamo table arn:aws:dynamodb:secret exploded');
      });
      const response = await call(handler, event({ body: '{}' }));
      expect(response.statusCode).toBe(500);
      const body = JSON.parse(response.body!);
      expect(body.instance).toMatch(/^urn:request:/);
      expect(response.body).not.toContain('secret');
    } finally {
      spy.mockRestore();
    }
  });
});
