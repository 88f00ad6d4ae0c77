/**
 * How the local S3 writes bytes. Two things s3rver 3.7 does not do as S3 does, or fast enough:
 *
 * - Atomic puts. s3rver writes a PutObject's bytes straight into the object's file, so a reader
 *   during the write sees it truncated (a growing job log read while the worker replaces it
 *   answered InvalidRange, or half its lines). S3 replaces an object atomically: readers see the
 *   old object or the new one, never part of one. This writes the bytes to a temporary file beside
 *   the object and renames it into place, then stores s3rver's metadata as s3rver does.
 * - Buffered writes. s3rver pipes the request into a file stream with Node's default 16 KiB
 *   buffers, so each 64 KiB the socket delivers waits for its file write to come back from the
 *   thread pool before the next is read: the server's one thread idled while the sender waited, and
 *   how long depended on the sender's timing (a Node client's PUT ran at 0.88× curl's). With a few
 *   MiB buffered, the file stream writes what has piled up in one writev while the socket is read
 *   on: 1 GiB PUTs ran a third faster in bench:cli, and a Node client's as fast as curl's
 *   (docs/BENCHMARKS.md, "The local S3's write buffers"). Multipart parts are written the same way.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Bytes a PUT may have in flight between the socket and its file. */
const writeBufferBytes = 8 * 1024 * 1024;

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | Readable;
  metadata: Record<string, string>;
}

/** The part of s3rver's filesystem store this replaces and uses. */
export interface AtomicPutStore {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
  putPart(
    bucket: string,
    uploadId: string,
    partNumber: number,
    content: Readable,
  ): Promise<{ size: number; md5: string }>;
}

/** Writes `content` to `file`, buffered, and answers its size and MD5 (s3rver's ETag). */
async function writeCounted(content: Buffer | Readable, file: string): Promise<{ size: number; md5: string }> {
  const md5 = createHash('md5');
  let size = 0;
  const count = new Transform({
    highWaterMark: writeBufferBytes,
    transform(chunk: Buffer, _encoding, done) {
      md5.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  const source = Buffer.isBuffer(content) ? [content] : content;
  await pipeline(source, count, createWriteStream(file, { highWaterMark: writeBufferBytes }));
  return { size, md5: md5.digest('hex') };
}

export function makePutsAtomic(s3rver: { store: AtomicPutStore }): void {
  const store = s3rver.store;
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true });
    // Not s3rver's suffix, so a listing never shows it.
    const temporary = `${objectPath}.${randomBytes(6).toString('hex')}.writing`;
    let written: { size: number; md5: string };
    try {
      written = await writeCounted(object.content, temporary);
      await rename(temporary, objectPath);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await store.putMetadata(object.bucket, object.key, object.metadata, written.md5);
    return written;
  };
  // s3rver's own putPart also answered once its hash had seen the bytes, before they were in the file.
  store.putPart = async (bucket, uploadId, partNumber, content) => {
    const partPath = path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId, String(partNumber));
    await mkdir(path.dirname(partPath), { recursive: true });
    const written = await writeCounted(content, partPath);
    await writeFile(`${partPath}.md5`, written.md5); // the part's ETag, read by ListParts (s3-multipart.ts)
    return written;
  };
}
