/**
 * The HTTP handler wrapper: every route is `httpHandler(async (request) => response)`. It parses
 * JSON bodies, finds the caller's tenant in the JWT claims API Gateway verified, and maps every
 * error to problem+json in one place.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpMultipartBodyParser from '@middy/http-multipart-body-parser';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { withCorrelationId } from '../../core/correlation';
import { ValidationError } from '../../core/errors';
import { QuotaExceededError } from '../../core/quotas';
import { assertAdmin } from './admin';
import { withIdempotency } from './idempotency';
import { logger, tracer } from './powertools';
import { problemResponse, toProblem } from './problem';

export interface ApiRequest {
  tenantId: string;
  body: unknown;
  pathParameters: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  routeKey: string;
}

type Event = APIGatewayProxyEventV2WithJWTAuthorizer;
type Result = APIGatewayProxyStructuredResultV2;

/**
 * The tenant, as API Gateway verified it before the handler runs: the token's subject (Cognito
 * JWT), or with the IAM authorizer (authMode `iam`) the caller's unique IAM id — `AIDA…` for an
 * IAM user, `AROA…:<session name>` for an assumed role — which, unlike an ARN, never passes to a
 * different principal that reuses a deleted one's name.
 */
export function tenantOf(event: Pick<Event, 'requestContext'>): string {
  const authorizer = event.requestContext.authorizer as (Event['requestContext']['authorizer'] & { iam?: { userId?: unknown } }) | undefined;
  const tenant = authorizer?.jwt?.claims?.sub ?? authorizer?.iam?.userId;
  if (typeof tenant !== 'string' || !tenant) throw Object.assign(new Error('Unauthorized'), { statusCode: 401 });
  return tenant;
}

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const text = (statusCode: number, body: string, headers: Record<string, string> = {}): Result => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/** 204: done, nothing to say (a delete). */
export const noContent = (): Result => ({ statusCode: 204, headers: {} });

/** The header a caller may send to name its request in our logs and events; every answer echoes it. */
export const correlationHeader = 'x-correlation-id';
/** Printable ASCII without spaces: it goes into log lines, events and the worker's log as given. */
const correlationIdPattern = /^[\x21-\x7e]{1,128}$/;

/** Correlation id per invocation (set before the handler, read by it and by the answer). */
const correlationIds = new WeakMap<Context, string>();

/** The caller's `X-Correlation-Id`, or else API Gateway's request id. */
function correlationIdOf(event: Event, context: Context): string {
  const given = event.headers?.[correlationHeader];
  if (given === undefined) return event.requestContext?.requestId || context.awsRequestId;
  if (!correlationIdPattern.test(given))
    throw new ValidationError('the X-Correlation-Id header must be 1 to 128 printable ASCII characters without spaces', [
      { field: 'X-Correlation-Id', message: 'must be 1 to 128 printable ASCII characters without spaces' },
    ]);
  return given;
}

/**
 * Finds the request's correlation id, puts it on every log line (Powertools' `correlation_id`) and
 * the trace, and echoes it on the answer, errors included.
 */
const correlation = {
  before: async (request: { event: Event; context: Context }) => {
    const id = correlationIdOf(request.event, request.context);
    correlationIds.set(request.context, id);
    logger.setCorrelationId(id);
    tracer.putAnnotation('correlationId', id);
  },
  after: async (request: { context: Context; response: Result | undefined }) => echoCorrelationId(request),
  onError: async (request: { context: Context; response: Result | undefined }) => echoCorrelationId(request),
};

function echoCorrelationId(request: { context: Context; response: Result | undefined }): void {
  const id = correlationIds.get(request.context);
  if (id && request.response) request.response.headers = { ...request.response.headers, [correlationHeader]: id };
}

/**
 * Wraps a route's logic with parsing, tenancy, logging, tracing, a correlation id and problem+json
 * errors; `admin` routes also check the caller (shared/admin.ts).
 */
export function httpHandler(fn: (request: ApiRequest) => Promise<Result>, options: { admin?: boolean } = {}) {
  const base = async (event: Event, context: Context): Promise<Result> => {
    if (options.admin) assertAdmin(event);
    const request: ApiRequest = {
      tenantId: tenantOf(event),
      body: event.body,
      pathParameters: event.pathParameters ?? {},
      query: event.queryStringParameters ?? {},
      headers: event.headers ?? {},
      routeKey: event.routeKey,
    };
    // Records created while serving the request carry its correlation id (core/records/store.ts).
    const correlationId = correlationIds.get(context) ?? context.awsRequestId;
    // Routes marked `idempotent` replay the first answer to a retried Idempotency-Key.
    return withCorrelationId(correlationId, () => withIdempotency(request, context, () => fn(request)));
  };
  return middy(base)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(correlation)
    .use({
      before: async (request) => {
        // Only bodies that exist are parsed: GETs have none, and a missing POST body is a 400 from the schema.
        // multipart/form-data (classify's file upload form) is parsed into fields and files instead.
        if (request.event.body !== undefined && /^multipart\/form-data/i.test(request.event.headers?.['content-type'] ?? ''))
          await httpMultipartBodyParser({ busboy: { limits: { fileSize: 8 * 1024 * 1024, files: 64 } } }).before!(request as never);
        else if (request.event.body !== undefined) await httpJsonBodyParser().before!(request as never);
      },
      onError: async (request) => {
        const { problem, unexpected } = toProblem(request.error, request.context.awsRequestId);
        if (unexpected) logger.error('request failed', { error: request.error as Error });
        request.response = problemResponse(problem);
        // A used-up quota says when to come back (RFC 9110 Retry-After).
        if (request.error instanceof QuotaExceededError)
          request.response.headers = { ...request.response.headers, 'retry-after': String(request.error.retryAfterSeconds) };
      },
    });
}
