/**
 * A file's byte range as an upload body. Iterated, it streams fresh chunks like any other body;
 * `nodePut` instead sends it from two buffers it reuses (`sendFileRange`). A fresh 4 MiB buffer per
 * read costs the client a page fault per page it fills, about 1 s of CPU per GiB: on a small machine
 * that CPU is taken from the storage server the bytes go to, and the upload is slower than curl's,
 * which reuses one buffer (docs/BENCHMARKS.md, "The CLI"). The buffers are also placed where the
 * kernel copies into them at full speed (`alignedLike`).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';

/** Iterated ranges stream in chunks of this size (larger chunks measured faster than 1 MiB, docs/BENCHMARKS.md). */
const streamChunkBytes = 4 * 1024 * 1024;
/** Sent ranges are read into these buffers, one filled from the file while the other goes to the socket. */
const sendBufferBytes = 4 * 1024 * 1024;
const sendBuffers = 2;
const pageBytes = 4096;
const wasmPageBytes = 65536;
/** WebAssembly's memory, typed here: this module also compiles where the DOM's types are not loaded. */
const { Memory: WasmMemory } = (
  globalThis as unknown as { WebAssembly: { Memory: new (pages: { initial: number }) => { buffer: ArrayBuffer } } }
).WebAssembly;

/**
 * A buffer whose address has the same offset within a 4 KiB page as `filePosition`. Reading a file
 * copies from page-aligned page-cache pages; when the destination sits a few bytes past the
 * source's offset within a page (as a large `Buffer.allocUnsafe` does: glibc puts it 16 bytes into
 * an mmap'd page), every load waits on the store before it (4K aliasing) and the copy costs about
 * four times as much: 0.55 instead of 0.15 CPU-seconds per GiB here, most of the gap between this
 * PUT and curl's (docs/BENCHMARKS.md, "4K aliasing"). WebAssembly memory is the one page-aligned
 * allocation JavaScript can ask for.
 */
export function alignedLike(filePosition: number, bytes: number): Buffer {
  const offset = filePosition % pageBytes;
  const memory = new WasmMemory({ initial: Math.ceil((offset + bytes) / wasmPageBytes) });
  return Buffer.from(memory.buffer, offset, bytes);
}

export class FileRange implements AsyncIterable<Uint8Array> {
  constructor(
    readonly file: string,
    readonly start: number,
    readonly end: number,
  ) {}

  /** Fresh chunks (a consumer may keep them); a file that shrank is an error, not a short body. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.end <= this.start) return;
    let read = 0;
    const stream = createReadStream(this.file, {
      start: this.start,
      end: this.end - 1,
      highWaterMark: streamChunkBytes,
    });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      read += chunk.length;
      yield chunk;
    }
    if (read !== this.end - this.start) throw changedWhileUploading(this.file, this.start, this.end, read);
  }
}

export const changedWhileUploading = (file: string, start: number, end: number, read: number) =>
  new Error(`${file} changed while it was being uploaded (expected ${end - start} bytes at ${start}, read ${read})`);

/**
 * Writes the range to `out` (without ending it), reusing two buffers: a buffer is read into again
 * only once `out` has handed it to the socket (its write callback), so at most two are in flight.
 * Resolves with the bytes written: fewer than the range's if the file shrank (the caller refuses a
 * short body), none more if it grew. Stops early once `out` is destroyed.
 */
export async function sendFileRange(
  range: FileRange,
  out: Writable,
  onBytes?: (bytes: number) => void,
): Promise<number> {
  const handle = await open(range.file, 'r');
  const bufferBytes = Math.min(sendBufferBytes, Math.max(0, range.end - range.start));
  const free = Array.from({ length: sendBuffers }, () => alignedLike(range.start, bufferBytes));
  let wake: (() => void) | undefined;
  const wakeUp = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  out.once('close', wakeUp); // a write callback may never come once the request is gone
  let at = range.start;
  try {
    while (at < range.end && !out.destroyed) {
      const buffer = free.pop();
      if (!buffer) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, range.end - at), at);
      if (bytesRead === 0) break;
      at += bytesRead;
      onBytes?.(bytesRead);
      out.write(buffer.subarray(0, bytesRead), () => {
        free.push(buffer);
        wakeUp();
      });
    }
  } finally {
    out.off('close', wakeUp);
    await handle.close();
  }
  return at - range.start;
}
