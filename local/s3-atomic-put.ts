/**
 * Atomic object writes for the local S3. s3rver 3.7 writes a PutObject's bytes straight into the
 * object's file, so a reader during the write sees it truncated (a growing job log read while the
 * worker replaces it answered InvalidRange, or half its lines). S3 replaces an object atomically:
 * readers see the old object or the new one, never part of one. This writes the bytes to a
 * temporary file beside the object and renames it into place, then stores s3rver's metadata as
 * s3rver does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

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
}

export function makePutsAtomic(s3rver: { store: AtomicPutStore }): void {
  const store = s3rver.store;
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(path.dirname(objectPath), { recursive: true });
    // Not s3rver's suffix, so a listing never shows it.
    const temporary = `${objectPath}.${randomBytes(6).toString('hex')}.writing`;
    const md5 = createHash('md5');
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      const source = Buffer.isBuffer(object.content) ? [object.content] : object.content;
      await pipeline(source, count, createWriteStream(temporary));
      await rename(temporary, objectPath);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    const digest = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size, md5: digest };
  };
}
