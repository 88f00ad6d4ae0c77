/** Decodes uploaded images (PNG, JPEG) to RGBA pixels for core/caffe/preprocess.ts. Pure JS: runs in any Lambda. */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbaImage } from './preprocess';

/** The bytes are not an image we can decode; the message says what is wrong. */
export class ImageDecodeError extends Error {
  override name = 'ImageDecodeError';
}

/** Largest image side accepted (a guard against decompression bombs: the pixels are held in memory). */
export const maxImageSide = 4096;

/** Decodes a PNG or JPEG. */
export function decodeImage(bytes: Buffer): RgbaImage {
  const png = bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47;
  const jpg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!png && !jpg) throw new ImageDecodeError('not a PNG or JPEG image');
  try {
    if (png) {
      const image = PNG.sync.read(bytes);
      checkSize(image.width, image.height);
      return { width: image.width, height: image.height, data: image.data };
    }
    const image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: (maxImageSide * maxImageSide) / 1e6,
      maxMemoryUsageInMB: 256,
    });
    checkSize(image.width, image.height);
    return { width: image.width, height: image.height, data: image.data };
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(`the ${png ? 'PNG' : 'JPEG'} image does not decode: ${(error as Error).message}`);
  }
}

function checkSize(width: number, height: number): void {
  if (width < 1 || height < 1 || width > maxImageSide || height > maxImageSide)
    throw new ImageDecodeError(
      `the image is ${width}x${height}; each side must be between 1 and ${maxImageSide} pixels`,
    );
}
