/**
 * Thumbnails of a dataset's sample images: decoded (PNG, JPEG; IDX images arrive as grey pixels),
 * scaled down by area averaging so the longest side is at most `thumbnailMaxSide` (never up), and
 * written as the smallest PNG that holds them (grey, RGB, or RGBA when anything is transparent).
 */
import { PNG } from 'pngjs';
import { thumbnailMaxSide } from '../../core/dataset-samples';
import type { RgbaImage } from '../../core/caffe/preprocess';
import { decodeImage } from '../../core/caffe/preprocess-image';

/** A sample image as a builder has it: the file's bytes, or raw 8-bit grey pixels (IDX). */
export type SampleImage = { encoded: Buffer } | { grey: Buffer; width: number; height: number };

/** The thumbnail's size: the image's own when it fits, else scaled so its longest side is `maxSide`. */
export function thumbnailSize(
  width: number,
  height: number,
  maxSide = thumbnailMaxSide,
): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    width: Math.max(1, Math.min(maxSide, Math.round(width * scale))),
    height: Math.max(1, Math.min(maxSide, Math.round(height * scale))),
  };
}

/**
 * The image scaled to `width` x `height` (not larger than it) by averaging the source pixels each
 * target pixel covers, weighted by how much of each it covers: no aliasing, whatever the factor.
 */
export function downscale(image: RgbaImage, width: number, height: number): RgbaImage {
  if (width === image.width && height === image.height) return image;
  const out = new Uint8Array(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  const sums = new Float64Array(4);
  for (let y = 0; y < height; y++) {
    const top = y * sy;
    const bottom = top + sy;
    for (let x = 0; x < width; x++) {
      const left = x * sx;
      const right = left + sx;
      sums.fill(0);
      let area = 0;
      for (let row = Math.floor(top); row < Math.min(image.height, Math.ceil(bottom)); row++) {
        const wy = Math.min(bottom, row + 1) - Math.max(top, row);
        for (let column = Math.floor(left); column < Math.min(image.width, Math.ceil(right)); column++) {
          const weight = wy * (Math.min(right, column + 1) - Math.max(left, column));
          const at = (row * image.width + column) * 4;
          for (let c = 0; c < 4; c++) sums[c]! += image.data[at + c]! * weight;
          area += weight;
        }
      }
      const to = (y * width + x) * 4;
      for (let c = 0; c < 4; c++) out[to + c] = Math.round(sums[c]! / area);
    }
  }
  return { width, height, data: out };
}

/** Grey pixels as RGBA (opaque). */
export function greyToRgba(grey: Buffer, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const value = grey[i]!;
    data[i * 4] = value;
    data[i * 4 + 1] = value;
    data[i * 4 + 2] = value;
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** PNG colour type that holds the image without loss: 0 grey, 2 RGB, 6 RGBA. */
export function pngColorType(image: RgbaImage): 0 | 2 | 6 {
  let grey = true;
  for (let i = 0; i < image.width * image.height; i++) {
    const [r, g, b, a] = [image.data[i * 4], image.data[i * 4 + 1], image.data[i * 4 + 2], image.data[i * 4 + 3]];
    if (a !== 255) return 6;
    if (r !== g || g !== b) grey = false;
  }
  return grey ? 0 : 2;
}

/** The image as a PNG file. */
export function encodePng(image: RgbaImage): Buffer {
  const colorType = pngColorType(image);
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png, { colorType, inputColorType: 6, inputHasAlpha: true });
}

/** A thumbnail PNG of a sample image, or undefined when it cannot be decoded (e.g. a BMP: no decoder here). */
export function thumbnail(sample: SampleImage): { png: Buffer; width: number; height: number } | undefined {
  let image: RgbaImage;
  try {
    image = 'grey' in sample ? greyToRgba(sample.grey, sample.width, sample.height) : decodeImage(sample.encoded);
  } catch {
    return undefined;
  }
  const size = thumbnailSize(image.width, image.height);
  const scaled = downscale(image, size.width, size.height);
  return { png: encodePng(scaled), ...size };
}
