/**
 * The fetch every API call goes through: an Idempotency-Key on creates (so a retry never creates
 * twice), the auth provider, and retries — network errors, 429, 502, 503 and 504, with backoff that
 * honours Retry-After — then one more try with fresh credentials after a 401.
 */
import type { AuthProvider } from './auth';
import { NetworkError } from './errors';
import { idempotentOperations } from './generated/operations';
import { backoffMs, retryAfterSeconds, sleep } from './sleep';

export interface RetryOptions {
  /** Tries in all, the first included (default 5). */
  attempts?: number;
  /** First backoff step (default 250 ms); it doubles up to `maxDelayMs`. */
  baseDelayMs?: number;
  /** Longest backoff between tries (default 8 s). */
  maxDelayMs?: number;
  /** A Retry-After longer than this is not waited for: the answer is returned (default 30 s). */
  maxRetryAfterSeconds?: number;
}

/** Every answer, for logging or checking (tests validate them against the OpenAPI document). */
export type ResponseObserver = (answer: { request: Request; response: Response }) => void | Promise<void>;

export interface TransportOptions {
  auth?: AuthProvider;
  fetch?: typeof fetch;
  /** `false`: no retries (every answer is returned as it came). */
  retry?: RetryOptions | false;
  onResponse?: ResponseObserver;
}

const retriedStatuses = new Set([429, 502, 503, 504]);
const idempotent = idempotentOperations.map((key) => {
  const [method, template] = key.split(' ') as [string, string];
  return { method, pattern: new RegExp(`/${template.slice(1).replace(/\{[^}]+\}/g, '[^/]+')}$`) };
});

/** True when the request creates something and the API honours Idempotency-Key for it. */
export const takesIdempotencyKey = (method: string, url: string): boolean =>
  idempotent.some((op) => op.method === method && op.pattern.test(new URL(url).pathname));

// openapi-fetch's answers do not carry the request's method; ApiError names it, so it is remembered here.
const methods = new WeakMap<Response, string>();
/** The method of the request a response answers (for messages). */
export const methodOf = (response: Response): string => methods.get(response) ?? 'request';

const randomKey = (): string => globalThis.crypto.randomUUID();

/** A fetch for openapi-fetch (and the SDK's own calls) with the behaviour described above. */
export function apiFetch(options: TransportOptions): (input: Request) => Promise<Response> {
  const send = options.fetch ?? globalThis.fetch;
  const retry = options.retry === false ? { attempts: 1 } : (options.retry ?? {});
  const attempts = retry.attempts ?? 5;
  const maxRetryAfter = retry.maxRetryAfterSeconds ?? 30;
  return async (input) => {
    let request = input;
    if (takesIdempotencyKey(request.method, request.url) && !request.headers.has('idempotency-key')) {
      const headers = new Headers(request.headers);
      headers.set('idempotency-key', randomKey());
      request = new Request(request, { headers });
    }
    let reauthorized = false;
    for (let attempt = 0; ; attempt++) {
      const signal = request.signal;
      let response: Response;
      try {
        const authorized = options.auth ? await options.auth.authorize(request.clone()) : request.clone();
        response = await send(authorized);
      } catch (error) {
        if (signal.aborted || attempt + 1 >= attempts)
          throw signal.aborted ? error : new NetworkError(request.url, error);
        await sleep(backoffMs(attempt, retry.baseDelayMs ?? 250, retry.maxDelayMs ?? 8000), signal);
        continue;
      }
      if (response.status === 401 && options.auth?.invalidate && !reauthorized) {
        reauthorized = true;
        options.auth.invalidate();
        attempt--;
        continue;
      }
      const wait = retryAfterSeconds(response.headers.get('retry-after'));
      if (retriedStatuses.has(response.status) && attempt + 1 < attempts && (wait ?? 0) <= maxRetryAfter) {
        await response.body?.cancel();
        await sleep(
          wait !== undefined ? wait * 1000 : backoffMs(attempt, retry.baseDelayMs ?? 250, retry.maxDelayMs ?? 8000),
          signal,
        );
        continue;
      }
      methods.set(response, request.method);
      await options.onResponse?.({ request, response });
      return response;
    }
  };
}
