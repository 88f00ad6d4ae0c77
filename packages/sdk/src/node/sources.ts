/**
 * Files and folders as upload sources. A file is read as is; a folder (of class sub-folders, or of
 * IDX files, or a database folder) becomes a plain tar produced on the fly from the files' sizes
 * (`tarSource`), never staged on disk or in memory. Hidden files and folders (`.DS_Store`, `.git`)
 * are left out: the service would refuse them as images.
 */
import { statSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { ClassifyImage } from '../classify';
import type { ByteSource, Chunk } from '../source';
import { tarSource, type TarFile } from '../tar';
import { changedWhileUploading, FileRange } from './file-range';

/** Ranges up to this size are read with one `read` call: a stream per small image costs more than the image. */
const singleReadMaxBytes = 1024 * 1024;

/** The bytes [start, end) of a small file range, in one read (a file that shrank is an error, not a short upload). */
async function readSmallRange(file: string, start: number, end: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(end - start);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, start + read);
      if (bytesRead === 0) throw changedWhileUploading(file, start, end, read);
      read += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/** The bytes [start, end) of a file, checked to be all there (a file that shrank is an error, not a short upload). */
async function* fileRange(file: string, start: number, end: number): AsyncGenerator<Chunk> {
  if (end <= start) return;
  if (end - start <= singleReadMaxBytes) return yield await readSmallRange(file, start, end);
  yield* new FileRange(file, start, end);
}

/** A file as is. Its ranges are FileRanges, which nodePut sends from reused buffers (checking every byte came). */
export async function fileSource(file: string): Promise<ByteSource> {
  const { size } = await stat(file);
  return { size, name: path.basename(file), read: (start, end) => new FileRange(file, start, end) };
}

/** Regular files under the folder, as `/`-separated relative paths, sorted; hidden entries left out. */
export async function listFiles(folder: string): Promise<Array<{ relative: string; absolute: string; size: number }>> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: Array<{ relative: string; absolute: string; size: number }> = [];
  for (const entry of entries) {
    const absolute = path.join(entry.parentPath, entry.name);
    const relative = path.relative(folder, absolute).split(path.sep).join('/');
    if (relative.split('/').some((part) => part.startsWith('.'))) continue;
    // Synchronous: thousands of small stats cost milliseconds this way, a round trip each otherwise.
    const info = statSync(absolute); // follows links: their targets are packed as plain files
    if (info.isFile()) files.push({ relative, absolute, size: info.size });
  }
  return files.sort((a, b) => (a.relative < b.relative ? -1 : 1));
}

/** Small files read ahead of the one being sent: reads wait on the disk and the thread pool, not on each other. */
const readAheadFiles = 16;

/**
 * Whole small files, read a few ahead of the tar's position in the (sorted) list. A read that is not
 * of a whole small file, or comes out of order (a retried or resumed part), reads the file itself.
 */
function readingAhead(files: ReadonlyArray<{ absolute: string; size: number }>) {
  const pending = new Map<number, Promise<Buffer>>();
  const small = (index: number) => (files[index]?.size ?? Number.POSITIVE_INFINITY) <= singleReadMaxBytes;
  const start = (index: number) => {
    if (pending.has(index) || !small(index)) return;
    const file = files[index]!;
    const read = readSmallRange(file.absolute, 0, file.size);
    read.catch(() => undefined); // a failure surfaces when the tar reaches this file
    pending.set(index, read);
  };
  return async function* read(index: number, from: number, to: number): AsyncGenerator<Chunk> {
    const file = files[index]!;
    if (from !== 0 || to !== file.size || !small(index) || to === 0) return yield* fileRange(file.absolute, from, to);
    for (const earlier of pending.keys()) if (earlier < index) pending.delete(earlier); // skipped by a resume
    for (let next = index; next <= index + readAheadFiles && next < files.length; next++) start(next);
    const bytes = pending.get(index)!;
    pending.delete(index);
    yield await bytes;
  };
}

export async function folderSource(folder: string): Promise<ByteSource> {
  const listed = await listFiles(folder);
  const read = readingAhead(listed);
  const files: TarFile[] = listed.map((f, index) => ({
    path: f.relative,
    size: f.size,
    read: (start, end) => read(index, start, end),
  }));
  if (!files.length) throw new Error(`${folder} holds no files to upload`);
  return tarSource(files, path.basename(path.resolve(folder)));
}

/** A file as is, or a folder packed as a plain tar on the fly. */
export async function pathSource(target: string): Promise<ByteSource> {
  const info = await stat(target);
  return info.isDirectory() ? folderSource(target) : fileSource(target);
}

/**
 * A stream of known size. It can be read once only, so each part is held in memory until the next
 * is asked for (a retry sends it again); parts must be sent one at a time, in order (`concurrency: 1`,
 * which the Node client sets for streams), and a stream cannot be resumed later.
 */
export function streamSource(stream: Readable | AsyncIterable<Uint8Array>, size: number, name?: string): ByteSource {
  const iterator = (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let position = 0;
  let leftover: Uint8Array = new Uint8Array();
  let last: { start: number; bytes: Promise<Uint8Array> } | undefined;
  const fill = async (start: number, end: number): Promise<Uint8Array> => {
    if (start !== position) throw new Error(`a stream is read in order: asked for byte ${start}, at ${position}`);
    const out = new Uint8Array(end - start);
    for (let filled = 0; filled < out.length; ) {
      if (!leftover.length) {
        const next = await iterator.next();
        if (next.done) throw new Error(`the stream ended at ${start + filled} bytes, before the ${size} announced`);
        leftover = next.value;
      }
      const n = Math.min(leftover.length, out.length - filled);
      out.set(leftover.subarray(0, n), filled);
      leftover = leftover.subarray(n);
      filled += n;
    }
    position = end;
    return out;
  };
  return {
    size,
    ...(name ? { name } : {}),
    read: async function* (start, end) {
      if (last?.start !== start) last = { start, bytes: fill(start, end) };
      yield await last.bytes;
    },
  };
}

const imageExtensions = /\.(png|jpe?g|bmp|gif|webp|tiff?)$/i;

/** Images to classify from files and folders (a folder's images, sorted by path), in the order given. */
export async function imagesFromPaths(targets: string[]): Promise<ClassifyImage[]> {
  const images: ClassifyImage[] = [];
  for (const target of targets) {
    const info = await stat(target);
    const files = info.isDirectory()
      ? (await listFiles(target))
          .filter((f) => imageExtensions.test(f.relative))
          .map((f) => ({ name: path.join(target, f.relative), absolute: f.absolute, size: f.size }))
      : [{ name: target, absolute: target, size: info.size }];
    for (const file of files)
      images.push({ name: file.name, size: file.size, read: (start, end) => fileRange(file.absolute, start, end) });
  }
  return images;
}
