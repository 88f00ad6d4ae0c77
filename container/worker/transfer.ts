/** Moving files between S3 and the worker's disk. */
import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { s3 } from '../../core/aws/eager-clients';
import { envNames, read } from '../../core/config';
import { bucket } from '../../core/objects';

/**
 * Downloads an object to a file (written to a temp name first, so a partial file is never mistaken for a whole one).
 */
export async function download(key: string, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const object = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  const partial = `${file}.partial`;
  await pipeline(object.Body as Readable, createWriteStream(partial));
  await rename(partial, file);
}

/**
 * Downloads an immutable object (a dataset's LMDB) through a cache directory shared by jobs on the
 * same host, keyed by the object's ETag: the second job on a dataset starts without the transfer.
 */
export async function downloadCached(key: string, cacheDir: string | undefined, file: string): Promise<string> {
  if (!cacheDir) {
    await download(key, file);
    return file;
  }
  const head = await s3().send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
  const tag = (head.ETag ?? 'none').replace(/[^a-zA-Z0-9]/g, '');
  const cached = path.join(cacheDir, key, tag, path.basename(file));
  const hit = await stat(cached).then(
    (s) => s.size === head.ContentLength,
    () => false,
  );
  if (!hit) await download(key, cached);
  return cached;
}

/** S3's smallest part (all but the last) and most parts per upload. */
const minPartBytes = 5 * 1024 * 1024;
const maxParts = 10_000;
/** Default part size: four parts in flight hold 64 MiB of the worker's memory. */
const defaultPartBytes = 16 * 1024 * 1024;

/**
 * The part size for a file: the configured size (≥ S3's 5 MiB minimum), raised so the file fits
 * in 10,000 parts (a 50 GiB datafile needs parts of at least ~5.2 MiB). A file no larger than one
 * part goes up as a single PutObject.
 */
export function uploadPartBytes(fileBytes: number, env: NodeJS.ProcessEnv = process.env): number {
  const wanted = read('uploadPartBytes', env) ?? defaultPartBytes;
  if (wanted < minPartBytes)
    throw new Error(
      `${envNames.uploadPartBytes} must be an integer ≥ ${minPartBytes} (S3's smallest part), not ${wanted}`,
    );
  return Math.max(wanted, Math.ceil(fileBytes / maxParts));
}

/**
 * Uploads a file, with object tags if given; returns its size. A file larger than one part goes up
 * as a multipart upload (S3 refuses a single PUT over 5 GiB; imports may be far larger). The tags
 * travel with the first request (PutObject or CreateMultipartUpload), so no object is ever untagged.
 */
export async function upload(
  file: string,
  key: string,
  contentType = 'application/octet-stream',
  tags?: Record<string, string>,
): Promise<number> {
  const { size } = await stat(file);
  const tagging = tags ? new URLSearchParams(tags).toString() : undefined;
  await new Upload({
    client: s3(),
    partSize: uploadPartBytes(size),
    queueSize: 4,
    leavePartsOnError: false, // a failed upload aborts, so no orphaned parts are billed
    params: {
      Bucket: bucket(),
      Key: key,
      Body: createReadStream(file),
      ContentLength: size,
      ContentType: contentType,
      Tagging: tagging,
    },
  }).done();
  return size;
}

/**
 * Copies an object inside the bucket (server-side: the bytes never travel through the worker
 * again). The copy carries no tags: S3 copies the source's tags by default, and a final model
 * copied from a tagged intermediate snapshot must not expire with it.
 */
export async function copy(fromKey: string, toKey: string): Promise<void> {
  await s3().send(
    new CopyObjectCommand({
      Bucket: bucket(),
      Key: toKey,
      CopySource: `${bucket()}/${encodeURI(fromKey)}`,
      TaggingDirective: 'REPLACE',
    }),
  );
}

/** Uploads bytes held in memory (a small object: one PutObject). */
export async function uploadBytes(bytes: Buffer, key: string, contentType: string): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: bytes, ContentType: contentType }));
}

/** Uploads text. */
export async function uploadText(text: string, key: string): Promise<void> {
  await s3().send(
    new PutObjectCommand({ Bucket: bucket(), Key: key, Body: text, ContentType: 'text/plain; charset=utf-8' }),
  );
}
