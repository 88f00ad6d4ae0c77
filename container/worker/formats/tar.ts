/**
 * Tar and tar.gz archives, read once: each entry's name, kind and collisions are checked by the
 * guard from its header before any of its bytes are written, the bytes it really expands to are
 * counted as they stream, and only files and folders are written (`O_EXCL`, so nothing is
 * overwritten or written through a link). Once an entry is refused nothing more is written, the
 * rest is still listed so one message can name every problem, and what was written is removed.
 * One pass instead of "list, then extract with node-tar" halves the reading and decompression,
 * and small files are written with one call from memory (docs/BENCHMARKS.md, import throughput).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import { PermanentFailure } from '../errors';
import { collisionKey, type EntryGuard, type EntryKind } from './entry-guard';
import { readPlainTar, type EntrySink } from './plain-tar';
import { logStep } from './steps';

const kinds: Record<string, EntryKind> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'device',
  BlockDevice: 'device',
  FIFO: 'fifo',
};

export const tarKind = (type: string): EntryKind => kinds[type] ?? 'other';

/** Files up to this size are gathered in memory and written with one call; bigger ones stream. */
const smallFileBytes = 1024 * 1024;
/** Bytes gathered but not yet written before reading the archive pauses for the disk. */
const maxPendingBytes = 64 * 1024 * 1024;
const exclusive = { flag: 'wx', mode: 0o644 } as const;

/** Writes admitted entries under `destination`, creating each folder once and bounding memory. */
class EntryWriter {
  private readonly folders = new Map<string, Promise<unknown>>();
  private readonly writes = new Set<Promise<void>>();
  private pendingBytes = 0;
  private roomWaiters: Array<() => void> = [];
  private readonly streams = new Set<{ destroy(error?: Error): void }>();
  private aborted: Error | undefined;

  constructor(
    private readonly destination: string,
    private readonly fail: (entryPath: string, error: Error) => void,
  ) {}

  folder(relative: string): Promise<unknown> {
    const target = path.join(this.destination, relative);
    let made = this.folders.get(target);
    if (!made) this.folders.set(target, (made = mkdir(target, { recursive: true })));
    return made;
  }

  /** Resolves once gathered-but-unwritten bytes are below the cap. */
  room(): Promise<void> {
    return this.pendingBytes < maxPendingBytes
      ? Promise.resolve()
      : new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  track(entryPath: string, bytes: number, write: Promise<unknown>): void {
    this.pendingBytes += bytes;
    const done: Promise<void> = write.then(
      () => undefined,
      (error: Error) => this.fail(entryPath, error),
    );
    const settled = done.finally(() => {
      this.writes.delete(settled);
      this.pendingBytes -= bytes;
      if (this.pendingBytes < maxPendingBytes) for (const wake of this.roomWaiters.splice(0)) wake();
    });
    this.writes.add(settled);
  }

  /** A small file gathered in memory. */
  writeSmall(entryPath: string, data: Buffer): void {
    if (this.aborted) return; // the archive was refused: nothing more is written, and what was is being removed
    const target = path.join(this.destination, entryPath);
    this.track(
      entryPath,
      data.length,
      this.folder(path.dirname(entryPath)).then(() => writeFile(target, data, exclusive)),
    );
  }

  /**
   * A big file streamed from the entry. Its bytes are counted from the first one (the guard must
   * see a bomb while it expands), queued while the file opens, then written with backpressure:
   * the entry pauses while the disk catches up, which pauses the archive.
   */
  writeStreamed(entryPath: string, entry: ReadEntry, count: (chunk: Buffer) => void): void {
    const target = path.join(this.destination, entryPath);
    let out: ReturnType<FileHandle['createWriteStream']> | undefined;
    const queued: Buffer[] = [];
    const write = (chunk: Buffer) => {
      if (out!.write(chunk)) return;
      entry.pause();
      out!.once('drain', () => entry.resume());
    };
    let ended = false;
    entry.on('end', () => {
      ended = true;
      out?.end();
    });
    entry.on('data', (chunk: Buffer) => {
      count(chunk);
      if (out) write(chunk);
      else queued.push(chunk);
    });
    const written = this.folder(path.dirname(entryPath)).then(async () => {
      const handle = await open(target, exclusive.flag, exclusive.mode);
      out = handle.createWriteStream();
      // A stopped archive never ends its entry: without this the write would wait for ever.
      if (this.aborted) out.destroy(this.aborted);
      this.streams.add(out);
      out.once('close', () => this.streams.delete(out!));
      for (const chunk of queued.splice(0)) write(chunk);
      if (ended) out.end();
      await finished(out);
    });
    this.track(entryPath, 0, written);
  }

  /** Ends streamed writes whose entries will never finish because reading the archive stopped. */
  abort(error: Error): void {
    this.aborted ??= error;
    for (const out of this.streams) out.destroy(error);
  }

  async settle(): Promise<void> {
    while (this.writes.size) await Promise.all([...this.writes]);
  }
}

/**
 * Files and folders seen so far, so a name used as both (`a/b` a file, `a/b/c` inside it) is
 * refused naming the entry that came second, before either is written, whatever order the writes
 * would finish in.
 */
class TreeShape {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  clash(entryPath: string, directory: boolean): string | undefined {
    const key = collisionKey(entryPath);
    const parents = key
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    const fileParent = parents.find((parent) => this.files.has(parent));
    if (fileParent !== undefined) return `is inside "${fileParent}", which the archive has as a file`;
    if (!directory && this.folders.has(key)) return 'is a file where the archive has a folder of the same name';
    for (const parent of parents) this.folders.add(parent);
    (directory ? this.folders : this.files).add(key);
    return undefined;
  }
}

/**
 * Checks and extracts the archive in one pass; throws PermanentFailure on an unreadable archive, a refused entry or a
 * limit passed.
 */
export async function checkAndExtractTar(
  file: string,
  destination: string,
  guard: EntryGuard,
  label: string,
): Promise<void> {
  logStep('extract');
  await mkdir(destination, { recursive: true });
  const source = createReadStream(file);
  let stopped: Error | undefined;
  const stop = (error: Error) => {
    stopped ??= error;
    source.destroy(error);
    // An entry paused for the disk would keep the parser, and so the pipeline, waiting for ever.
    parser.abort(error);
    writer.abort(error);
  };
  const shapes = new TreeShape();
  const writer = new EntryWriter(destination, (entryPath, error) =>
    stop(
      error instanceof PermanentFailure
        ? error
        : new PermanentFailure(`${label}: entry "${entryPath}" could not be written: ${error.message}`),
    ),
  );
  const counter = (entry: ReadEntry) => (chunk: Buffer) => {
    try {
      guard.expanded(entry.path, chunk.length);
    } catch (error) {
      stop(error as Error);
    }
  };
  const listOnly = (entry: ReadEntry) => void entry.on('data', counter(entry)).resume();
  const onReadEntry = (entry: ReadEntry) => {
    const kind = tarKind(entry.type);
    let admitted: boolean;
    try {
      admitted = guard.admit(entry.path, kind);
    } catch (error) {
      // Too many entries. Thrown from node-tar's event it would escape as an uncaught exception
      // and kill the worker (the job retried, then failed without saying why).
      stop(error as Error);
      return void entry.resume();
    }
    // After the first refused entry nothing more is written; the rest is only listed.
    if (!admitted || guard.problems.length || stopped) return listOnly(entry);
    const clash = shapes.clash(entry.path, kind === 'directory');
    if (clash) {
      guard.problems.push(`entry "${entry.path}" ${clash}`);
      return listOnly(entry);
    }
    if (kind === 'directory') {
      writer.track(entry.path, 0, writer.folder(entry.path));
      return listOnly(entry);
    }
    if (entry.size > smallFileBytes) return void writer.writeStreamed(entry.path, entry, counter(entry));
    // Not flowing until there is room: node-tar then stops parsing, and the pipeline stops reading.
    void writer.room().then(() => {
      const chunks: Buffer[] = [];
      entry.on('end', () => writer.writeSmall(entry.path, Buffer.concat(chunks)));
      const count = counter(entry);
      entry.on('data', (chunk: Buffer) => {
        count(chunk);
        chunks.push(chunk);
      });
    });
  };
  // Strict: something that is not a tar at all must fail here, not list as zero entries.
  const parser = new Parser({ strict: true, onReadEntry });
  try {
    try {
      await pipeline(source, parser);
    } catch (error) {
      throw pipelineFailure(error, stopped, label);
    } finally {
      await writer.settle();
    }
    if (stopped) throw stopped;
    guard.rejectIfProblems();
  } catch (error) {
    // Only an archive that passed stays extracted.
    await rm(destination, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The same checks as checkAndExtractTar (every entry's name, kind, collisions, the bytes it
 * expands to) without writing anything: the stream import (formats/stream-images.ts) reads the
 * archive's entries from memory instead. `onFile` gets each admitted file's path and its first
 * `headBytes` bytes (enough for an image header), or all of them when `keepWhole` says so for
 * that entry (decided from its header, before its bytes). Throws the same PermanentFailures.
 * With `reader: 'plain'` the archive is read by formats/plain-tar.ts, which throws NotPlainTar
 * (having called `onFile` for some entries, and the guard counted them) for anything but a plain
 * archive: the caller starts again, with a fresh guard, with node-tar.
 */
export async function checkTarListing(
  file: string,
  guard: EntryGuard,
  label: string,
  onFile: (entryPath: string, bytes: Buffer, whole: boolean) => void,
  opts: {
    headBytes?: number;
    keepWhole?: (entryPath: string, size: number) => boolean;
    reader?: 'plain' | 'node-tar';
  } = {},
): Promise<void> {
  logStep('archive listing');
  const headBytes = opts.headBytes ?? 64;
  const shapes = new TreeShape();
  const visit = (entryPath: string, type: string, size: number): EntrySink => {
    const kind = tarKind(type);
    const admitted = guard.admit(entryPath, kind) && !guard.problems.length;
    const clash = admitted ? shapes.clash(entryPath, kind === 'directory') : undefined;
    if (clash) guard.problems.push(`entry "${entryPath}" ${clash}`);
    const wanted = admitted && !clash && kind === 'file';
    const whole = wanted && (opts.keepWhole?.(entryPath, size) ?? false);
    const chunks: Buffer[] = [];
    let kept = 0;
    return {
      data(chunk) {
        guard.expanded(entryPath, chunk.length);
        if (whole || (wanted && kept < headBytes)) {
          chunks.push(chunk);
          kept += chunk.length;
        }
      },
      end() {
        if (!wanted || guard.problems.length) return;
        // A copy: the chunks may be slices of a large read buffer that must not stay alive with them.
        const bytes = Buffer.concat(chunks, whole ? kept : Math.min(kept, headBytes));
        onFile(entryPath, bytes, whole);
      },
    };
  };
  if (opts.reader === 'plain') await readPlainTar(file, visit);
  else await listWithNodeTar(file, label, visit);
  guard.rejectIfProblems();
}

/** Every entry of any tar node-tar reads (pax, GNU extensions, links ...), through `visit`. */
async function listWithNodeTar(
  file: string,
  label: string,
  visit: (entryPath: string, type: string, size: number) => EntrySink,
): Promise<void> {
  let stopped: Error | undefined;
  const source = createReadStream(file);
  const stop = (error: Error) => {
    stopped ??= error;
    source.destroy(error);
    parser.abort(error);
  };
  const onReadEntry = (entry: ReadEntry) => {
    // After a limit was passed the rest only drains.
    if (stopped) return void entry.resume();
    let sink: EntrySink;
    try {
      sink = visit(entry.path, entry.type, entry.size);
    } catch (error) {
      // Too many entries: from node-tar's event a throw would be an uncaught exception.
      stop(error as Error);
      return void entry.resume();
    }
    entry.on('data', (chunk: Buffer) => {
      if (stopped) return;
      try {
        sink.data(chunk);
      } catch (error) {
        stop(error as Error);
      }
    });
    entry.on('end', () => !stopped && sink.end());
    entry.resume();
  };
  const parser = new Parser({ strict: true, onReadEntry });
  try {
    await pipeline(source, parser);
  } catch (error) {
    throw pipelineFailure(error, stopped, label);
  }
  if (stopped) throw stopped;
}

/** What a failed read of the archive means: why it was stopped, or that it is no readable tar at all. */
function pipelineFailure(error: unknown, stopped: Error | undefined, label: string): unknown {
  if (stopped) return stopped;
  if (error instanceof PermanentFailure) return error;
  return new PermanentFailure(`${label} is not a readable .tar, .tar.gz or .zip archive: ${(error as Error).message}`);
}
