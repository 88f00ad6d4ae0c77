/**
 * A plain (ustar) tar of files, produced on the fly and at random: its size is known from the
 * files' sizes before the first byte, and any byte range can be produced again (to retry or resume
 * a part) without staging the archive on disk or in memory. Headers are fixed (mode, owner, a zero
 * mtime), so the same files always give the same bytes. Browser-safe: a file is anything that
 * can hand out a byte range (a Blob, or a file on disk through `@elastic-caffe/sdk/node`).
 */
import type { ByteSource, Chunk } from './source';

export interface TarFile {
  /** Path inside the archive, `/`-separated (e.g. `cat/001.png`). */
  path: string;
  size: number;
  /** The file's bytes from `start` to `end` (exclusive). */
  read(start: number, end: number): Blob | AsyncIterable<Chunk>;
}

const block = 512;
const encoder = new TextEncoder();
const maxSize = 8 ** 11 - 1; // the largest size 11 octal digits hold (8 GiB - 1)

type Segment = { start: number; header: string; size: number; file?: TarFile };

function octal(field: Uint8Array, offset: number, length: number, value: number): void {
  field.set(encoder.encode(value.toString(8).padStart(length - 1, '0')), offset);
}

/** Where a path goes in a ustar header: `name` (≤ 100 bytes) and `prefix` (≤ 155 bytes), split at a slash. */
function splitPath(path: string): { name: Uint8Array; prefix: Uint8Array } {
  const bytes = encoder.encode(path);
  if (bytes.length <= 100) return { name: bytes, prefix: new Uint8Array() };
  for (let i = path.length - 1; i > 0; i--) {
    if (path[i] !== '/') continue;
    const prefix = encoder.encode(path.slice(0, i));
    const name = encoder.encode(path.slice(i + 1));
    if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return { name, prefix };
  }
  throw new Error(
    `the path "${path}" is too long for a plain tar (at most 100 bytes after the last slash and 155 before it)`,
  );
}

/** One ustar header block. */
export function ustarHeader(path: string, size: number, directory: boolean): Uint8Array {
  const header = new Uint8Array(block);
  const { name, prefix } = splitPath(path);
  header.set(name, 0);
  octal(header, 100, 8, directory ? 0o755 : 0o644);
  octal(header, 108, 8, 0); // uid
  octal(header, 116, 8, 0); // gid
  octal(header, 124, 12, size);
  octal(header, 136, 12, 0); // mtime: fixed, so the bytes never depend on when the files were touched
  header.set(encoder.encode('        '), 148); // the checksum counts its own field as spaces
  header[156] = (directory ? '5' : '0').charCodeAt(0);
  header.set(encoder.encode('ustar\u000000'), 257);
  header.set(prefix, 345);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  header.set(encoder.encode(`${checksum.toString(8).padStart(6, '0')}\u0000 `), 148);
  return header;
}

const padded = (size: number) => Math.ceil(size / block) * block;

/** A tar of the files (sorted by path, folders made explicit) as a ByteSource. */
export function tarSource(files: TarFile[], name?: string): ByteSource {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const segments: Segment[] = [];
  const folders = new Set<string>();
  let offset = 0;
  for (const file of sorted) {
    if (file.size > maxSize) throw new Error(`${file.path} is ${file.size} bytes; a plain tar holds files below 8 GiB`);
    const parts = file.path.split('/');
    for (let depth = 1; depth < parts.length; depth++) {
      const folder = `${parts.slice(0, depth).join('/')}/`;
      if (folders.has(folder)) continue;
      folders.add(folder);
      splitPath(folder);
      segments.push({ start: offset, header: folder, size: 0 });
      offset += block;
    }
    splitPath(file.path);
    segments.push({ start: offset, header: file.path, size: file.size, file });
    offset += block + padded(file.size);
  }
  const size = offset + 2 * block; // two zero blocks end the archive
  return {
    size,
    ...(name ? { name } : {}),
    read: (start, end) => readRange(segments, size, start, end),
  };
}

async function* readRange(segments: Segment[], size: number, start: number, end: number): AsyncGenerator<Chunk> {
  let position = start;
  // The first segment that ends after `start` (segments are in order).
  let i = segments.findIndex((s) => s.start + block + padded(s.size) > start);
  if (i < 0) i = segments.length;
  for (; i < segments.length && position < end; i++) {
    const segment = segments[i]!;
    const dataStart = segment.start + block;
    if (position < dataStart) {
      const header = ustarHeader(segment.header, segment.size, !segment.file);
      yield header.subarray(position - segment.start, Math.min(end, dataStart) - segment.start);
      position = Math.min(end, dataStart);
    }
    const dataEnd = dataStart + segment.size;
    if (segment.file && position < end && position < dataEnd) {
      const to = Math.min(end, dataEnd);
      const body = segment.file.read(position - dataStart, to - dataStart);
      if (body instanceof Blob) yield body;
      else yield* body;
      position = to;
    }
    const paddingEnd = dataStart + padded(segment.size);
    if (position < end && position < paddingEnd) {
      const to = Math.min(end, paddingEnd);
      yield new Uint8Array(to - position);
      position = to;
    }
  }
  if (position < Math.min(end, size)) yield new Uint8Array(Math.min(end, size) - position);
}
