/**
 * The API client the integration and end-to-end tests grew up with, now a thin layer over the SDK
 * (packages/sdk): `request` by method and path, `uploadDatafile`, and `waitFor` with a predicate.
 * Unlike the SDK's resource methods it never retries (tests assert each answer as it came) and, when
 * ELASTIC_CAFFE_VALIDATE_RESPONSES=1 (jest's setupFiles), checks every answer against the OpenAPI
 * document. New code uses `ElasticCaffe` from `@elastic-caffe/sdk/node` directly.
 */
import { ApiError, ElasticCaffe, staticToken, type ResponseObserver } from '@elastic-caffe/sdk/node';

export { ApiError };

type Json = Record<string, unknown>;

/** Loaded only when asked for, so the demo and benchmarks never load the validator (a dev dependency). */
const checkAgainstOpenApi: ResponseObserver = async ({ request, response }) => {
  if (process.env.ELASTIC_CAFFE_VALIDATE_RESPONSES !== '1') return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, test-only module
  const { validateResponse } = require('./validate-responses') as typeof import('./validate-responses');
  const text = await response.clone().text();
  const contentType = response.headers.get('content-type') ?? '';
  const url = new URL(request.url);
  validateResponse({
    method: request.method,
    path: url.pathname + url.search,
    status: response.status,
    contentType,
    body: contentType.includes('json') && text ? JSON.parse(text) : text,
  });
};

export class ElasticCaffeClient {
  /** The SDK client behind it (same endpoint and token, no retries, answers validated in tests). */
  readonly sdk: ElasticCaffe;

  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {
    this.sdk = new ElasticCaffe({
      endpoint: baseUrl,
      auth: staticToken(token),
      retry: false,
      onResponse: checkAgainstOpenApi,
    });
  }

  /** Calls the API; non-2xx answers throw ApiError with the problem body. */
  async request<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.sdk.request<T>(method, path, body !== undefined ? { body } : {});
    if (answer.status >= 400) throw new ApiError(answer.status, answer.body, method, path);
    return answer.body;
  }

  /**
   * Registers an image-folders datafile and uploads the archive (the SDK's upload: one PUT, or multipart when
   * large).
   */
  async uploadDatafile(name: string, archive: string): Promise<Json & { id: string }> {
    return (await this.sdk.upload(archive, { name, format: 'image-folders' })) as unknown as Json & { id: string };
  }

  /** Polls a record until `done(record)` holds, calling `onUpdate` on every change. */
  async waitFor<T extends object>(
    path: string,
    done: (record: T) => boolean,
    options: { timeoutMs?: number; intervalMs?: number; onUpdate?: (record: T) => void } = {},
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
    let last = '';
    for (;;) {
      const record = await this.request<T>('GET', path);
      const snapshot = JSON.stringify(record);
      if (snapshot !== last) options.onUpdate?.(record);
      last = snapshot;
      if (done(record)) return record;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${path}: ${snapshot}`);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
    }
  }
}
