/**
 * The HTTP handler wrapper: every route is `httpHandler(async (request) => response)`. Before the
 * route runs it finds the caller's tenant in the claims API Gateway verified, checks the path
 * parameters and reads the body as the route table says (the same checks whether or not a gateway
 * runs in front), and it maps every error to problem+json in one place. Nothing a request carries
 * can make it throw: the last resort is a 500 problem.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { pathParameterSchemas } from '../../core/api/common';
import { correlationHeader, isValidCorrelationId, withCorrelationId } from '../../core/correlation';
import { ValidationError } from '../../core/errors';
import { routeKey, type Route } from '../../core/route';
import { QuotaExceededError } from '../../core/quotas';
import { toView } from '../../core/usecases/views';
import { assertAdmin } from './admin';
import { withIdempotency } from './idempotency';
import { logger, tracer } from './powertools';
import { problemResponse, toProblem } from './problem';
import { readRequestBody } from './request-body';
import { servedRoute } from './served-routes';

export interface ApiRequest {
  tenantId: string;
  body: unknown;
  pathParameters: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  routeKey: string;
  /** The route being served (its documented answers: see `shown`). */
  route: Route;
  /**
   * When the answer must be on its way (epoch ms): the function's time limit less a margin for the
   * rest of the work, so a long poll answers instead of being cut off by the timeout (a 500).
   */
  answerBy: number;
}

/** Time kept back from the function's limit for reading and answering after a wait. */
const answerMarginMs = 5000;

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

/**
 * The tenant, as API Gateway verified it before the handler runs: the token's subject (Cognito
 * JWT), or with the IAM authorizer (authMode `iam`) the caller's unique IAM id — `AIDA…` for an
 * IAM user, `AROA…:<session name>` for an assumed role — which, unlike an ARN, never passes to a
 * different principal that reuses a deleted one's name.
 */
export function tenantOf(event: Pick<Event, 'requestContext'>): string {
  const authorizer = event.requestContext.authorizer as
    | (Event['requestContext']['authorizer'] & { iam?: { userId?: unknown } })
    | undefined;
  const tenant = authorizer?.jwt?.claims?.sub ?? authorizer?.iam?.userId;
  if (typeof tenant !== 'string' || !tenant) throw Object.assign(new Error('Unauthorized'), { statusCode: 401 });
  return tenant;
}

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/**
 * A JSON answer shown through the schema the route documents for `statusCode` (core/api/): only
 * the fields that schema names reach the client (core/usecases/views.ts), and the OpenAPI
 * document describes exactly what is sent.
 */
export function shown(route: Route, statusCode: number, value: unknown, headers: Record<string, string> = {}): Result {
  const view = route.responses?.[statusCode]?.schema;
  if (!view) throw new Error(`${routeKey(route)} documents no ${statusCode} answer to show a record through`);
  return json(statusCode, toView(view, value), headers);
}

export const text = (statusCode: number, body: string, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/** 204: done, nothing to say (a delete). */
export const noContent = (): Result => ({ statusCode: 204, headers: {} });

/** Correlation id per invocation (set before the handler, read by it and by the answer). */
const correlationIds = new WeakMap<Context, string>();

/**
 * Finds the request's correlation id — the caller's `X-Correlation-Id`, or else API Gateway's
 * request id — puts it on every log line (Powertools' `correlation_id`) and the trace, and echoes
 * it on the answer, errors included. A malformed header is refused, but its answer still carries
 * the request id.
 */
const correlation = {
  before: async ({ event, context }: { event: Event; context: Context }) => {
    const given = event.headers?.[correlationHeader];
    const valid = given === undefined || isValidCorrelationId(given);
    const id = valid && given !== undefined ? given : requestIdOf(event, context);
    correlationIds.set(context, id);
    logger.setCorrelationId(id);
    tracer.putAnnotation('correlationId', id);
    if (!valid)
      throw new ValidationError(
        'the X-Correlation-Id header must be 1 to 128 printable ASCII characters without spaces',
        [{ field: 'X-Correlation-Id', message: 'must be 1 to 128 printable ASCII characters without spaces' }],
      );
  },
  after: async (request: { context: Context; response: Result | undefined }) => echoCorrelationId(request),
  onError: async (request: { context: Context; response: Result | undefined }) => echoCorrelationId(request),
};

const requestIdOf = (event: Event, context: Context): string => event.requestContext?.requestId || context.awsRequestId;

function echoCorrelationId(request: { context: Context; response: Result | undefined }): void {
  const id = correlationIds.get(request.context);
  if (id && request.response) request.response.headers = { ...request.response.headers, [correlationHeader]: id };
}

/** The route the event was sent to: its documented body and path parameters are the rules. */
function routeOf(event: Event): Route {
  const route = servedRoute(event.routeKey);
  if (!route) throw new Error(`no route ${event.routeKey} among the routes this function serves`);
  return route;
}

/** The path parameters, each checked against the schema the OpenAPI document shows for its name. */
function checkedPathParameters(
  route: Route,
  given: Record<string, string | undefined> | undefined,
): Record<string, string> {
  const checked: Record<string, string> = {};
  for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) {
    const schema = pathParameterSchemas[name as keyof typeof pathParameterSchemas];
    if (!schema)
      throw new Error(`path parameter {${name}} of ${routeKey(route)} has no schema in pathParameterSchemas`);
    const parsed = schema.safeParse(given?.[name!] ?? '');
    if (!parsed.success) {
      const message = parsed.error.issues[0]?.message ?? 'not valid';
      throw new ValidationError(`the path parameter ${name} is not valid: ${message}`, [{ field: name!, message }]);
    }
    checked[name!] = parsed.data;
  }
  return checked;
}

interface HandlerOptions {
  /** Admins only: others get 403 (shared/admin.ts). */
  admin?: boolean;
  /** A public route (`auth: 'none'`): no tenant. */
  public?: boolean;
}

/**
 * Wraps a route's logic with tenancy, request checks, logging, tracing, a correlation id and
 * problem+json errors. In order: 401 (no tenant), 403 (not an admin), 400 (path parameters),
 * 415/400/413 (the body), then the route.
 */
export function httpHandler(fn: (request: ApiRequest) => Promise<Result>, options: HandlerOptions = {}) {
  const base = async (event: Event, context: Context): Promise<Result> => {
    const route = routeOf(event);
    const tenantId = options.public ? '' : tenantOf(event);
    if (options.admin) assertAdmin(event);
    const request: ApiRequest = {
      tenantId,
      pathParameters: checkedPathParameters(route, event.pathParameters),
      body: await readRequestBody(route, event),
      query: event.queryStringParameters ?? {},
      headers: event.headers ?? {},
      routeKey: event.routeKey,
      route,
      answerBy: Date.now() + context.getRemainingTimeInMillis() - answerMarginMs,
    };
    // Records created while serving the request carry its correlation id (core/records/store.ts).
    const correlationId = correlationIds.get(context) ?? context.awsRequestId;
    // Routes marked `idempotent` replay the first answer to a retried Idempotency-Key.
    return withCorrelationId(correlationId, () => withIdempotency(request, context, () => fn(request)));
  };
  const wrapped = middy(base)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(correlation)
    .use({
      onError: async (request) => {
        const { problem, unexpected } = toProblem(request.error, request.context.awsRequestId);
        if (unexpected) logger.error('request failed', { error: request.error as Error });
        request.response = problemResponse(problem);
        // A used-up quota says when to come back (RFC 9110 Retry-After).
        if (request.error instanceof QuotaExceededError)
          request.response.headers = {
            ...request.response.headers,
            'retry-after': String(request.error.retryAfterSeconds),
          };
      },
    });
  // The last resort: should a middleware itself fail, the caller still gets a problem, not a crashed instance.
  return async (event: Event, context: Context): Promise<Result> => {
    try {
      return await wrapped(event, context);
    } catch (error) {
      logger.error('request failed outside the error handler', { error: error as Error });
      const answer = problemResponse(toProblem(error, context.awsRequestId).problem);
      const id = correlationIds.get(context) ?? requestIdOf(event, context);
      return { ...answer, headers: { ...answer.headers, [correlationHeader]: id } };
    }
  };
}
