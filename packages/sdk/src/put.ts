/** Sending bytes to a presigned storage URL (never with the API's credentials). */
import type { Chunk } from './source';
import { toBlob } from './source';

export interface PutRequest {
  url: string;
  headers: Record<string, string>;
  body: Blob | AsyncIterable<Chunk>;
  /** Exactly how many bytes the body holds (presigned PUTs need Content-Length). */
  length: number;
  /** Called as bytes leave (at least once, at the end). */
  onBytes?: (count: number) => void;
  signal?: AbortSignal;
}

/** Sends one PUT; resolves when storage accepted it, throws `PutFailed` (or the network error) otherwise. */
export type PutTransport = (request: PutRequest) => Promise<void>;

/** Storage answered a PUT with an error status. */
export class PutFailed extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`storage answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`);
  }
}

/** fetch with a Blob body (a browser sets Content-Length from it); progress is reported per request. */
export const fetchPut =
  (send: typeof fetch = globalThis.fetch): PutTransport =>
  async ({ url, headers, body, length, onBytes, signal }) => {
    const blob = await toBlob(body);
    if (blob.size !== length) throw new Error(`the upload body has ${blob.size} bytes, not the ${length} announced`);
    const response = await send(url, { method: 'PUT', headers, body: blob, ...(signal ? { signal } : {}) });
    if (!response.ok) throw new PutFailed(response.status, await response.text().catch(() => ''));
    onBytes?.(length);
  };
