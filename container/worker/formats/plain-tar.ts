/**
 * A reader for plain tar archives (.tar or .tar.gz): ustar, GNU or v7 headers of regular files and
 * folders, and nothing else. It exists for speed: node-tar builds a Header object, an entry
 * stream and several events per entry, which was 1.4 s of a 60,000-image import's 4.5 s on a quiet
 * machine (docs/BENCHMARKS.md, import round 3); this walks the 512-byte blocks in place.
 *
 * Anything it does not handle in exactly node-tar's way — extension headers (pax, GNU long
 * names), links and special files, a bad checksum, base-256 sizes, a ustar prefix, non-ASCII
 * names, a gzip or truncation error, a missing end-of-archive block — throws NotPlainTar before
 * anything is decided, and the caller lists the archive again with node-tar, which then names the
 * problem (or reads the extension) as it always has.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The archive is not plain enough for this reader: list it with node-tar instead. */
export class NotPlainTar extends Error {}

/** What the listing does with one entry's bytes. */
export interface EntrySink {
  data(chunk: Buffer): void;
  end(): void;
}

/** Called for each entry in archive order, with node-tar's type name ('File' or 'Directory'). */
export type EntryVisitor = (entryPath: string, type: 'File' | 'OldFile' | 'Directory', size: number) => EntrySink;

const block = 512;

/** An octal header field (digits, then space or NUL); undefined for base-256 or garbage. */
function octal(header: Buffer, offset: number, length: number): number | undefined {
  let value = 0;
  let digits = 0;
  let end = offset + length;
  let i = offset;
  while (i < end && header[i] === 0x20) i++; // leading spaces, as some writers pad
  for (; i < end; i++) {
    const byte = header[i]!;
    if (byte === 0 || byte === 0x20) {
      end = i;
      break;
    }
    if (byte < 0x30 || byte > 0x37) return undefined;
    value = value * 8 + (byte - 0x30);
    digits++;
  }
  return digits ? value : undefined;
}

/** The header's name field as text, or undefined if it is not plain ASCII. */
function asciiName(header: Buffer): string | undefined {
  let end = 0;
  while (end < 100 && header[end] !== 0) end++;
  for (let i = 0; i < end; i++) if (header[i]! < 0x20 || header[i]! > 0x7e) return undefined;
  return header.toString('latin1', 0, end);
}

const zeroBlock = Buffer.alloc(block);

/** The entry a header block describes; throws NotPlainTar for anything this reader leaves to node-tar. */
function parseHeader(header: Buffer): { path: string; type: 'File' | 'OldFile' | 'Directory'; size: number } {
  let sum = 0;
  for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  if (octal(header, 148, 8) !== sum) throw new NotPlainTar('header checksum');
  const magic = header.toString('latin1', 257, 263);
  const ustar = magic === 'ustar\0';
  if (!ustar && magic !== 'ustar ' && !header.subarray(257, 263).equals(zeroBlock.subarray(0, 6)))
    throw new NotPlainTar('magic');
  // A POSIX prefix field extends the name: rare, and node-tar's reading of it has cases; leave it to node-tar.
  if (ustar && !header.subarray(345, 500).equals(zeroBlock.subarray(0, 155))) throw new NotPlainTar('ustar prefix');
  const flag = header[156]!;
  const type = flag === 0x30 ? 'File' : flag === 0 ? 'OldFile' : flag === 0x35 ? 'Directory' : undefined;
  if (!type) throw new NotPlainTar(`type flag ${flag}`);
  const path = asciiName(header);
  const size = octal(header, 124, 12);
  // node-tar turns a file whose name ends in "/" into a folder: leave that to it.
  if (
    !path ||
    size === undefined ||
    (type !== 'Directory' && path.endsWith('/')) ||
    (type === 'Directory' && size !== 0)
  )
    throw new NotPlainTar('name or size');
  return { path, type, size };
}

/**
 * Visits every entry of a plain tar in order, streaming each entry's bytes to its sink. Errors
 * thrown by a visitor or sink (the entry checks refusing the archive) stop the reading and
 * propagate as they are; anything the reader cannot handle throws NotPlainTar.
 */
export async function readPlainTar(file: string, visit: EntryVisitor): Promise<void> {
  const gzipped = await startsWithGzipMagic(file);
  const pending = Buffer.alloc(block); // a header split across two chunks
  let pendingBytes = 0;
  let sink: EntrySink | undefined;
  let dataLeft = 0;
  let skip = 0; // padding after an entry's data
  let zeroBlocks = 0;
  let ended = false;

  const consume = (chunk: Buffer) => {
    let at = 0;
    while (at < chunk.length && !ended) {
      if (sink) {
        const n = Math.min(dataLeft, chunk.length - at);
        if (n) sink.data(chunk.subarray(at, at + n));
        at += n;
        dataLeft -= n;
        if (dataLeft) return;
        const done = sink;
        sink = undefined;
        done.end();
        continue;
      }
      if (skip) {
        const n = Math.min(skip, chunk.length - at);
        at += n;
        skip -= n;
        continue;
      }
      let header: Buffer;
      if (pendingBytes || chunk.length - at < block) {
        const n = Math.min(block - pendingBytes, chunk.length - at);
        chunk.copy(pending, pendingBytes, at, at + n);
        pendingBytes += n;
        at += n;
        if (pendingBytes < block) return;
        pendingBytes = 0;
        header = pending;
      } else {
        header = chunk.subarray(at, at + block);
        at += block;
      }
      if (header.equals(zeroBlock)) {
        // Two zero blocks end the archive (what follows is padding); node-tar reads on after a lone one.
        ended = ++zeroBlocks === 2;
        continue;
      }
      if (zeroBlocks) throw new NotPlainTar('an entry after a lone zero block');
      const entry = parseHeader(header);
      sink = visit(entry.path, entry.type, entry.size);
      dataLeft = entry.size;
      skip = (block - (entry.size % block)) % block;
      if (!dataLeft) {
        const done = sink;
        sink = undefined;
        done.end();
      }
    }
  };

  const source = createReadStream(file, { highWaterMark: 1 << 20 });
  // pipeline: a read error reaches the loop below through the gunzip stream too.
  const input = gzipped ? pipeline(source, createGunzip({ chunkSize: 256 * 1024 }), () => undefined) : source;
  try {
    for await (const chunk of input) {
      consume(chunk as Buffer);
      if (ended) break;
    }
  } catch (error) {
    if (error instanceof NotPlainTar) throw error;
    // A gzip error: node-tar reads the archive again and says what is wrong.
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) throw new NotPlainTar((error as Error).message);
    throw error;
  } finally {
    source.destroy();
    input.destroy();
  }
  if (!ended || sink || pendingBytes) throw new NotPlainTar('truncated, or no end-of-archive block');
}

async function startsWithGzipMagic(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { bytesRead, buffer } = await handle.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await handle.close();
  }
}
