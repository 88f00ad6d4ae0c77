/**
 * The one place errors become HTTP: RFC 9457 problem+json, with `errors` for field-level detail.
 * Unknown errors answer 500 without leaking internals; the request id ties the answer to the log.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ZodError } from 'zod';
import { DomainError, type FieldError } from '../../core/errors';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldError[];
}

export function problemResponse(problem: Problem): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: problem.status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(problem),
  };
}

const zodIssues = (error: ZodError): FieldError[] =>
  error.issues.map((issue) => {
    const field = issue.path.join('.') || '(body)';
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    return keys.length
      ? {
          field: keys.map((k) => [...issue.path, k].join('.')).join(', '),
          message: `unknown field${keys.length > 1 ? 's' : ''}`,
        }
      : { field, message: issue.message };
  });

/** An error with an HTTP status of its own (API Gateway's authorizer or Powertools may throw them). */
interface HttpError extends Error {
  statusCode: number;
}
const isHttpError = (error: unknown): error is HttpError =>
  error instanceof Error && typeof (error as HttpError).statusCode === 'number';

/** Maps any thrown value to a problem; `unexpected` is true when it should be logged as a fault. */
export function toProblem(error: unknown, requestId?: string): { problem: Problem; unexpected: boolean } {
  const base = { type: 'about:blank', ...(requestId ? { instance: `urn:request:${requestId}` } : {}) };
  if (error instanceof DomainError)
    return {
      problem: {
        ...base,
        title: error.title,
        status: error.status,
        detail: error.message,
        ...(error.errors ? { errors: error.errors } : {}),
      },
      unexpected: false,
    };
  if (error instanceof ZodError) {
    const errors = zodIssues(error);
    const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    return { problem: { ...base, title: 'Invalid request', status: 400, detail, errors }, unexpected: false };
  }
  if (isHttpError(error) && error.statusCode >= 400 && error.statusCode < 500)
    return {
      problem: { ...base, title: error.message, status: error.statusCode, detail: error.message },
      unexpected: false,
    };
  return {
    problem: {
      ...base,
      title: 'Internal error',
      status: 500,
      detail: 'the request failed unexpectedly; retry, and report the instance id if it persists',
    },
    unexpected: true,
  };
}
