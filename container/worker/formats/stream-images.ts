/**
 * Image folders → LMDB without extracting the archive and without convert_imageset, where the
 * result is the one convert_imageset would write (test/integration/import-identity.test.ts):
 *
 * 1. One pass over the archive checks every entry as extraction would (formats/tar.ts; a plain tar
 *    is read by formats/plain-tar.ts, anything else by node-tar) and keeps
 *    each image's bytes (up to maxKeptBytes; beyond, only its header, and step 2 reads the archive
 *    again); the label folders, the split and each side's order come from the names alone.
 * 2. When every chosen image is a plain 8-bit, non-interlaced grey or RGB PNG of one size and no
 *    resize is asked for, each is decoded from memory in key order (CRCs and zlib as
 *    png-check.ts, then unfiltering) and becomes the Datum convert_imageset writes — {channels,
 *    height, width, data (grey, or BGR planar as OpenCV stores colour), label, encoded: false},
 *    key `%08d_<list path>` — to one mdb_load per side, while the mean is summed and each side's
 *    ImageData tar is written. Otherwise (JPEG, BMP, palette, alpha, 16-bit, interlaced,
 *    transparency, colour forced to grey, resize, a zip) it answers undefined and the caller
 *    extracts and runs convert_imageset as before.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Header, Parser, Pax, type ReadEntry } from 'tar';
import { PermanentFailure } from '../errors';
import { groupImagePaths, isImagePath } from '../image-folders';
import { pngSignature } from '../png-check';
import { sideOrder, sides, type Side } from '../split';
import type { SampleImage } from '../thumbnails';
import { countsOf, pickSamples, splitLabelled, type BuildInput, type BuiltSides } from './build';
import { datumWriter, MeanAccumulator } from './datum';
import { EntryGuard } from './entry-guard';
import type { ArchiveLimits } from './limits';
import { LmdbLoader } from './lmdb-load';
import { PngDecoders } from './png-decoders';
import { logStep } from './steps';
import { NotPlainTar } from './plain-tar';
import { checkTarListing } from './tar';

/**
 * Image bytes kept in memory from the first pass (PNG-compressed, so ~0.4 KB per 28x28 image:
 * 60,000 images are ~25 MB). Beyond this the images are read in a second pass instead.
 */
const maxKeptBytes = 256 * 1024 * 1024;

/** A downloaded datafile archive (tar or tar.gz; a zip is never streamed). */
export interface StreamSource {
  archive: string;
  label: string;
}

interface PngFacts {
  width: number;
  height: number;
  colorType: number;
}

/** The IHDR facts of a PNG this path can decode exactly, from its first bytes; undefined for anything else. */
function plainPng(head: Buffer): PngFacts | undefined {
  if (head.length < 29 || !head.subarray(0, 8).equals(pngSignature) || head.toString('latin1', 12, 16) !== 'IHDR')
    return undefined;
  const [depth, colorType, interlace] = [head[24], head[25], head[28]];
  if (depth !== 8 || (colorType !== 0 && colorType !== 2) || interlace !== 0) return undefined;
  return { width: head.readUInt32BE(16), height: head.readUInt32BE(20), colorType };
}

/** An entry path as extraction would place it, relative and `/`-separated. */
const normalized = (entryPath: string) =>
  path.posix.normalize(entryPath.replace(/\\/g, '/')).replace(/^\.\//, '').replace(/\/+$/, '');

interface Target {
  side: Side;
  position: number;
  label: number;
  /** The path in the side's list (relative to the label folders' root), part of the key. */
  listPath: string;
}

/** Something only a full decoder handles (found in the second pass): the caller falls back. */
class NotPlain extends Error {}

/**
 * The ustar header of a regular file (mode 644, owner 0, mtime 0) with a short ASCII name, written
 * into `out` at `at`: a template block with the name, size and checksum patched in. node-tar's
 * Header object per entry was a third of the main thread's time in a 60,000-image import.
 */
const plainHeader = (() => {
  const template = Buffer.alloc(512);
  template.write('000644 \x00000000 \x00000000 \x00', 100, 'latin1'); // mode, uid, gid: octal, space, NUL
  template.write('00000000000\x00', 136, 'latin1'); // mtime
  template.write('        ', 148, 'latin1'); // the checksum counts its own field as spaces
  template.write('0', 156, 'latin1'); // a regular file
  template.write('ustar\x0000', 257, 'latin1');
  let templateSum = 0;
  for (const byte of template) templateSum += byte;
  return (name: string, size: number, out: Buffer, at: number): void => {
    template.copy(out, at);
    out.write(name, at, 'latin1');
    out.write(`${size.toString(8).padStart(11, '0')}\x00`, at + 124, 'latin1');
    // The sum over the fields that differ from the template's zeros: the name and the size digits.
    let sum = templateSum;
    for (let i = 0; i < name.length; i++) sum += name.charCodeAt(i);
    for (let i = at + 124; i < at + 135; i++) sum += out[i]!;
    out.write(`${sum.toString(8).padStart(6, '0')}\x00 `, at + 148, 'latin1');
  };
})();

/** Whether `plainHeader` can write the name (else node-tar's pax encoding). */
const plainName = (name: string, size: number) =>
  name.length <= 100 && /^[\x20-\x7e]+$/.test(name) && size <= 0o77777777777;

/**
 * The header blocks of a file whose name `plainHeader` cannot write (long or non-ASCII): node-tar's, with pax when
 * needed.
 */
function paxHeaders(name: string, size: number): Buffer[] {
  const fields = { path: name, mode: 0o644, size, mtime: new Date(0), type: 'File' as const, uid: 0, gid: 0 };
  const header = new Header(fields);
  const needPax = header.encode();
  return [...(needPax ? [new Pax(fields).encode()] : []), header.block!];
}

/**
 * A plain tar written entry by entry, gathered into large writes (one write per small image was a tenth of the import's
 * main thread).
 */
class TarWriter {
  private readonly out: WriteStream;
  private drained: Promise<void> | undefined;
  private buffer = Buffer.allocUnsafe(writeBytes);
  private used = 0;
  constructor(readonly file: string) {
    this.out = createWriteStream(file);
  }

  /** Writes one file; answers a promise only while the stream wants the writer to wait. */
  add(name: string, data: Buffer): Promise<void> | undefined {
    const padded = data.length + ((512 - (data.length % 512)) % 512);
    const headers = plainName(name, data.length) ? undefined : paxHeaders(name, data.length);
    const headerBytes = headers ? headers.reduce((sum, block) => sum + block.length, 0) : 512;
    if (this.used + headerBytes + padded > this.buffer.length) this.flush(headerBytes + padded);
    if (headers) for (const block of headers) this.used += block.copy(this.buffer, this.used);
    else {
      plainHeader(name, data.length, this.buffer, this.used);
      this.used += 512;
    }
    data.copy(this.buffer, this.used);
    this.buffer.fill(0, this.used + data.length, this.used + padded);
    this.used += padded;
    return this.drained;
  }

  private flush(room = 0): void {
    if (this.used && !this.out.write(this.buffer.subarray(0, this.used)))
      // Many entries may wait at once: they share one wait for 'drain'.
      this.drained ??= once(this.out, 'drain').then(() => void (this.drained = undefined));
    // The stream keeps the written buffer until it is on disk: the next entries go into a new one.
    this.buffer = Buffer.allocUnsafe(Math.max(writeBytes, room));
    this.used = 0;
  }

  async close(): Promise<void> {
    this.flush();
    this.out.end(Buffer.alloc(1024));
    await once(this.out, 'close');
  }
}

/** Bytes of the ImageData tars gathered per write. */
const writeBytes = 1 << 20;

/**
 * Builds both sides from the archives in one stream each, or answers undefined (nothing written
 * that matters) when convert_imageset must do it. Throws PermanentFailure as the extract path would.
 */
export async function buildImagesInStream(
  input: BuildInput,
  sources: Record<Side, StreamSource>,
  limits: ArchiveLimits,
): Promise<BuiltSides | undefined> {
  const { dataset } = input;
  const transform = dataset.transform ?? {};
  if (transform.width !== undefined) return undefined; // resizing is OpenCV's interpolation: convert_imageset's job
  // The decoder threads load while the archive is listed.
  const decoders = new PngDecoders();
  try {
    return await buildWith(decoders, input, sources, limits);
  } finally {
    await decoders.close();
  }
}

/** What pass 1 learned of one archive: the label folders, each image's first bytes, and (while they fit) its bytes. */
interface Listing {
  byLabel: Map<string, string[]>;
  wrapper?: string;
  heads: Map<string, Buffer>;
  kept: Map<string, Buffer>;
}

/** Where every chosen image goes (by archive, then member name) and the one shape they share. */
interface Plan {
  targets: Map<string, Map<string, Target>>;
  counts: Record<Side, number>;
  shape: { channels: number; height: number; width: number };
  grayscale: boolean;
}

async function buildWith(
  decoders: PngDecoders,
  input: BuildInput,
  sources: Record<Side, StreamSource>,
  limits: ArchiveLimits,
): Promise<BuiltSides | undefined> {
  const listings = await listArchives(sources, limits);
  const listing = {
    training: listings.get(sources.training.archive)!,
    testing: listings.get(sources.testing.archive)!,
  };
  const { parts, labels } = splitLabelled(input, {
    training: listing.training.byLabel,
    testing: listing.testing.byLabel,
  });
  const plan = planTargets(input, sources, listings, listing, parts, labels);
  if (!plan) return undefined;
  const picks = pickSamples(parts.training, labels);
  const sampleBytes = new Map<string, Buffer>([...picks.values()].flat().map((item) => [item, Buffer.alloc(0)]));
  const written = await writeSides(decoders, input.ctx.workDir, input.ctx.caffePrefix, listings, plan, sampleBytes);
  if (!written) return undefined;
  const file = path.join(input.ctx.workDir, 'mean.binaryproto');
  await writeFile(file, written.mean.blobProto());
  logStep('compute_image_mean done');
  return {
    dbs: written.dbs,
    imageTars: written.tars,
    labels,
    counts: { training: countsOf(parts.training), testing: countsOf(parts.testing) },
    samples: new Map(
      [...picks].map(([label, items]): [string, SampleImage[]] => [
        label,
        items.map((item) => ({ encoded: sampleBytes.get(item)! })),
      ]),
    ),
    shape: plan.shape,
    grayscale: plan.grayscale,
    resized: false,
    mean: { file, shape: plan.shape },
  };
}

/**
 * Pass 1: the hygiene checks and the names (plus each image's header) of every distinct archive;
 * the images' bytes too while they fit in memory, so the archive is read once.
 */
async function listArchives(sources: Record<Side, StreamSource>, limits: ArchiveLimits): Promise<Map<string, Listing>> {
  let keptBytes = 0;
  const keepWhole = (entryPath: string, size: number) => {
    if (keptBytes > maxKeptBytes || !isImagePath(normalized(entryPath))) return false;
    keptBytes += size;
    return keptBytes <= maxKeptBytes;
  };
  const listings = new Map<string, Listing>();
  for (const side of sides) {
    const { archive, label } = sources[side];
    if (listings.has(archive)) continue;
    const { size } = await stat(archive);
    const keptBefore = keptBytes;
    const list = async (reader: 'plain' | 'node-tar') => {
      keptBytes = keptBefore;
      const heads = new Map<string, Buffer>();
      const kept = new Map<string, Buffer>();
      await checkTarListing(
        archive,
        new EntryGuard(limits, size, label),
        label,
        (entryPath, bytes, whole) => {
          const relative = normalized(entryPath);
          if (!isImagePath(relative)) return;
          heads.set(relative, bytes.subarray(0, 64));
          if (whole) kept.set(relative, bytes);
        },
        { keepWhole, reader },
      );
      listings.set(archive, { ...groupImagePaths([...heads.keys()], label), heads, kept });
    };
    // Most archives are plain tars (GNU tar's, node-tar's, Python's); anything else is listed again by node-tar.
    await list('plain').catch((error: unknown) => {
      if (!(error instanceof NotPlainTar)) throw error;
      return list('node-tar');
    });
  }
  // Over the cap the kept bytes are dropped, and the images are read in a second pass instead.
  if (keptBytes > maxKeptBytes) for (const listing of listings.values()) listing.kept.clear();
  return listings;
}

/**
 * Which images go where, by archive member name; undefined unless all of them are plain PNGs of
 * one size that need no colour conversion (convert_imageset's path handles the rest).
 */
function planTargets(
  input: BuildInput,
  sources: Record<Side, StreamSource>,
  listings: Map<string, Listing>,
  listing: Record<Side, Listing>,
  parts: Record<Side, Map<string, string[]>>,
  labels: string[],
): Plan | undefined {
  const targets = new Map<string, Map<string, Target>>([...listings.keys()].map((archive) => [archive, new Map()]));
  const counts = { training: 0, testing: 0 };
  let size: { width: number; height: number } | undefined;
  let allGrey = true;
  for (const side of sides) {
    const ordered = sideOrder(parts[side], input.shuffle, input.seed, side);
    if (!ordered.length)
      throw new PermanentFailure(`the ${side} side of the dataset has no images; check splitPercentage`);
    counts[side] = ordered.length;
    const { wrapper, heads } = listing[side];
    const byMember = targets.get(sources[side].archive)!;
    for (const [position, { label, item }] of ordered.entries()) {
      const member = wrapper === undefined ? item : `${wrapper}/${item}`;
      const facts = plainPng(heads.get(member)!);
      if (!facts) return undefined;
      size ??= facts;
      // A size that differs: the convert_imageset path names the odd one.
      if (facts.width !== size.width || facts.height !== size.height) return undefined;
      allGrey &&= facts.colorType === 0;
      byMember.set(member, { side, position, label: labels.indexOf(label), listPath: item });
    }
  }
  const grayscale = input.dataset.transform?.grayscale ?? allGrey;
  if (grayscale && !allGrey) return undefined; // colour → grey is libpng's rgb_to_gray arithmetic
  const { width, height } = size!;
  return { targets, counts, shape: { channels: grayscale ? 1 : 3, height, width }, grayscale };
}

/**
 * Pass 2: decode, write Datums, sum the mean, keep the images for ImageData layers, and the bytes
 * of the training images named in `sampleBytes` (list path → bytes, filled in here) for thumbnails.
 * Undefined (and nothing left behind) when a decoder finds an image that is not plain after all.
 */
async function writeSides(
  decoders: PngDecoders,
  workDir: string,
  caffePrefix: string | undefined,
  listings: Map<string, Listing>,
  plan: Plan,
  sampleBytes: Map<string, Buffer>,
): Promise<{ dbs: Record<Side, string>; tars: Record<Side, string>; mean: MeanAccumulator } | undefined> {
  const { targets, counts, shape } = plan;
  const { channels, height, width } = shape;
  logStep('decode + datums + mdb_load (both sides)');
  const dbs = { training: path.join(workDir, 'training-lmdb'), testing: path.join(workDir, 'testing-lmdb') };
  const tars = {
    training: path.join(workDir, 'training-images.tar'),
    testing: path.join(workDir, 'testing-images.tar'),
  };
  const lists = { training: [] as string[], testing: [] as string[] };
  // Kept in memory, the images go in key order, so float32 sums are compute_image_mean's exactly;
  // read in archive order (a second pass), exact sums, identical while no float32 sum would round.
  const inKeyOrder = [...listings.values()].every((listing) => listing.kept.size > 0);
  const mean = new MeanAccumulator(channels, height, width, inKeyOrder ? 'float32' : 'exact');
  const datum = datumWriter(channels, height, width, true);
  const loaders: Partial<Record<Side, LmdbLoader>> = {};
  const tarWriters: Partial<Record<Side, TarWriter>> = {};
  try {
    for (const side of sides) {
      loaders[side] = await LmdbLoader.open(dbs[side], counts[side] * (channels * width * height + 64 + 256), {
        caffePrefix,
      });
      tarWriters[side] = new TarWriter(tars[side]);
      lists[side] = new Array<string>(counts[side]);
    }
    const convert = async (target: Target, bytes: Buffer) => {
      // Decoded on other threads; the answers come back in call order, so what follows runs in key order.
      const decoded = await decoders.decode(bytes, shape);
      if ('problem' in decoded) throw new PermanentFailure(`image "${target.listPath}" ${decoded.problem}`);
      if ('notPlain' in decoded) throw new NotPlain();
      const data = decoded.pixels;
      if (target.side === 'training') {
        mean.add(data);
        // A copy: the bytes may be a view into a large read buffer that must not stay alive for them.
        if (sampleBytes.has(target.listPath)) sampleBytes.set(target.listPath, Buffer.from(bytes));
      }
      lists[target.side][target.position] = `${target.listPath} ${target.label}`;
      const loaded = loaders[target.side]!.put(
        `${String(target.position).padStart(8, '0')}_${target.listPath}`,
        datum(data, target.label),
      );
      const packed = tarWriters[target.side]!.add(`images/${target.listPath}`, bytes);
      if (loaded) await loaded;
      if (packed) await packed;
    };
    for (const [archive, byMember] of targets) {
      if (!byMember.size) continue;
      const { kept } = listings.get(archive)!;
      if (kept.size) await fromMemory(kept, byMember, convert);
      else await streamArchive(archive, byMember, convert);
    }
    for (const side of sides) {
      await tarWriters[side]!.add('list.txt', Buffer.from(`${lists[side].join('\n')}\n`));
      await tarWriters[side]!.close();
      await loaders[side]!.close();
    }
  } catch (error) {
    await Promise.all(Object.values(loaders).map((loader) => loader.abort()));
    await Promise.all(Object.values(tarWriters).map((writer) => writer.close().catch(() => undefined)));
    await Promise.all(
      [...Object.values(dbs), ...Object.values(tars)].map((item) => rm(item, { recursive: true, force: true })),
    );
    if (error instanceof NotPlain) return undefined;
    throw error;
  }
  return { dbs, tars, mean };
}

/**
 * Calls `use` with each kept member of `wanted` in key order (side by side, position by
 * position), a window at a time so the pipes and the disk keep up (and the decoder threads
 * always have a few batches in hand). Key order matters beyond
 * speed: LMDB fills its pages as convert_imageset's database does (out of order more pages
 * split part-full: 12.5 instead of 11.1 MB for 8,000 28x28 Datums, uploaded and downloaded for
 * every job), and the mean is summed in the tool's order.
 */
async function fromMemory(
  kept: Map<string, Buffer>,
  wanted: Map<string, Target>,
  use: (target: Target, bytes: Buffer) => Promise<void>,
): Promise<void> {
  const inKeyOrder = [...wanted].sort(([, a], [, b]) =>
    a.side === b.side ? a.position - b.position : a.side === 'training' ? -1 : 1,
  );
  const inFlight: Array<Promise<void>> = [];
  for (const [member, target] of inKeyOrder) {
    const converted = use(target, kept.get(member)!);
    converted.catch(() => undefined); // awaited below; a failure before then must not count as unhandled
    inFlight.push(converted);
    if (inFlight.length >= 2048) await Promise.all(inFlight.splice(0, 1024));
  }
  await Promise.all(inFlight);
}

/**
 * Reads the archive again and calls `use` with each member of `wanted` and its bytes, one chunk of
 * the file at a time: the next chunk is parsed only once the previous one's work (pipes, disk) is
 * done, so memory stays bounded whatever the archive's size.
 */
async function streamArchive(
  archive: string,
  wanted: Map<string, Target>,
  use: (target: Target, bytes: Buffer) => Promise<void>,
): Promise<void> {
  let work: Array<Promise<void>> = [];
  let failure: unknown;
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const target =
        entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile'
          ? wanted.get(normalized(entry.path))
          : undefined;
      if (!target) return void entry.resume();
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        try {
          work.push(
            use(target, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).catch(
              (error: unknown) => void (failure ??= error),
            ),
          );
        } catch (error) {
          failure ??= error;
        }
      });
    },
  });
  parser.on('error', (error: Error) => (failure ??= error));
  for await (const chunk of createReadStream(archive, { highWaterMark: 256 * 1024 })) {
    parser.write(chunk as Buffer);
    if (work.length) await Promise.all(work.splice(0));
    if (failure) throw failure;
  }
  parser.end();
  await Promise.all(work);
  work = [];
  if (failure) throw failure;
}
