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
 * - Multipart assembly as S3 does it. s3rver completed an upload by streaming its parts through
 *   PutObject: the whole object hashed again and copied in 64 KiB reads, several seconds per GiB
 *   while the client waited on `complete`. S3 hashes no bytes there: a multipart object's ETag is the
 *   MD5 of its parts' MD5s, then "-" and their count. This copies the parts into a temporary file
 *   (the first by the kernel) and renames it into place; the parts stay until it is in place, so a
 *   failed complete can be retried.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
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
  putObjectMultipart(
    bucket: string,
    uploadId: string,
    parts: Array<{ number: number; etag: string }>,
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

/** Copies the part files, in order, into `file`: the first by the kernel, the others appended through large buffers. */
async function concatenate(parts: string[], file: string): Promise<void> {
  const [first, ...rest] = parts;
  if (first === undefined) return void (await writeFile(file, ''));
  await copyFile(first, file);
  for (const part of rest)
    await pipeline(
      createReadStream(part, { highWaterMark: writeBufferBytes }),
      createWriteStream(file, { flags: 'a', highWaterMark: writeBufferBytes }),
    );
}

/** S3's ETag of a multipart object: the MD5 of its parts' binary MD5s, then "-" and how many there are. */
const multipartEtag = (partMd5s: string[]): string =>
  `${createHash('md5')
    .update(Buffer.concat(partMd5s.map((md5) => Buffer.from(md5, 'hex'))))
    .digest('hex')}-${partMd5s.length}`;

export function makePutsAtomic(s3rver: { store: AtomicPutStore }): void {
  const store = s3rver.store;
  /** Writes the object with `write` to a temporary file beside it, renames that into place, then stores metadata. */
  const replace = async (
    bucket: string,
    key: string,
    metadata: Record<string, string>,
    write: (temporary: string) => Promise<{ size: number; md5: string }>,
  ) => {
    const objectPath = store.getResourcePath(bucket, key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true });
    // Not s3rver's suffix, so a listing never shows it.
    const temporary = `${objectPath}.${randomBytes(6).toString('hex')}.writing`;
    let written: { size: number; md5: string };
    try {
      written = await write(temporary);
      await rename(temporary, objectPath);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await store.putMetadata(bucket, key, metadata, written.md5);
    return written;
  };
  store.putObject = (object) =>
    replace(object.bucket, object.key, object.metadata, (temporary) => writeCounted(object.content, temporary));
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const uploadDir = path.join(store.getResourcePath(bucket, undefined, 'uploads'), uploadId);
    const [key, metadata] = await Promise.all([
      readFile(path.join(uploadDir, 'key'), 'utf8'),
      readFile(path.join(uploadDir, 'metadata'), 'utf8').then((text) => JSON.parse(text) as Record<string, string>),
    ]);
    const files = [...parts]
      .sort((a, b) => a.number - b.number)
      .map((part) => path.join(uploadDir, String(part.number)));
    const md5s = await Promise.all(files.map(async (file) => (await readFile(`${file}.md5`, 'utf8')).trim()));
    // s3rver gave an object without a content type this default (its S3Object); so does S3.
    const withType = { 'content-type': 'binary/octet-stream', ...metadata };
    const written = await replace(bucket, key, withType, async (temporary) => {
      await concatenate(files, temporary);
      return { size: (await stat(temporary)).size, md5: multipartEtag(md5s) };
    });
    await rm(uploadDir, { recursive: true, force: true });
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
