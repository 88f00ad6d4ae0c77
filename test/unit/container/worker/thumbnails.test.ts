/** Thumbnails of a dataset's sample images: their size, the averaging, and the PNGs written. */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import {
  downscale,
  encodePng,
  greyToRgba,
  pngColorType,
  thumbnail,
  thumbnailSize,
} from '../../../../container/worker/thumbnails';
import { thumbnailMaxSide } from '../../../../core/dataset-samples';

/** An opaque RGBA image whose pixels `pixel(x, y)` gives. */
function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number, number]) {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 4);
  return { width, height, data };
}

describe('thumbnailSize', () => {
  it('keeps an image that fits (no upscaling)', () => {
    expect(thumbnailSize(28, 28)).toEqual({ width: 28, height: 28 });
    expect(thumbnailSize(thumbnailMaxSide, 10)).toEqual({ width: thumbnailMaxSide, height: 10 });
  });

  it('scales the longest side down to the limit, keeping the aspect ratio', () => {
    expect(thumbnailSize(200, 100)).toEqual({ width: 96, height: 48 });
    expect(thumbnailSize(100, 300)).toEqual({ width: 32, height: 96 });
    expect(thumbnailSize(256, 256)).toEqual({ width: 96, height: 96 });
  });

  it('never makes a side smaller than one pixel', () => {
    expect(thumbnailSize(4000, 1)).toEqual({ width: 96, height: 1 });
  });
});

describe('downscale', () => {
  it('averages the pixels each target pixel covers', () => {
    const checker = image(4, 4, (x, y) => ((x + y) % 2 ? [200, 100, 0, 255] : [0, 0, 0, 255]));
    const scaled = downscale(checker, 2, 2);
    expect(scaled.width).toBe(2);
    expect([...scaled.data]).toEqual([100, 50, 0, 255, 100, 50, 0, 255, 100, 50, 0, 255, 100, 50, 0, 255]);
  });

  it('weights pixels a target pixel covers only in part', () => {
    // Three pixels into two: the middle one is half in each.
    const row = image(3, 1, (x) => [x * 90, 0, 0, 255]);
    expect([...downscale(row, 2, 1).data].filter((_, i) => i % 4 === 0)).toEqual([30, 150]);
  });

  it('returns an image already of the size unchanged', () => {
    const same = image(3, 3, () => [1, 2, 3, 255]);
    expect(downscale(same, 3, 3)).toBe(same);
  });
});

describe('encodePng', () => {
  it.each([
    ['grey', [7, 7, 7, 255], 0],
    ['colour', [7, 8, 9, 255], 2],
    ['transparent', [7, 7, 7, 128], 6],
  ] as const)('writes a %s image as colour type %i, and it reads back the same', (_kind, pixel, colorType) => {
    const source = image(3, 2, () => [...pixel]);
    expect(pngColorType(source)).toBe(colorType);
    const png = PNG.sync.read(encodePng(source));
    expect([png.width, png.height]).toEqual([3, 2]);
    expect([...png.data]).toEqual([...source.data]);
  });
});

describe('thumbnail', () => {
  it('keeps a 28x28 grey image (IDX pixels) at its size as a PNG', () => {
    const grey = Buffer.alloc(28 * 28, 90);
    const made = thumbnail({ grey, width: 28, height: 28 })!;
    expect([made.width, made.height]).toEqual([28, 28]);
    const png = PNG.sync.read(made.png);
    expect([png.width, png.height, png.data[0], png.data[3]]).toEqual([28, 28, 90, 255]);
  });

  it('scales a large JPEG down to the longest side', () => {
    const source = image(300, 150, () => [200, 10, 10, 255]);
    const encoded = Buffer.from(jpeg.encode({ ...source, data: Buffer.from(source.data) }, 90).data);
    const made = thumbnail({ encoded })!;
    expect([made.width, made.height]).toEqual([96, 48]);
    const png = PNG.sync.read(made.png);
    expect([png.width, png.height]).toEqual([96, 48]);
    expect(png.data[0]).toBeGreaterThan(180);
  });

  it('scales a PNG down the same way', () => {
    const source = image(200, 100, () => [5, 6, 7, 255]);
    const png = new PNG({ width: 200, height: 100 });
    png.data = Buffer.from(source.data);
    const made = thumbnail({ encoded: PNG.sync.write(png) })!;
    expect([made.width, made.height]).toEqual([96, 48]);
  });

  it('answers undefined for bytes it cannot decode (a BMP, a truncated file)', () => {
    expect(thumbnail({ encoded: Buffer.from('BM not decoded here') })).toBeUndefined();
    expect(thumbnail({ encoded: Buffer.alloc(0) })).toBeUndefined();
  });

  it('expands grey pixels to opaque RGBA', () => {
    expect([...greyToRgba(Buffer.from([3, 4]), 2, 1).data]).toEqual([3, 3, 3, 255, 4, 4, 4, 255]);
  });
});
