/**
 * Fetching a tenant-supplied URL without letting it reach what it must not (SSRF). Every address
 * the host name resolves to is checked, and the connection is made to exactly those checked
 * addresses (the lookup hands them to the socket), so a DNS answer that changes between check and
 * connect cannot redirect it. Redirects are followed by hand, each target checked again; size
 * and time are capped. Only the worker calls this: API functions never fetch tenant URLs.
 */
import { createWriteStream } from 'node:fs';
import { rename } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { addressProblem, checkUrl, UrlRefused, type UrlPolicy } from './url-guard';

export interface FetchLimits {
  maxBytes: number;
  timeoutMs: number;
  maxRedirects?: number;
}

/** A fetch that failed; `permanent` when asking again cannot help (refused URL, 4xx, too large). */
export class FetchFailed extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'FetchFailed';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

type Resolver = (
  hostname: string,
  options: { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/** A `lookup` for http.request that refuses the host if any of its addresses is forbidden. */
export function checkedLookup(field: string, url: string, policy: UrlPolicy, resolve: Resolver = dnsLookup) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const problem = addressProblem(address, policy);
        if (problem) return callback(new UrlRefused(field, url, `${hostname} resolves to ${address}: ${problem}`), []);
      }
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: 'ENOTFOUND' }), []);
      if (options.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

function requestOnce(field: string, url: URL, policy: UrlPolicy, signal: AbortSignal): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        lookup: checkedLookup(field, url.href, policy) as never,
        signal,
        headers: { 'user-agent': 'elastic-caffe-import' },
      },
      resolve,
    );
    request.on('error', reject);
  });
}

/** Opens the URL, following up to `maxRedirects` redirects, each re-checked; answers the 2xx response. */
async function open(
  field: string,
  raw: string,
  policy: UrlPolicy,
  limits: FetchLimits,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  let url: URL;
  try {
    url = checkUrl(field, raw, policy);
  } catch (error) {
    throw new FetchFailed((error as Error).message, true);
  }
  for (let redirects = 0; ; redirects++) {
    let response: IncomingMessage;
    try {
      response = await requestOnce(field, url, policy, signal);
    } catch (error) {
      if (error instanceof UrlRefused) throw new FetchFailed(error.message, true);
      if (signal.aborted)
        throw new FetchFailed(`fetching ${field} ${raw} took longer than ${limits.timeoutMs / 1000} s`, true);
      const code = (error as NodeJS.ErrnoException).code;
      throw new FetchFailed(`could not fetch ${field} ${url.href}: ${(error as Error).message}`, code === 'ENOTFOUND');
    }
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      if (redirects >= (limits.maxRedirects ?? 5))
        throw new FetchFailed(`${field} ${raw} redirects more than ${limits.maxRedirects ?? 5} times`, true);
      try {
        url = checkUrl(field, new URL(response.headers.location, url).href, policy);
      } catch (error) {
        throw new FetchFailed(
          `${field} ${raw} redirects to ${response.headers.location}, which is refused: ${(error as Error).message}`,
          true,
        );
      }
      continue;
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new FetchFailed(
        `${field} ${url.href} answered HTTP ${status}`,
        status < 500 && status !== 429 && status !== 408,
      );
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      response.destroy();
      throw new FetchFailed(`${field} ${url.href} is ${declared} bytes, above the limit of ${limits.maxBytes}`, true);
    }
    return response;
  }
}

/**
 * Counts bytes as they pass and fails the stream once they exceed the limit (a missing or false Content-Length cannot
 * slip through).
 */
function byteCap(field: string, maxBytes: number): Transform & { bytes: number } {
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      cap.bytes += chunk.length;
      if (cap.bytes > maxBytes)
        callback(new FetchFailed(`${field} is larger than the limit of ${maxBytes} bytes`, true));
      else callback(null, chunk);
    },
  }) as Transform & { bytes: number };
  cap.bytes = 0;
  return cap;
}

function deadline(limits: FetchLimits, stopping?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  return stopping ? AbortSignal.any([timeout, stopping]) : timeout;
}

/** Downloads the URL to `file` (via a temporary name); returns its size. */
export async function downloadUrl(
  field: string,
  raw: string,
  file: string,
  policy: UrlPolicy,
  limits: FetchLimits,
  stopping?: AbortSignal,
): Promise<number> {
  const signal = deadline(limits, stopping);
  const response = await open(field, raw, policy, limits, signal);
  const cap = byteCap(`${field} ${raw}`, limits.maxBytes);
  const partial = `${file}.partial`;
  try {
    await pipeline(response, cap, createWriteStream(partial), { signal });
  } catch (error) {
    if (error instanceof FetchFailed) throw error;
    throw new FetchFailed(`fetching ${field} ${raw} failed: ${(error as Error).message}`, false);
  }
  await rename(partial, file);
  return cap.bytes;
}

/** Fetches the URL as UTF-8 text (small documents such as prototxt). */
export async function fetchText(
  field: string,
  raw: string,
  policy: UrlPolicy,
  limits: FetchLimits,
  stopping?: AbortSignal,
): Promise<string> {
  const signal = deadline(limits, stopping);
  const response = await open(field, raw, policy, limits, signal);
  const cap = byteCap(`${field} ${raw}`, limits.maxBytes);
  const chunks: Buffer[] = [];
  try {
    await pipeline(
      response,
      cap,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) chunks.push(chunk);
        yield* [];
      },
      { signal },
    );
  } catch (error) {
    if (error instanceof FetchFailed) throw error;
    throw new FetchFailed(`fetching ${field} ${raw} failed: ${(error as Error).message}`, false);
  }
  return Buffer.concat(chunks).toString('utf8');
}
