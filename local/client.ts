/**
 * A small client for the HTTP API, used by the demo, the end-to-end tests and the benchmarks —
 * everything they do goes through the public API exactly as a user's code would.
 */
import { readFile } from 'node:fs/promises';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    method: string,
    path: string,
  ) {
    super(`${method} ${path} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

type Json = Record<string, unknown>;

/**
 * Tests set ELASTIC_CAFFE_VALIDATE_RESPONSES=1 to check every answer against the OpenAPI document;
 * loaded only then, so the demo and benchmarks never load the validator (a dev dependency).
 */
function checkAgainstOpenApi(answer: { method: string; path: string; status: number; contentType: string; body: unknown }): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional, test-only module
  (require('../test/support/validate-responses') as typeof import('../test/support/validate-responses')).validateResponse(answer);
}

export class ElasticCaffeClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string,
  ) {}

  /** Calls the API; non-2xx answers throw ApiError with the problem body. */
  async request<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const parsed = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    if (process.env.ELASTIC_CAFFE_VALIDATE_RESPONSES === '1') checkAgainstOpenApi({ method, path, status: response.status, contentType: response.headers.get('content-type') ?? '', body: parsed });
    if (!response.ok) throw new ApiError(response.status, parsed, method, path);
    return parsed as T;
  }

  /** Registers a datafile and uploads the archive to the presigned URL it got back. */
  async uploadDatafile(name: string, archive: string): Promise<Json & { id: string }> {
    const data = await readFile(archive);
    const created = await this.request<Json & { id: string; upload: { url: string; method: string; headers: Record<string, string> } }>(
      'POST',
      '/v1/datafiles',
      { name, format: 'image-folders', sizeBytes: data.length },
    );
    const put = await fetch(created.upload.url, { method: created.upload.method, headers: created.upload.headers, body: data });
    if (!put.ok) throw new Error(`upload to ${created.upload.url} failed: ${put.status} ${await put.text()}`);
    return created;
  }

  /** Polls a record until `done(record)` holds, calling `onUpdate` on every change. */
  async waitFor<T extends object>(path: string, done: (record: T) => boolean, options: { timeoutMs?: number; intervalMs?: number; onUpdate?: (record: T) => void } = {}): Promise<T> {
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
