/** What the API shows of a record: storage details (keys, Batch ids, the tenant) stay inside. */
import type { AnyRecord } from '../records/types';

const internal = new Set([
  'tenantId',
  'objectKey',
  'lmdb',
  'leveldb',
  'imageArchives',
  'batchJobId',
  'batchEventRank',
  'dispatchState',
  'dispatchClaimId',
  'dispatchClaimedAt',
  'preparedAt',
  'multipartUploadId',
  'inspectedAt',
  'importedAt',
  'weightsKey',
  'meanKey',
  'correlationId',
  'dispatchError',
]);

export function toView(record: AnyRecord): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (internal.has(key)) continue;
    // The model's S3 key is internal; its size and iteration are useful.
    view[key] = key === 'model' && value ? { iteration: value.iteration, bytes: value.bytes } : value;
  }
  return view;
}
