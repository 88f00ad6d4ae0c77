/**
 * The worker's pure helpers: image headers (container/worker/image-info.ts), the stratified seeded
 * split (container/worker/split.ts) and the archive entry check (container/worker/archive.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { entryProblem } from '../../../../container/worker/archive';
import { imageExtensions, imageInfo } from '../../../../container/worker/image-info';
import { seededRandom, seedFrom, shuffled, stratifiedSplit } from '../../../../container/worker/split';

const dir = mkdtempSync(path.join(os.tmpdir(), 'image-info-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
const file = (bytes: Buffer, ext = 'bin'): string => {
  const name = path.join(dir, `f${counter++}.${ext}`);
  writeFileSync(name, bytes);
  return name;
};

/** A real PNG written by pngjs with the given colour type (0 grey, 2 RGB, 4 grey+alpha, 6 RGBA). */
function png(width: number, height: number, colorType: 0 | 2 | 4 | 6): Buffer {
  const image = new PNG({ width, height });
  image.data.fill(128);
  return PNG.sync.write(image, { colorType });
}

/** A hand-made JPEG header: SOI, an APP0 (JFIF) segment, a DHT stub, then a SOF with the size and component count. */
function jpeg(width: number, height: number, components: number, sofMarker = 0xc0): Buffer {
  const app0 = Buffer.from([
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
  ]);
  // DHT (C4) sits in the SOF marker range but carries no frame size: it must be skipped.
  const dht = Buffer.from([0xff, 0xc4, 0x00, 0x05, 0x00, 0x00, 0x00]);
  const sofLength = 8 + 3 * components;
  const sof = Buffer.alloc(2 + sofLength);
  sof[0] = 0xff;
  sof[1] = sofMarker;
  sof.writeUInt16BE(sofLength, 2);
  sof[4] = 8; // precision
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  sof[9] = components;
  for (let c = 0; c < components; c++) sof.set([c + 1, 0x11, 0], 10 + 3 * c);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, dht, sof, Buffer.from([0xff, 0xd9])]);
}

/** A BMP file header + BITMAPINFOHEADER (no pixel data needed to read the size). */
function bmp(width: number, height: number): Buffer {
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  return header;
}

describe('imageInfo', () => {
  it('reads a grey PNG', async () => {
    await expect(imageInfo(file(png(28, 28, 0), 'png'))).resolves.toEqual({ width: 28, height: 28, grayscale: true });
  });

  it('grey + alpha PNG counts as grayscale', async () => {
    await expect(imageInfo(file(png(5, 3, 4), 'png'))).resolves.toEqual({ width: 5, height: 3, grayscale: true });
  });

  it.each([2, 6] as const)(
    'colour PNG (colour type %i) is not grayscale, width and height not swapped',
    async (colorType) => {
      await expect(imageInfo(file(png(32, 17, colorType), 'png'))).resolves.toEqual({
        width: 32,
        height: 17,
        grayscale: false,
      });
    },
  );

  it('reads a one-component (grey) JPEG from its SOF0, skipping APP0 and DHT', async () => {
    await expect(imageInfo(file(jpeg(640, 480, 1), 'jpg'))).resolves.toEqual({
      width: 640,
      height: 480,
      grayscale: true,
    });
  });

  it('reads a three-component (colour) JPEG', async () => {
    await expect(imageInfo(file(jpeg(300, 200, 3), 'jpg'))).resolves.toEqual({
      width: 300,
      height: 200,
      grayscale: false,
    });
  });

  it('reads a progressive (SOF2) JPEG', async () => {
    await expect(imageInfo(file(jpeg(64, 48, 3, 0xc2), 'jpg'))).resolves.toEqual({
      width: 64,
      height: 48,
      grayscale: false,
    });
  });

  it('reads a BMP, bottom-up and top-down (negative height)', async () => {
    await expect(imageInfo(file(bmp(40, 30), 'bmp'))).resolves.toEqual({ width: 40, height: 30, grayscale: false });
    await expect(imageInfo(file(bmp(40, -30), 'bmp'))).resolves.toEqual({ width: 40, height: 30, grayscale: false });
  });

  it.each([
    ['garbage bytes', Buffer.from('this is not an image at all, just text')],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated PNG signature', png(4, 4, 0).subarray(0, 12)],
    ['a JPEG with no SOF', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xd9, 0, 0, 0])],
    ['a JPEG whose segments break off', Buffer.from([0xff, 0xd8, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0])],
  ])('answers undefined for %s', async (_, bytes) => {
    await expect(imageInfo(file(bytes))).resolves.toBeUndefined();
  });

  it('the image extensions', () => {
    for (const name of ['a.png', 'b.PNG', 'c.jpg', 'd.jpeg', 'e.JPG', 'f.bmp'])
      expect(imageExtensions.test(name)).toBe(true);
    for (const name of ['a.gif', 'b.png.txt', 'c', 'd.tiff']) expect(imageExtensions.test(name)).toBe(false);
  });
});

describe('seeded randomness', () => {
  it('seededRandom is deterministic for a seed, in [0, 1), and differs between seeds', () => {
    const take = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 100 }, () => random());
    };
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
    for (const value of take(7)) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('seedFrom is a stable 32-bit hash of the text', () => {
    expect(seedFrom('ds_abc')).toBe(seedFrom('ds_abc'));
    expect(seedFrom('ds_abc')).not.toBe(seedFrom('ds_abd'));
    expect(seedFrom('')).toBe(0x811c9dc5);
    expect(Number.isInteger(seedFrom('x'))).toBe(true);
    expect(seedFrom('x')).toBeGreaterThanOrEqual(0);
    expect(seedFrom('x')).toBeLessThan(2 ** 32);
  });

  it('shuffled returns a permutation and leaves the input alone', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const copy = [...items];
    const result = shuffled(items, seededRandom(1));
    expect(items).toEqual(copy);
    expect([...result].sort((a, b) => a - b)).toEqual(items);
    expect(result).not.toEqual(items);
  });
});

describe('stratifiedSplit', () => {
  const byLabel = new Map<string, string[]>([
    ['cat', Array.from({ length: 10 }, (_, i) => `cat/${i}.png`)],
    ['dog', Array.from({ length: 25 }, (_, i) => `dog/${i}.png`)],
    ['emu', Array.from({ length: 3 }, (_, i) => `emu/${i}.png`)],
  ]);

  it('cuts every class by the fractions (rounded), so each class keeps its proportion', () => {
    const [training, testing] = stratifiedSplit(byLabel, [0.8, 0.2], 123);
    expect(Object.fromEntries([...training!].map(([l, v]) => [l, v.length]))).toEqual({ cat: 8, dog: 20, emu: 2 });
    expect(Object.fromEntries([...testing!].map(([l, v]) => [l, v.length]))).toEqual({ cat: 2, dog: 5, emu: 1 });
  });

  it('parts never overlap and together cover the class when the fractions sum to 1', () => {
    const [a, b] = stratifiedSplit(byLabel, [0.5, 0.5], 9);
    for (const [label, items] of byLabel) {
      const left = a!.get(label)!;
      const right = b!.get(label)!;
      expect(left.filter((x) => right.includes(x))).toEqual([]);
      expect([...left, ...right].sort()).toEqual([...items].sort());
    }
  });

  it('fractions below 1 leave the rest out, still without overlap', () => {
    const [a, b] = stratifiedSplit(byLabel, [0.4, 0.2], 5);
    const dogA = a!.get('dog')!;
    const dogB = b!.get('dog')!;
    expect(dogA).toHaveLength(10);
    expect(dogB).toHaveLength(5);
    expect(new Set([...dogA, ...dogB]).size).toBe(15);
  });

  it('a fraction of 0 alone means the whole class', () => {
    const [all] = stratifiedSplit(byLabel, [0], 1);
    for (const [label, items] of byLabel) expect([...all!.get(label)!].sort()).toEqual([...items].sort());
  });

  it('is deterministic for a seed, and another seed picks other images', () => {
    const once = stratifiedSplit(byLabel, [0.8, 0.2], seedFrom('ds_one'));
    const again = stratifiedSplit(byLabel, [0.8, 0.2], seedFrom('ds_one'));
    const other = stratifiedSplit(byLabel, [0.8, 0.2], seedFrom('ds_two'));
    expect(again).toEqual(once);
    expect(other[1]!.get('dog')).not.toEqual(once[1]!.get('dog'));
  });

  it('does not depend on the order labels are given in', () => {
    const reversed = new Map([...byLabel].reverse());
    expect(stratifiedSplit(reversed, [0.7, 0.3], 77)).toEqual(stratifiedSplit(byLabel, [0.7, 0.3], 77));
  });

  it('shuffles within a class (not just the first n files)', () => {
    const [training] = stratifiedSplit(byLabel, [0.8, 0.2], 3);
    expect(training!.get('dog')).not.toEqual(byLabel.get('dog')!.slice(0, 20));
  });
});

describe('entryProblem', () => {
  it.each([
    ['0-shirt/a.png', 'File'],
    ['0-shirt/', 'Directory'],
    ['a/b/c/d.png', 'OldFile'],
    ['a/b.png', 'ContiguousFile'],
    ['a..b/c..png', 'File'],
    ['./a/b.png', 'File'],
  ])('accepts %s (%s)', (entry, type) => {
    expect(entryProblem(entry, type)).toBeUndefined();
  });

  it.each([
    ['/tmp/evil.png', 'File', 'has an absolute path'],
    ['/', 'Directory', 'has an absolute path'],
    ['C:\\evil.png', 'File', 'has an absolute path'],
    ['c:/evil.png', 'File', 'has an absolute path'],
    ['../evil.png', 'File', 'escapes the archive with ".."'],
    ['a/../../evil.png', 'File', 'escapes the archive with ".."'],
    ['a\\..\\..\\evil.png', 'File', 'escapes the archive with ".."'],
    ['..', 'Directory', 'escapes the archive with ".."'],
    ['a/link.png', 'SymbolicLink', 'is a symbolic link, not a regular file or folder'],
    ['a/hard.png', 'Link', 'is a hard link, not a regular file or folder'],
    ['a/dev', 'CharacterDevice', 'is a device file, not a regular file or folder'],
    ['a/blk', 'BlockDevice', 'is a device file, not a regular file or folder'],
    ['a/fifo', 'FIFO', 'is a FIFO, not a regular file or folder'],
  ])('refuses %s (%s): %s', (entry, type, problem) => {
    expect(entryProblem(entry, type)).toBe(problem);
  });
});
