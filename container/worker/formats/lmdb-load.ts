/**
 * Writes an LMDB with LMDB's own `mdb_load` (Debian `lmdb-utils`, liblmdb 0.9.24 — the library
 * Caffe links; lmdb-js writes the LMDB 1.0 format Caffe cannot open). Key/value pairs go to its
 * stdin in mdb_dump's `bytevalue` text format (hex), so the process converts while Node decodes
 * the next images: on two cores the database is written beside the decoding, not after it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { config } from '../../../core/config';
import { caffeToolCommand, lmdbToolsPrefix, multiarch, type CaffeToolCommand } from '../../../core/caffe/tools';

/**
 * Whether mdb_load can run here: locally from its prefix beside Caffe's, in an image from PATH
 * (the CPU image installs lmdb-utils; an image without it falls back to Caffe's converters).
 * ELASTIC_CAFFE_NO_MDB_LOAD=1 forces the converters (to compare the two paths).
 */
export async function lmdbToolsAvailable(caffePrefix?: string): Promise<boolean> {
  if (config.noMdbLoad()) return false;
  const prefix = lmdbToolsPrefix(caffePrefix);
  const candidates = prefix
    ? [path.join(prefix, 'usr', 'bin')]
    : (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of candidates)
    if (
      await access(path.join(dir, 'mdb_load'), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  return false;
}

/**
 * mdb_load's command, with libeatmydata preloaded when it is there: mdb_load commits every 100
 * entries and each commit fdatasyncs — 1.0 s of a 10,000-image load on this machine's disk,
 * 0.09 s without. The database is scratch (uploaded, then removed; a crashed worker starts over),
 * so durability buys nothing; without the library it runs as is.
 */
function mdbLoadCommand(db: string, caffePrefix: string | undefined): CaffeToolCommand {
  const prefix = lmdbToolsPrefix(caffePrefix);
  const cmd = caffeToolCommand('mdb_load', [db], { prefix });
  const eatmydata = path.join(prefix ?? '/', 'usr', 'lib', multiarch().triplet, 'libeatmydata.so.1');
  if (!existsSync(eatmydata)) return cmd;
  // Through the prefix's own loader the library is preloaded by it (LD_PRELOAD would reach the loader's own start too).
  return prefix
    ? { ...cmd, args: ['--preload', eatmydata, ...cmd.args] }
    : { ...cmd, env: { ...cmd.env, LD_PRELOAD: eatmydata } };
}

/** Bytes gathered before a write to the pipe: fewer, larger writes. */
const chunkBytes = 1 << 20;

/**
 * Two ASCII hex digits per byte value, for encoding without making strings (the GC was a third of a 10k-image import).
 */
const hexPairs = (() => {
  const table = new Uint16Array(256);
  const digits = Buffer.from('0123456789abcdef', 'latin1');
  // Stored little-endian: the first digit in the low byte, so a Uint16 write puts it first.
  for (let i = 0; i < 256; i++) table[i] = digits[i >> 4]! | (digits[i & 15]! << 8);
  return table;
})();

/** Writes ` <hex>\n` for `bytes` at `offset` of `out`; returns the offset after it. */
function hexLine(bytes: Uint8Array, out: Buffer, offset: number): number {
  out[offset++] = 0x20;
  for (let i = 0; i < bytes.length; i++, offset += 2) {
    const pair = hexPairs[bytes[i]!]!;
    out[offset] = pair & 0xff;
    out[offset + 1] = pair >> 8;
  }
  out[offset++] = 0x0a;
  return offset;
}

export class LmdbLoader {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private buffer = Buffer.allocUnsafe(chunkBytes);
  private used = 0;
  private stderr = '';
  private failed: Error | undefined;
  private drained: Promise<void> | undefined;
  count = 0;

  private constructor(
    readonly db: string,
    caffePrefix: string | undefined,
    mapSize: number,
  ) {
    const cmd = mdbLoadCommand(db, caffePrefix);
    this.child = spawn(cmd.command, cmd.args, {
      stdio: ['pipe', 'ignore', 'pipe'],
      env: { ...process.env, ...cmd.env },
    });
    this.child
      .stderr!.setEncoding('utf8')
      .on('data', (text: string) => (this.stderr = (this.stderr + text).slice(-4000)));
    // A dead reader surfaces as EPIPE on stdin; the exit status says why.
    this.child.stdin!.on('error', (error) => (this.failed ??= error));
    this.exited = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('close', (code, signal) =>
        code === 0
          ? resolve()
          : reject(
              new Error(`mdb_load ${path.basename(db)} failed (${code ?? signal}): ${this.stderr.trim().slice(-500)}`),
            ),
      );
    });
    this.exited.catch((error: Error) => (this.failed ??= error));
    // The map must hold the whole database; LMDB only reserves address space for it, the file grows as written.
    this.used = this.buffer.write(
      `VERSION=3\nformat=bytevalue\ntype=btree\nmapsize=${mapSize}\nHEADER=END\n`,
      'latin1',
    );
  }

  /**
   * Starts mdb_load on a new database folder `db`. `expectedBytes` (keys and values) sizes the map.
   * Keys may come in any order (0.9.24's mdb_load has no append mode).
   */
  static async open(db: string, expectedBytes: number, opts: { caffePrefix?: string } = {}): Promise<LmdbLoader> {
    await mkdir(db, { recursive: true });
    const page = 4096;
    const mapSize = Math.ceil((expectedBytes * 2 + 64 * 1024 * 1024) / page) * page;
    return new LmdbLoader(db, opts.caffePrefix, mapSize);
  }

  /**
   * Queues one pair, in call order. Answers a promise only while the pipe is full (backpressure
   * bounds memory; most calls answer undefined: a promise per image was garbage on the main thread).
   */
  put(key: string, value: Uint8Array): Promise<void> | undefined {
    if (this.failed) return Promise.reject(this.failed);
    const needed = 4 + 2 * (key.length + value.length);
    // flush() swaps in a buffer with room before it waits for the pipe, so the pair goes in now.
    const flushed = this.used + needed > this.buffer.length ? this.flush(needed) : undefined;
    this.used = hexLine(value, this.buffer, hexLine(Buffer.from(key, 'latin1'), this.buffer, this.used));
    this.count++;
    return flushed ?? this.drained;
  }

  private async flush(room = chunkBytes): Promise<void> {
    // The pipe keeps the written buffer until it is sent: the next pairs go into a new one.
    const full = this.buffer.subarray(0, this.used);
    this.buffer = Buffer.allocUnsafe(Math.max(chunkBytes, room));
    this.used = 0;
    // Several puts may wait at once: they share one wait for 'drain' (or the process's end).
    if (full.length && !this.child.stdin!.write(full))
      this.drained ??= new Promise<void>((resolve) => {
        const done = () => {
          this.child.stdin!.off('drain', done);
          this.child.off('close', done);
          this.drained = undefined;
          resolve();
        };
        this.child.stdin!.once('drain', done);
        this.child.once('close', done);
      });
    if (this.drained) await this.drained;
    if (this.failed) throw this.failed;
  }

  /** Ends the input and waits for mdb_load to commit; rejects with its message if it failed. */
  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.child.stdin!.write('DATA=END\n');
    this.child.stdin!.end();
    await this.exited;
  }

  /** Stops mdb_load (the build failed elsewhere); the half-written folder is the caller's to remove. */
  async abort(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited.catch(() => undefined);
  }
}
