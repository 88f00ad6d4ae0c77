/**
 * Object keys and presigned URLs. Every key lives under `tenants/<tenantId>/`, and URLs are only
 * ever minted from these builders, so a tenant can never be handed a URL outside its own prefix.
 */
import { config } from './config';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { s3Sdk } from './aws/clients';
import type { Collection } from './collections';
import { samplesIndexName } from './dataset-samples';
import { datafileObjectName, presignedUrlSeconds, tenantObjectsPrefix } from './topology';

export const bucket = (): string => config.bucket();

/** The folder of one record's objects. */
export const recordPrefix = (tenantId: string, collection: Collection, id: string): string =>
  `${tenantObjectsPrefix}${tenantId}/${collection}/${id}/`;

export const keys = {
  datafile: (tenantId: string, id: string) => `${recordPrefix(tenantId, 'datafiles', id)}${datafileObjectName}`,
  datasetLmdb: (tenantId: string, id: string, side: 'training' | 'testing') =>
    `${recordPrefix(tenantId, 'datasets', id)}${side}-lmdb/data.mdb`,
  /** One side's LevelDB folder as a tar (datasets from leveldb datafiles). */
  datasetLeveldb: (tenantId: string, id: string, side: 'training' | 'testing') =>
    `${recordPrefix(tenantId, 'datasets', id)}${side}-leveldb.tar`,
  /** One side's images and list file for ImageData layers (container/worker/formats/image-archive.ts). */
  datasetImages: (tenantId: string, id: string, side: 'training' | 'testing') =>
    `${recordPrefix(tenantId, 'datasets', id)}${side}-images.tar`,
  /** A side's mean image (compute_image_mean's binaryproto): the training one always, the testing one on request. */
  datasetMean: (tenantId: string, id: string, side: 'training' | 'testing' = 'training') =>
    `${recordPrefix(tenantId, 'datasets', id)}${side === 'training' ? '' : 'testing-'}mean.binaryproto`,
  /** The index of a dataset's sample thumbnails (core/dataset-samples.ts). */
  datasetSamplesIndex: (tenantId: string, id: string) => `${recordPrefix(tenantId, 'datasets', id)}${samplesIndexName}`,
  /** One sample thumbnail of a dataset, by the file name its index gives (`samples/0003-07.png`). */
  datasetSample: (tenantId: string, id: string, file: string) => `${recordPrefix(tenantId, 'datasets', id)}${file}`,
  jobLog: (tenantId: string, id: string) => `${recordPrefix(tenantId, 'training-jobs', id)}caffe.log`,
  jobModel: (tenantId: string, id: string) => `${recordPrefix(tenantId, 'training-jobs', id)}model.caffemodel`,
  jobSnapshots: (tenantId: string, id: string) => `${recordPrefix(tenantId, 'training-jobs', id)}snapshots/`,
  /** One snapshot file (`…_iter_N.caffemodel` / `.solverstate`) under the job's snapshots. */
  jobSnapshot: (tenantId: string, id: string, fileName: string) =>
    `${recordPrefix(tenantId, 'training-jobs', id)}snapshots/${fileName}`,
  jobFile: (tenantId: string, id: string, name: string) => `${recordPrefix(tenantId, 'training-jobs', id)}${name}`,
  /** A classify job's uploaded images (named like a datafile's, so the same upload notification reports it). */
  classifyJobArchive: (tenantId: string, id: string) =>
    `${recordPrefix(tenantId, 'classify-jobs', id)}${datafileObjectName}`,
  classifyJobResults: (tenantId: string, id: string) => `${recordPrefix(tenantId, 'classify-jobs', id)}results.json`,
};

/** Parses `tenants/<tenant>/<collection>/<id>/<rest>`; undefined for anything else. */
export function parseKey(key: string): { tenantId: string; collection: string; id: string; rest: string } | undefined {
  const match = /^tenants\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/.exec(key);
  if (!match) return undefined;
  const [, tenantId, collection, id, rest] = match as unknown as [string, string, string, string, string];
  return { tenantId, collection, id, rest };
}

function assertTenantKey(tenantId: string, key: string): void {
  if (!key.startsWith(`${tenantObjectsPrefix}${tenantId}/`))
    throw new Error(`refusing to presign ${key} for tenant ${tenantId}`);
}

/** A presigned PUT for an upload straight to S3 (never through a Lambda). */
export async function presignUpload(
  tenantId: string,
  key: string,
): Promise<{ url: string; method: 'PUT'; headers: Record<string, string> }> {
  assertTenantKey(tenantId, key);
  const { client, sdk } = await s3Sdk();
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const url = await getSignedUrl(client, new sdk.PutObjectCommand({ Bucket: bucket(), Key: key }), {
    expiresIn: presignedUrlSeconds,
  });
  return { url, method: 'PUT', headers: {} };
}

/**
 * A presigned GET for a download: an attachment named `fileName` if given, valid `expiresInSeconds`
 * (default: as long as every other presigned URL).
 */
export async function presignDownload(
  tenantId: string,
  key: string,
  fileName?: string,
  expiresInSeconds = presignedUrlSeconds,
): Promise<string> {
  assertTenantKey(tenantId, key);
  const disposition = fileName ? `attachment; filename="${fileName}"` : undefined;
  const { client, sdk } = await s3Sdk();
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  return getSignedUrl(
    client,
    new sdk.GetObjectCommand({ Bucket: bucket(), Key: key, ResponseContentDisposition: disposition }),
    { expiresIn: expiresInSeconds },
  );
}

/** The object's size, or undefined if it does not exist. */
export async function objectSize(key: string): Promise<number | undefined> {
  const { client, sdk } = await s3Sdk();
  try {
    const head = await client.send(new sdk.HeadObjectCommand({ Bucket: bucket(), Key: key }));
    return head.ContentLength ?? 0;
  } catch (error) {
    if (error instanceof sdk.NotFound || (error as { name?: string }).name === 'NotFound') return undefined;
    throw error;
  }
}

/** The object as text, or undefined if it does not exist. */
export async function readText(key: string): Promise<string | undefined> {
  try {
    return (await collect(objectChunks(key))).toString('utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

const isMissing = (error: unknown) => (error as { name?: string }).name === 'NoSuchKey';

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const all: Buffer[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

/** Socket errors of a response body that end it early: the read is resumed where it stopped. */
const resumable = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const readAttempts = 4;

/**
 * The bytes of an object (or of `[start, end]`), chunk by chunk (NoSuchKey if it does not exist). The
 * SDK retries a request that fails, not a response body cut off half-way (a connection reset
 * under load): that is resumed here from the byte it stopped at, only while the object is the
 * same one (If-Match on its ETag).
 */
async function* objectChunks(key: string, range?: { start: number; end: number }): AsyncGenerator<Buffer> {
  let offset = range?.start ?? 0;
  let etag: string | undefined;
  const { client, sdk } = await s3Sdk();
  for (let attempt = 1; ; attempt++) {
    const resuming = offset !== (range?.start ?? 0);
    let body: Readable;
    try {
      const object = await client.send(
        new sdk.GetObjectCommand({
          Bucket: bucket(),
          Key: key,
          ...(range || resuming ? { Range: `bytes=${offset}-${range?.end ?? ''}` } : {}),
          ...(resuming && etag ? { IfMatch: etag } : {}),
        }),
      );
      etag ??= object.ETag;
      body = object.Body as Readable;
    } catch (error) {
      if (resuming && (error as { name?: string }).name === 'PreconditionFailed')
        throw new Error(`${key} changed while it was being read`);
      throw error;
    }
    try {
      for await (const chunk of body) {
        offset += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
      return;
    } catch (error) {
      if (attempt >= readAttempts || !resumable.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

/** Every object under a prefix (paginated listing, collected). */
export async function listObjects(prefix: string): Promise<Array<{ key: string; bytes: number }>> {
  const objects: Array<{ key: string; bytes: number }> = [];
  let token: string | undefined;
  const { client, sdk } = await s3Sdk();
  do {
    const page = await client.send(
      new sdk.ListObjectsV2Command({ Bucket: bucket(), Prefix: prefix, ContinuationToken: token }),
    );
    for (const item of page.Contents ?? []) if (item.Key) objects.push({ key: item.Key, bytes: item.Size ?? 0 });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Bytes `[start, end]` (inclusive) of an object; the caller knows the object is that long. */
export async function readRange(key: string, start: number, end: number): Promise<Buffer> {
  return collect(objectChunks(key, { start, end }));
}

/**
 * Deletes every object under a record's prefix (one DeleteObject each: the batch call needs a
 * Content-MD5 the local emulator does not check the same way, and a record has few objects).
 * Refuses any prefix outside the tenant's own.
 */
export async function deleteRecordObjects(tenantId: string, collection: Collection, id: string): Promise<number> {
  const prefix = recordPrefix(tenantId, collection, id);
  const objects = await listObjects(prefix);
  const { client, sdk } = await s3Sdk();
  for (const object of objects) await client.send(new sdk.DeleteObjectCommand({ Bucket: bucket(), Key: object.key }));
  return objects.length;
}

/** The object's lines, streamed (a long log is never held whole); nothing when it does not exist. */
export async function* readLines(key: string): AsyncGenerator<string> {
  const chunks = objectChunks(key);
  // The first chunk tells a missing object (no lines) from a failing read.
  let first: IteratorResult<Buffer>;
  try {
    first = await chunks.next();
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  if (first.done) return;
  const rest = async function* () {
    yield first.value;
    yield* chunks;
  };
  yield* createInterface({ input: Readable.from(rest()), crlfDelay: Infinity });
}
