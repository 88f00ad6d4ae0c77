/** What the SDK throws: the API's refusals (problem+json), unreachable APIs, and work that ended badly. */

import type { components } from './generated/openapi';

/** RFC 9457 problem details, the body of every refusal (the document's `Problem`). */
export type Problem = components['schemas']['Problem'];
/** One precise complaint about a request; prototxt errors carry the line and column. */
export type FieldError = NonNullable<Problem['errors']>[number];

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Problem).title === 'string' &&
  typeof (body as Problem).status === 'number';

/** The API answered with an error status; `problem` is its problem+json body when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly problem: Problem | undefined;
  /** What the API said, in one line: the problem's title and detail (a problem may have no detail), or the body. */
  readonly summary: string;

  constructor(
    readonly status: number,
    /** The parsed body (problem+json, other JSON, or text). */
    readonly body: unknown,
    readonly method: string,
    readonly path: string,
    /** Seconds the API asked to wait before retrying (Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    const problem = isProblem(body) ? body : undefined;
    const summary = problem
      ? [problem.title, problem.detail].filter(Boolean).join(': ')
      : typeof body === 'string'
        ? body
        : JSON.stringify(body);
    super(`${method} ${path} answered ${status} — ${summary}`);
    this.problem = problem;
    this.summary = summary;
  }

  /** Each bad field the API named (empty when it named none). */
  get errors(): FieldError[] {
    return this.problem?.errors ?? [];
  }
}

/** The API (or a presigned storage URL) could not be reached, after the retries allowed. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly url: string,
    override readonly cause: unknown,
  ) {
    super(
      `could not reach ${new URL(url).origin}: ` +
        (cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)),
    );
  }
}

/** A datafile, dataset, solver, training job or classify job ended `failed` or `cancelled`. */
export class RecordFailedError extends Error {
  override readonly name = 'RecordFailedError';
  constructor(readonly record: { id: string; status?: string; error?: string }) {
    super(`${record.id} ${record.status ?? 'failed'}${record.error ? `: ${record.error}` : ''}`);
  }
}

/** An upload stopped before the service had the whole file; a multipart one can be resumed. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    message: string,
    /** The datafile the upload belongs to. */
    readonly datafileId: string,
    /** Parts already stored stay: `upload(source, { resume: datafileId })` sends only the rest. */
    readonly resumable: boolean,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** The caller's AbortSignal fired. */
export const isAbort = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
