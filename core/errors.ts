/**
 * Typed domain errors. The HTTP layer maps them to RFC 9457 problem+json in one place
 * (lambdas/shared/problem.ts); the domain never knows about HTTP.
 */

/** One precise complaint about the request, e.g. a prototxt syntax error at a line and column. */
export interface FieldError {
  field: string;
  message: string;
  line?: number;
  column?: number;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly errors?: FieldError[];
  constructor(detail: string, errors?: FieldError[]) {
    super(detail);
    this.name = new.target.name;
    if (errors) this.errors = errors;
  }
}

export class ValidationError extends DomainError {
  readonly status = 400;
  readonly title = 'Invalid request';
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = 'Not found';
  constructor(what: string, id: string, hint?: string) {
    super(`${what} ${id} does not exist${hint ? `: ${hint}` : ''}`);
  }
}

export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = 'Conflict';
}

/** The request is well-formed but refers to something not in a usable state (e.g. a failed dataset). */
export class UnprocessableError extends DomainError {
  readonly status = 422;
  readonly title = 'Unprocessable request';
}

/** The request (or a part of it) is larger than the operation takes. */
export class PayloadTooLargeError extends DomainError {
  readonly status = 413;
  readonly title = 'Payload too large';
}

/** The body comes in a media type the operation does not take; the detail names the ones it does. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly title = 'Unsupported media type';
}
