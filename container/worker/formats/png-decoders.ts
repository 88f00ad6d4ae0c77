/**
 * Decoding the stream import's PNGs on other cores. Bare convert_imageset is single-threaded; the
 * worker's main thread already has the archive listing, the Datums, the hex text for mdb_load,
 * the mean and the ImageData tars to do, so the PNG work (chunks, CRCs, inflate, unfiltering,
 * Caffe's channel layout: png-check.ts) runs on `worker_threads` beside it, in batches.
 *
 * Results come back in the order they were asked for, whatever thread finished first: the
 * caller's continuations then run in key order, so mdb_load receives the keys sorted and the
 * mean is summed in the tool's order (formats/stream-images.ts).
 *
 * The thread runs this very module: from the worker bundle (container/build/worker.js, where
 * main.ts starts no job in a thread) or from the TypeScript sources through tsx's require hook
 * (tests, `tsx`). ELASTIC_CAFFE_DECODE_THREADS sets the number of threads (0: decode on the main
 * thread, as before).
 */
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { config } from '../../../core/config';
import { readPng, unfilter } from '../png-check';

/** What one PNG becomes: Caffe's pixels (grey, or B, G, R planes), or why it cannot. */
export type Decoded = { pixels: Buffer } | { problem: string } | { notPlain: true };

export interface DecodeShape {
  width: number;
  height: number;
  /** 1 (grey) or 3 (BGR planes). */
  channels: number;
}

/**
 * A verified plain 8-bit, non-interlaced grey or RGB PNG of `shape`'s size as the Datum's data:
 * grey as is, colour as OpenCV's B, G, R planes, grey read as colour in all three planes
 * (libpng's gray_to_rgb). Transparency or a palette makes OpenCV's reading differ from the raw
 * samples: `notPlain`, and the caller hands the build to convert_imageset.
 */
export function decodePlainPng(bytes: Buffer, { width, height, channels }: DecodeShape): Decoded {
  const read = readPng(bytes);
  if (read.problem !== undefined) return { problem: read.problem };
  if (read.otherChunks.has('tRNS') || read.otherChunks.has('PLTE') || read.header.colorType > 2)
    return { notPlain: true };
  const samples = read.header.colorType === 2 ? 3 : 1;
  const pixels = unfilter(read.scanlines, width, height, samples);
  return {
    pixels:
      channels === samples
        ? channels === 1
          ? pixels
          : bgrPlanar(pixels, width * height)
        : Buffer.concat([pixels, pixels, pixels]),
  };
}

/** OpenCV's colour order, planar as Caffe stores it: B plane, G plane, R plane. */
function bgrPlanar(rgb: Buffer, pixels: number): Buffer {
  const out = Buffer.allocUnsafe(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    out[i] = rgb[i * 3 + 2]!;
    out[pixels + i] = rgb[i * 3 + 1]!;
    out[2 * pixels + i] = rgb[i * 3]!;
  }
  return out;
}

const threadRole = 'elastic-caffe-png-decoder';

/** A batch sent to a thread: the PNGs back to back in one transferred buffer. */
interface BatchRequest {
  id: number;
  shape: DecodeShape;
  bytes: Uint8Array;
  ends: number[];
}

/** A thread's answer: every image's pixels back to back (problem images take no room), and what went wrong where. */
interface BatchResult {
  id: number;
  pixels: Uint8Array;
  outcomes: Array<null | string | true>;
}

/** The thread's side: decode each batch and send the pixels back (transferred, not copied). */
function serveDecoding(): void {
  parentPort!.on('message', ({ id, shape, bytes, ends }: BatchRequest) => {
    const frameBytes = shape.width * shape.height * shape.channels;
    const pixels = new Uint8Array(frameBytes * ends.length);
    const outcomes: BatchResult['outcomes'] = [];
    let start = 0;
    for (const [i, end] of ends.entries()) {
      const decoded = decodePlainPng(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start), shape);
      start = end;
      if ('pixels' in decoded) {
        pixels.set(decoded.pixels, i * frameBytes);
        outcomes.push(null);
      } else outcomes.push('problem' in decoded ? decoded.problem : true);
    }
    parentPort!.postMessage({ id, pixels, outcomes } satisfies BatchResult, [pixels.buffer]);
  });
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === threadRole) serveDecoding();

/** Threads to decode on: every core but the one the main thread (and mdb_load) keeps busy, at least one. */
function threadCount(): number {
  return config.decodeThreads() ?? Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Only reached from the TypeScript sources (a name, not a literal: the bundler must not look for it). */
const tsxRequireHook = 'tsx/cjs';

/** Images per message: large enough that messaging costs little per image, small enough to keep every thread fed. */
const batchSize = 128;

interface Pending {
  bytes: Buffer[];
  answers: Array<{ resolve: (decoded: Decoded) => void; reject: (error: Error) => void }>;
}

/** Decodes PNGs of one shape on a few threads (or inline), answering in request order. */
export class PngDecoders {
  private readonly threads: Worker[] = [];
  private readonly waiting = new Map<number, Pending>();
  private readonly arrived = new Map<number, BatchResult>();
  private collecting: Pending = { bytes: [], answers: [] };
  private flushScheduled = false;
  private nextId = 0;
  private nextToAnswer = 0;
  private failure: Error | undefined;
  private shape: DecodeShape | undefined;

  /** Starts the threads now (they load the worker's code while the archive is listed). */
  constructor(threads = threadCount()) {
    if (!isMainThread) threads = 0;
    for (let i = 0; i < threads; i++) {
      const fromSources = __filename.endsWith('.ts');
      const thread = new Worker(__filename, {
        workerData: { role: threadRole },
        // From the sources the thread needs tsx to load TypeScript; the bundle is plain JavaScript.
        ...(fromSources ? { execArgv: ['--require', require.resolve(tsxRequireHook)] } : {}),
      });
      thread.unref();
      thread.on('message', (result: BatchResult) => this.arrive(result));
      thread.on('error', (error) => this.fail(error));
      thread.on(
        'exit',
        (code) =>
          this.waiting.size && this.fail(new Error(`a PNG decoder thread exited (${code}) with images in hand`)),
      );
      this.threads.push(thread);
    }
  }

  /** The decoded image (problems included), in the order of the calls; rejects only if a thread failed. */
  decode(bytes: Buffer, shape: DecodeShape): Promise<Decoded> {
    if (!this.threads.length) return Promise.resolve(decodePlainPng(bytes, shape));
    if (this.failure) return Promise.reject(this.failure);
    this.shape = shape;
    return new Promise((resolve, reject) => {
      this.collecting.bytes.push(bytes);
      this.collecting.answers.push({ resolve, reject });
      if (this.collecting.bytes.length >= batchSize) this.send();
      else if (!this.flushScheduled) {
        // What a burst of calls leaves over goes out as soon as the burst ends.
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.send();
        });
      }
    });
  }

  private send(): void {
    const batch = this.collecting;
    if (!batch.bytes.length) return;
    this.collecting = { bytes: [], answers: [] };
    const id = this.nextId++;
    // One fresh buffer (never Node's shared pool) that can be transferred instead of copied.
    const bytes = new Uint8Array(batch.bytes.reduce((sum, item) => sum + item.length, 0));
    const ends: number[] = [];
    let offset = 0;
    for (const item of batch.bytes) {
      bytes.set(item, offset);
      ends.push((offset += item.length));
    }
    this.waiting.set(id, batch);
    this.threads[id % this.threads.length]!.postMessage(
      { id, shape: this.shape!, bytes, ends } satisfies BatchRequest,
      [bytes.buffer],
    );
  }

  private arrive(result: BatchResult): void {
    this.arrived.set(result.id, result);
    // Answer strictly in request order: a later batch waits for an earlier one on a slower thread.
    for (let next = this.arrived.get(this.nextToAnswer); next; next = this.arrived.get(this.nextToAnswer)) {
      this.arrived.delete(next.id);
      const batch = this.waiting.get(next.id)!;
      this.waiting.delete(next.id);
      this.nextToAnswer++;
      const frameBytes = next.pixels.length / next.outcomes.length;
      const all = Buffer.from(next.pixels.buffer, next.pixels.byteOffset, next.pixels.length);
      for (const [i, outcome] of next.outcomes.entries()) {
        batch.answers[i]!.resolve(
          outcome === null
            ? { pixels: all.subarray(i * frameBytes, (i + 1) * frameBytes) }
            : outcome === true
              ? { notPlain: true }
              : { problem: outcome },
        );
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    // The callers' images are lost with the thread: the build fails (not the data's fault: the job is retried).
    for (const batch of [...this.waiting.values(), this.collecting])
      for (const { reject } of batch.answers) reject(error);
    this.collecting = { bytes: [], answers: [] };
    this.waiting.clear();
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
    this.threads.length = 0;
  }
}
