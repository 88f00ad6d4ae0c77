/**
 * The HTTP handler wrapper: every route is `httpHandler(async (request) => response)`. It parses
 * JSON bodies, finds the caller's tenant in the JWT claims API Gateway verified, and maps every
 * error to problem+json in one place.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpMultipartBodyParser from '@middy/http-multipart-body-parser';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { QuotaExceededError } from '../../core/quotas';
import { assertAdmin } from './admin';
import { withIdempotency } from './idempotency';
import { logger } from './powertools';
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

/** The tenant is the token's subject: API Gateway verified the token before the handler runs. */
function tenantOf(event: Event): string {
  const sub = event.requestContext.authorizer?.jwt?.claims?.sub;
  if (typeof sub !== 'string' || !sub) throw Object.assign(new Error('Unauthorized'), { statusCode: 401 });
  return sub;
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

/** Wraps a route's logic with parsing, tenancy, logging and problem+json errors; `admin` routes also check the caller (shared/admin.ts). */
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
    // Routes marked `idempotent` replay the first answer to a retried Idempotency-Key.
    return withIdempotency(request, context, () => fn(request));
  };
  return middy(base)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
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
