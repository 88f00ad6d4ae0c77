/**
 * Two routes the console uses that the SDK has no method for yet: a dataset's sample images per
 * class (`GET /v1/datasets/{id}/samples`) and the work queue per tenant (`GET /v1/admin/queue`).
 * Both go through the SDK's `request` (same auth and retries); an API without the route (404 for
 * the path) answers `undefined`, and the page says "not available".
 */
import { ApiError, type ElasticCaffe } from '@elastic-caffe/sdk';

/** `GET /v1/datasets/{id}/samples`: a few presigned thumbnails per class. */
export interface DatasetSamples {
  classes: Array<{
    label: string;
    count: number;
    samples: Array<{ url: string; width: number; height: number }>;
  }>;
}

/** `GET /v1/admin/queue`: Batch jobs running and waiting, per tenant. */
export interface AdminQueue {
  tenants: Array<{ tenantId: string; running: number; waiting: number }>;
}

/** The answer's body, undefined when the API has no such route, ApiError for any other refusal. */
async function optionalGet<T>(client: ElasticCaffe, path: string): Promise<T | undefined> {
  const answer = await client.request<T>('GET', path);
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  // A missing record is a 404 too, with a problem naming it; an unknown route is the gateway's own 404
  // (locally "no route for …", on API Gateway a bare {"message":"Not Found"}).
  const detail = (answer.body as { detail?: unknown } | undefined)?.detail;
  if (answer.status === 404 && (typeof detail !== 'string' || /no route/i.test(detail))) return undefined;
  throw new ApiError(answer.status, answer.body, 'GET', path);
}

export const datasetSamples = (client: ElasticCaffe, datasetId: string) =>
  optionalGet<DatasetSamples>(client, `/v1/datasets/${encodeURIComponent(datasetId)}/samples`);

export const adminQueue = (client: ElasticCaffe) => optionalGet<AdminQueue>(client, '/v1/admin/queue');
