/**
 * The correlation id in the HTTP wrapper (lambdas/shared/http.ts): taken from X-Correlation-Id or
 * the API request id, current while the route runs (so records it creates carry it), on every log
 * line, and echoed on every answer — errors included; a malformed header is a 400 naming it.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { currentCorrelationId } from '../../../../core/correlation';
import { NotFoundError } from '../../../../core/errors';
import { httpHandler, json } from '../../../../lambdas/shared/http';
import { serveRoutes } from '../../../../lambdas/shared/served-routes';
import { routes } from '../../../../core/routes';
import { logger } from '../../../../lambdas/shared/powertools';
import { lambdaContext } from '../../../../local/lambda-context';

// As the local gateway does: these wrappers serve the routes of the whole table.
serveRoutes(routes);

const event = (headers: Record<string, string> = {}): APIGatewayProxyEventV2WithJWTAuthorizer =>
  ({
    version: '2.0',
    routeKey: 'GET /v1/datasets',
    rawPath: '/v1/datasets',
    rawQueryString: '',
    headers,
    requestContext: {
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: { sub: 'tenant-a' }, scopes: [] } },
      requestId: 'api-request-1',
      http: { method: 'GET', path: '/v1/datasets', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
    },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;

const call = async (handler: ReturnType<typeof httpHandler>, e: APIGatewayProxyEventV2WithJWTAuthorizer) =>
  (await handler(e, lambdaContext('test'))) as APIGatewayProxyStructuredResultV2;

/** The route answers with the correlation id it sees and the one on its log lines. */
const echoRoute = httpHandler(async () =>
  json(200, { current: currentCorrelationId(), logged: logger.getCorrelationId() }),
);

it("without a header it is API Gateway's request id", async () => {
  const response = await call(echoRoute, event());
  expect(JSON.parse(response.body!)).toEqual({ current: 'api-request-1', logged: 'api-request-1' });
  expect(response.headers?.['x-correlation-id']).toBe('api-request-1');
});

it("the caller's X-Correlation-Id (any case) wins and is echoed back", async () => {
  const response = await call(echoRoute, event({ 'X-Correlation-ID': 'order-42/step-1' }));
  expect(JSON.parse(response.body!)).toEqual({ current: 'order-42/step-1', logged: 'order-42/step-1' });
  expect(response.headers?.['x-correlation-id']).toBe('order-42/step-1');
});

it('an error answer echoes it too, and nothing outlives the request', async () => {
  const failing = httpHandler(async () => {
    throw new NotFoundError('dataset', 'ds_x');
  });
  const response = await call(failing, event({ 'x-correlation-id': 'abc' }));
  expect(response.statusCode).toBe(404);
  expect(response.headers?.['x-correlation-id']).toBe('abc');
  expect(currentCorrelationId()).toBeUndefined();
});

it.each([['has spaces'], ['x'.repeat(129)], ['ünïcode']])(
  'a malformed X-Correlation-Id (%s) is a 400 naming the header',
  async (value) => {
    const route = jest.fn(async () => json(200, {}));
    const response = await call(httpHandler(route), event({ 'x-correlation-id': value }));
    expect(route).not.toHaveBeenCalled();
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!).detail).toMatch(/X-Correlation-Id/);
  },
);
