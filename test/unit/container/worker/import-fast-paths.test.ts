/**
 * The fast paths of a dataset import: the PNG check that verifies chunks, CRCs and the inflated
 * scanline length instead of decoding pixels, and the single-pass tar extraction (big files
 * streamed, small ones written from memory, nothing left behind when an entry is refused).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { extractArchive } from '../../../../container/worker/archive';
import type { ArchiveLimits } from '../../../../container/worker/formats/limits';
import { checkedImages } from '../../../../container/worker/image-info';
import { pngProblem, pngSignature } from '../../../../container/worker/png-check';
import { greyPng } from '../../../../local/fixtures/fashion-mnist';
import { craftTar } from '../../../support/tar-craft';

const corrupt = 'is a corrupt or truncated PNG (it does not decode)';

function chunk(type: string, body: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A PNG around raw (filtered) scanline bytes: 8-bit grey, `interlace` 0 or 1. */
function rawPng(width: number, height: number, scanlines: Buffer, interlace = 0, after = Buffer.alloc(0)): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grey
  ihdr[12] = interlace;
  return Buffer.concat([
    pngSignature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(scanlines)),
    chunk('IEND', Buffer.alloc(0)),
    after,
  ]);
}

describe('pngProblem', () => {
  it('accepts an Adam7-interlaced 8x8 grey PNG (79 scanline bytes over seven passes)', () => {
    // Passes of 8x8: 1x1, 1x1, 2x1, 2x2, 4x2, 4x4, 8x4 pixels; each row is one filter byte plus its pixels.
    expect(pngProblem(rawPng(8, 8, Buffer.alloc(79), 1))).toBeUndefined();
    expect(pngProblem(rawPng(8, 8, Buffer.alloc(78), 1))).toBe('has a PNG header that does not match its pixels');
  });

  it('refuses scanline data one byte short or one byte long of what the header promises', () => {
    expect(pngProblem(rawPng(3, 2, Buffer.alloc(8)))).toBeUndefined();
    expect(pngProblem(rawPng(3, 2, Buffer.alloc(7)))).toBe('has a PNG header that does not match its pixels');
    expect(pngProblem(rawPng(3, 2, Buffer.alloc(9)))).toBe('has a PNG header that does not match its pixels');
  });

  it('refuses an unknown row filter type', () => {
    expect(pngProblem(rawPng(3, 2, Buffer.from([0, 1, 2, 3, 5, 1, 2, 3])))).toBe(corrupt);
  });

  it('refuses bytes appended after IEND and a file cut before IEND', () => {
    const whole = rawPng(3, 2, Buffer.alloc(8));
    expect(pngProblem(rawPng(3, 2, Buffer.alloc(8), 0, Buffer.from('payload')))).toBe(corrupt);
    expect(pngProblem(whole.subarray(0, whole.length - 12))).toBe(corrupt);
  });

  it.each([
    [2, 16],
    [6, 8],
    [4, 8],
  ])('accepts what pngjs writes (colour type %i, %i bits)', (colorType, bitDepth) => {
    const image = new PNG({ width: 5, height: 3 });
    image.data.fill(200);
    const options = { colorType, bitDepth, inputColorType: 6 } as unknown as Parameters<typeof PNG.sync.write>[1];
    expect(pngProblem(PNG.sync.write(image, options))).toBeUndefined();
  });
});

describe('checkedImages', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'import-fast-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns every header in input order and names the first bad image in input order', async () => {
    const images = Array.from({ length: 40 }, (_, i) => {
      const file = path.join(dir, `${i}.png`);
      writeFileSync(file, greyPng(Buffer.alloc(2 + (i % 3), 7), 2 + (i % 3), 1));
      return { file, entry: `x/${i}.png` };
    });
    const infos = await checkedImages(images, 4);
    expect(infos.map((info) => info.width)).toEqual(images.map((_, i) => 2 + (i % 3)));
    writeFileSync(images[33]!.file, 'not an image');
    writeFileSync(images[21]!.file, readFileSync(images[20]!.file).subarray(0, 40));
    await expect(checkedImages(images, 4)).rejects.toThrow(`image "x/21.png" ${corrupt}`);
  });
});

describe('single-pass tar extraction', () => {
  const limits: ArchiveLimits = {
    maxEntries: 100,
    maxUncompressedBytes: 1 << 30,
    maxCompressionRatio: 1e6,
    ratioFloorBytes: 1 << 20,
  };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'import-tar-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function extract(data: Buffer) {
    const file = path.join(dir, 'upload');
    writeFileSync(file, data);
    return extractArchive(file, path.join(dir, 'out'), 'the datafile', limits);
  }

  it('writes big (streamed), small and empty files byte for byte', async () => {
    const big = Buffer.from(Array.from({ length: 3 << 20 }, (_, i) => (i * 31) & 255));
    const entries = [
      { path: 'data/', type: 'directory' as const },
      { path: 'data/big.bin', data: big },
      { path: 'data/small.txt', data: 'hello' },
      { path: 'data/empty', data: '' },
    ];
    await expect(extract(craftTar(entries, { gzip: true }))).resolves.toBe(4);
    expect(readFileSync(path.join(dir, 'out/data/big.bin')).equals(big)).toBe(true);
    expect(readFileSync(path.join(dir, 'out/data/small.txt'), 'utf8')).toBe('hello');
    expect(readFileSync(path.join(dir, 'out/data/empty')).length).toBe(0);
  });

  it('leaves nothing extracted when a later entry is refused', async () => {
    const archive = craftTar([
      { path: 'a/1.txt', data: 'one' },
      { path: 'a/link', type: 'symlink', target: '/etc/passwd' },
      { path: 'a/2.txt', data: 'two' },
    ]);
    await expect(extract(archive)).rejects.toThrow('entry "a/link" is a symbolic link');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('names a file whose name is also used as a folder, in either order', async () => {
    await expect(
      extract(
        craftTar([
          { path: 'a/b/c.txt', data: 'c' },
          { path: 'a/b', data: 'clash' },
        ]),
      ),
    ).rejects.toThrow('entry "a/b" is a file where the archive has a folder of the same name');
    await expect(
      extract(
        craftTar([
          { path: 'a/b', data: 'clash' },
          { path: 'a/B/c.txt', data: 'c' },
        ]),
      ),
    ).rejects.toThrow('entry "a/B/c.txt" is inside "a/b", which the archive has as a file');
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });
});
