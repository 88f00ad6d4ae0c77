/** A raw HTTP call to the local API that is checked against the OpenAPI document like the client's calls. */
import type { ElasticCaffeClient } from '../support/client';
import { validateResponse } from './validate-responses';

export interface RawAnswer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function rawCall(
  api: ElasticCaffeClient,
  method: string,
  urlPath: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? api.token : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${api.baseUrl}${urlPath}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  const body = contentType.includes('json') && text ? JSON.parse(text) : text;
  validateResponse({ method, path: urlPath, status: response.status, contentType, body });
  return { status: response.status, headers: response.headers, body };
}
