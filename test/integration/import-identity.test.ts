/**
 * The fast import path writes the same databases as Caffe's own tools: the LMDBs hold identical
 * key/value pairs (read back with LMDB's mdb_dump) and the mean files are identical bytes
 * (compute_image_mean's float32 sums, see formats/datum.ts). Real Caffe, real mdb_load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import * as os from 'node:os';
import * as path from 'node:path';
import { caffeToolCommand, lmdbToolsPrefix, runCaffeTool } from '../../core/caffe/tools';
import { PNG } from 'pngjs';
import { list } from 'tar';
import { extractArchive } from '../../container/worker/archive';
import type { BuildInput, BuiltSides } from '../../container/worker/formats/build';
import { writeIdxLmdb } from '../../container/worker/formats/build-idx';
import { buildFromImages } from '../../container/worker/formats/build-images';
import { defaultArchiveLimits } from '../../container/worker/formats/limits';
import { computeMean } from '../../container/worker/formats/mean';
import { buildImagesInStream } from '../../container/worker/formats/stream-images';
import { readImageFolders } from '../../container/worker/image-folders';
import type { Dataset, ImageTransform } from '../../core/records/types';
import { craftTar, fashionMnistEntries, type TarEntry } from '../support/tar-craft';
import { MeanAccumulator } from '../../container/worker/formats/datum';
import { writeIdxSubset, type IdxData } from '../../container/worker/formats/idx';
import { readPng, unfilter } from '../../container/worker/png-check';
import { seededRandom, shuffled } from '../../container/worker/split';
import { ensureCaffe, ensureFashionMnist } from '../../local/caffe/install';
import { idxPair } from '../support/format-fixtures';
import { buildInputFor, splitDatasetRecord } from '../../local/fixtures/dataset-build';

jest.setTimeout(120_000);

let prefix: string;
let work: string;
beforeAll(async () => {
  prefix = await ensureCaffe();
  work = mkdtempSync(path.join(os.tmpdir(), 'import-identity-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every key/value pair of an LMDB, as mdb_dump prints them (hex), without the header (its map size differs). */
function pairs(db: string): string[] {
  const cmd = caffeToolCommand('mdb_dump', [db], { prefix: lmdbToolsPrefix(prefix) });
  const result = spawnSync(cmd.command, cmd.args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`mdb_dump ${db} failed: ${result.stderr}`);
  const lines = result.stdout.split('\n');
  return lines.slice(lines.indexOf('HEADER=END') + 1).filter((line) => line.startsWith(' '));
}

async function caffeTool(tool: string, args: string[]): Promise<void> {
  const result = await runCaffeTool(tool, args, { prefix });
  if (result.code !== 0) throw new Error(`${tool} failed: ${result.output.slice(-500)}`);
}

describe('IDX: Datums written directly vs convert_mnist_data', () => {
  it('gives the same key/value pairs and the same mean, in a shuffled subset order', async () => {
    const { images, labels } = await idxPair(await ensureFashionMnist(), 500);
    const idx: IdxData = { count: 500, height: 28, width: 28, pixels: images.subarray(16), labels: labels.subarray(8) };
    const order = shuffled([...Array(500).keys()], seededRandom(42)).slice(0, 400);

    const fastDb = path.join(work, 'idx-fast');
    const mean = new MeanAccumulator(1, 28, 28);
    await writeIdxLmdb(idx, order, fastDb, prefix, mean);
    writeFileSync(path.join(work, 'idx-fast-mean'), mean.blobProto());

    const caffeDb = path.join(work, 'idx-caffe');
    await writeIdxSubset(idx, order, path.join(work, 'sub-images'), path.join(work, 'sub-labels'));
    await caffeTool('convert_mnist_data', [
      '--backend=lmdb',
      path.join(work, 'sub-images'),
      path.join(work, 'sub-labels'),
      caffeDb,
    ]);
    await caffeTool('compute_image_mean', ['--backend=lmdb', caffeDb, path.join(work, 'idx-caffe-mean')]);

    const expected = pairs(caffeDb);
    expect(expected).toHaveLength(800); // 400 keys, 400 values
    expect(pairs(fastDb)).toEqual(expected);
    expect(readFileSync(path.join(work, 'idx-fast-mean')).equals(readFileSync(path.join(work, 'idx-caffe-mean')))).toBe(
      true,
    );
  });
});

/** An RGB PNG (pngjs picks a filter per row) whose three channels all differ, so B/G/R order shows. */
function rgbPng(grey: Buffer, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 2, inputColorType: 2, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.alloc(width * height * 3);
  grey.forEach((value, i) => {
    png.data[i * 3] = value;
    png.data[i * 3 + 1] = 255 - value;
    png.data[i * 3 + 2] = (value * 7 + i) & 0xff;
  });
  return PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
}

const dataset = splitDatasetRecord;

function input(name: string, ds: Dataset): BuildInput {
  const workDir = path.join(work, name);
  mkdirSync(workDir, { recursive: true });
  return buildInputFor(workDir, prefix, ds);
}

/** The list.txt inside a side's ImageData tar, and the image names beside it. */
async function tarContents(file: string): Promise<{ list: string; images: string[] }> {
  let listText = '';
  const images: string[] = [];
  await list({
    file,
    onReadEntry: (entry) => {
      if (entry.path === 'list.txt') entry.on('data', (chunk: Buffer) => (listText += chunk.toString()));
      else images.push(entry.path);
    },
  });
  return { list: listText, images: images.sort() };
}

/** Builds `entries` both ways and asserts the databases, the means, the lists and the facts agree. */
async function expectSameBothWays(name: string, entries: TarEntry[], transform?: ImageTransform): Promise<BuiltSides> {
  const archive = path.join(work, `${name}.tar.gz`);
  writeFileSync(archive, craftTar(entries, { gzip: true }));
  const source = { archive, label: 'datafile df' };

  const fast = await buildImagesInStream(
    input(`${name}-fast`, dataset(transform)),
    { training: source, testing: source },
    defaultArchiveLimits(),
  );
  expect(fast).toBeDefined();

  const slowInput = input(`${name}-caffe`, dataset(transform));
  const root = path.join(slowInput.ctx.workDir, 'extracted');
  await extractArchive(archive, root);
  const images = await readImageFolders(root, 'datafile df');
  const slow = await buildFromImages(slowInput, { training: images, testing: images });
  const slowMean = path.join(slowInput.ctx.workDir, 'mean.binaryproto');
  await computeMean(slow.dbs.training, 'lmdb', slowMean, 'the training data', prefix);

  for (const side of ['training', 'testing'] as const) {
    const expected = pairs(slow.dbs[side]);
    expect(expected.length).toBeGreaterThan(0);
    expect(pairs(fast!.dbs[side])).toEqual(expected);
    const packed = await tarContents(fast!.imageTars![side]);
    expect(packed.list).toBe(readFileSync(slow.images![side].listFile, 'utf8'));
    expect(packed.images).toEqual(
      packed.list
        .trim()
        .split('\n')
        .map((line) => `images/${line.slice(0, line.lastIndexOf(' '))}`)
        .sort(),
    );
  }
  expect(readFileSync(fast!.mean!.file).equals(readFileSync(slowMean))).toBe(true);
  expect({ labels: fast!.labels, counts: fast!.counts, shape: fast!.shape, grayscale: fast!.grayscale }).toEqual({
    labels: slow.labels,
    counts: slow.counts,
    shape: slow.shape,
    grayscale: slow.grayscale,
  });
  return fast!;
}

describe('image folders: decoded in the stream vs extracted and convert_imageset', () => {
  it('grey PNGs (inside a wrapping folder) give the same Datums, keys, mean and ImageData lists', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 120);
    const wrapped: TarEntry[] = [
      { path: 'fashion/', type: 'directory' },
      ...entries.map((entry) => ({ ...entry, path: `fashion/${entry.path}` })),
    ];
    const built = await expectSameBothWays('grey', wrapped);
    expect(built.shape).toEqual({ channels: 1, height: 28, width: 28 });
  });

  it('RGB and grey PNGs together give the same 3-channel (BGR) Datums and mean', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 90);
    const mixed = entries.map((entry, i) =>
      'data' in entry && i % 3 !== 0
        ? {
            ...entry,
            data: rgbPng(Buffer.from(PNG.sync.read(entry.data as Buffer).data.filter((_, j) => j % 4 === 0)), 28, 28),
          }
        : entry,
    );
    const built = await expectSameBothWays('colour', mixed);
    expect(built.shape).toEqual({ channels: 3, height: 28, width: 28 });
  });

  it('grey PNGs with colour forced give the same 3-channel Datums', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 40);
    await expectSameBothWays('forced-colour', entries, { grayscale: false });
  });

  it('leaves to convert_imageset what it cannot reproduce: resizing, colour made grey', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 20);
    const colour = entries.map((entry) =>
      'data' in entry ? { ...entry, data: rgbPng(Buffer.alloc(28 * 28, 9), 28, 28) } : entry,
    );
    const archive = path.join(work, 'fallback.tar.gz');
    const source = { archive, label: 'datafile df' };
    writeFileSync(archive, craftTar(entries, { gzip: true }));
    expect(
      await buildImagesInStream(
        input('resize', dataset({ width: 32, height: 32 })),
        { training: source, testing: source },
        defaultArchiveLimits(),
      ),
    ).toBeUndefined();
    writeFileSync(archive, craftTar(colour, { gzip: true }));
    expect(
      await buildImagesInStream(
        input('to-grey', dataset({ grayscale: true })),
        { training: source, testing: source },
        defaultArchiveLimits(),
      ),
    ).toBeUndefined();
  });
});

/** `png` with one more chunk inserted right after IHDR (a valid CRC, so only its meaning matters). */
function withChunk(png: Buffer, type: string, body: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  const afterIhdr = 8 + 12 + 13;
  return Buffer.concat([png.subarray(0, afterIhdr), head, typed, crc, png.subarray(afterIhdr)]);
}

describe('image folders in the stream: what it refuses and what it hands back', () => {
  const build = async (name: string, entries: TarEntry[]) => {
    const archive = path.join(work, `${name}.tar.gz`);
    writeFileSync(archive, craftTar(entries, { gzip: true }));
    const source = { archive, label: 'datafile df' };
    const buildInput = input(name, dataset());
    const result = await buildImagesInStream(buildInput, { training: source, testing: source }, defaultArchiveLimits());
    return { result, workDir: buildInput.ctx.workDir };
  };

  it('names a corrupt PNG as the extract path does, and leaves no databases behind', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 30);
    const victim = entries.findIndex((entry) => 'data' in entry);
    const bad = Buffer.from((entries[victim] as { data: Buffer }).data);
    bad[bad.length - 20] = bad[bad.length - 20]! ^ 0xff; // inside the IDAT data: its CRC no longer matches
    entries[victim] = { ...entries[victim]!, data: bad } as TarEntry;
    const archive = path.join(work, 'corrupt.tar.gz');
    writeFileSync(archive, craftTar(entries, { gzip: true }));
    const source = { archive, label: 'datafile df' };
    const buildInput = input('corrupt', dataset());
    await expect(
      buildImagesInStream(buildInput, { training: source, testing: source }, defaultArchiveLimits()),
    ).rejects.toThrow(`image "${entries[victim]!.path}" is a corrupt or truncated PNG (it does not decode)`);
    expect(existsSync(path.join(buildInput.ctx.workDir, 'training-lmdb'))).toBe(false);
    expect(existsSync(path.join(buildInput.ctx.workDir, 'testing-lmdb'))).toBe(false);
  });

  it('hands a PNG with transparency (tRNS) back to convert_imageset, removing what it started', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 30);
    const last = entries.map((entry) => 'data' in entry).lastIndexOf(true);
    entries[last] = {
      ...entries[last]!,
      data: withChunk((entries[last] as { data: Buffer }).data, 'tRNS', Buffer.from([0, 0])),
    } as TarEntry;
    const { result, workDir } = await build('transparent', entries);
    expect(result).toBeUndefined();
    expect(existsSync(path.join(workDir, 'training-lmdb'))).toBe(false);
    expect(existsSync(path.join(workDir, 'training-images.tar'))).toBe(false);
  });

  it('refuses an unsafe archive before reading any image, with the message extraction gives', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 10);
    await expect(build('unsafe', [...entries, { path: '../escape.png', data: 'x' }])).rejects.toThrow(
      /\.\.\/escape\.png.*escapes the archive/,
    );
  });
});

describe('unfiltering', () => {
  it.each([0, 1, 2, 3, 4])('undoes PNG filter type %i for grey and RGB images as pngjs decodes them', (filterType) => {
    const random = seededRandom(filterType + 1);
    for (const [colorType, samples] of [
      [0, 1],
      [2, 3],
    ] as const) {
      const [width, height] = [13, 7];
      const png = new PNG({ width, height, colorType, inputColorType: colorType, inputHasAlpha: false, bitDepth: 8 });
      png.data = Buffer.from(Array.from({ length: width * height * samples }, () => Math.floor(random() * 256)));
      const bytes = PNG.sync.write(png, { colorType, inputColorType: colorType, inputHasAlpha: false, filterType });
      const read = readPng(bytes);
      if (read.problem !== undefined) throw new Error(read.problem);
      const rgba = PNG.sync.read(bytes).data;
      const expected = Buffer.from(rgba.filter((_, i) => i % 4 < samples));
      expect(unfilter(read.scanlines, width, height, samples)).toEqual(expected);
    }
  });
});
