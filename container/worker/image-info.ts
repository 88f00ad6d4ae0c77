/**
 * Reads an image's size and whether it is grayscale from its header alone (PNG IHDR, JPEG SOF,
 * BMP info header), so a dataset of tens of thousands of images is inspected in milliseconds.
 */
import { open, readFile } from 'node:fs/promises';
import { PermanentFailure } from './errors';
import { pngProblem, pngSignature } from './png-check';

export interface ImageInfo {
  width: number;
  height: number;
  grayscale: boolean;
}

function png(header: Buffer): ImageInfo | undefined {
  if (header.length < 26 || !header.subarray(0, 8).equals(pngSignature) || header.toString('latin1', 12, 16) !== 'IHDR')
    return undefined;
  const colorType = header[25];
  return {
    width: header.readUInt32BE(16),
    height: header.readUInt32BE(20),
    grayscale: colorType === 0 || colorType === 4,
  };
}

function jpeg(header: Buffer): ImageInfo | undefined {
  if (header[0] !== 0xff || header[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 9 < header.length) {
    if (header[offset] !== 0xff) return undefined;
    const marker = header[offset + 1]!;
    const length = header.readUInt16BE(offset + 2);
    // SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return {
        height: header.readUInt16BE(offset + 5),
        width: header.readUInt16BE(offset + 7),
        grayscale: header[offset + 9] === 1,
      };
    offset += 2 + length;
  }
  return undefined;
}

function bmp(header: Buffer): ImageInfo | undefined {
  if (header.length < 30 || header.toString('latin1', 0, 2) !== 'BM') return undefined;
  return { width: Math.abs(header.readInt32LE(18)), height: Math.abs(header.readInt32LE(22)), grayscale: false };
}

/** The header facts of an image already in memory, or undefined when it is not a PNG, JPEG or BMP we can read. */
export const imageInfoOf = (bytes: Buffer): ImageInfo | undefined => png(bytes) ?? jpeg(bytes) ?? bmp(bytes);

/** The image's header facts, or undefined when the file is not a PNG, JPEG or BMP we can read. */
export async function imageInfo(file: string): Promise<ImageInfo | undefined> {
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(header, 0, header.length, 0);
    const bytes = header.subarray(0, bytesRead);
    return imageInfoOf(bytes);
  } finally {
    await handle.close();
  }
}

export const imageExtensions = /\.(png|jpe?g|bmp)$/i;

/**
 * Why an image whose header reads fine still cannot be used, or undefined when it decodes: a PNG's
 * chunks, CRCs and compressed data are verified (png-check.ts); a JPEG must end with its EOI
 * marker (a cut-off upload does not); a BMP must hold the pixel bytes its header promises.
 */
export function imageBytesProblem(data: Buffer, info: ImageInfo): string | undefined {
  if (data.subarray(0, 8).equals(pngSignature)) return pngProblem(data);
  if (data[0] === 0xff && data[1] === 0xd8) {
    let end = data.length;
    while (end > 2 && data[end - 1] === 0x00) end--; // some encoders pad after EOI
    return data[end - 2] === 0xff && data[end - 1] === 0xd9
      ? undefined
      : 'is a truncated JPEG (no end-of-image marker)';
  }
  if (data.toString('latin1', 0, 2) === 'BM' && data.length >= 34) {
    const pixelOffset = data.readUInt32LE(10);
    const bitsPerPixel = data.readUInt16LE(28);
    const rowBytes = Math.ceil((info.width * bitsPerPixel) / 32) * 4;
    const compressed = data.readUInt32LE(30) !== 0;
    if (!compressed && data.length < pixelOffset + rowBytes * info.height)
      return 'is a truncated BMP (fewer pixel bytes than its header states)';
  }
  return undefined;
}

/** imageBytesProblem for a file on disk. */
export async function imageProblem(file: string, info: ImageInfo): Promise<string | undefined> {
  return imageBytesProblem(await readFile(file), info);
}

/** An image file's header facts once its whole content checked out; throws a message naming `entry` otherwise. */
export async function checkedImage(file: string, entry: string): Promise<ImageInfo> {
  const data = await readFile(file); // read once: the header facts and the check share the bytes
  const info = imageInfoOf(data);
  if (!info) throw new PermanentFailure(`image "${entry}" is not a readable PNG, JPEG or BMP file`);
  const problem = imageBytesProblem(data, info);
  if (problem) throw new PermanentFailure(`image "${entry}" ${problem}`);
  return info;
}

/**
 * checkedImage for every image, a few reads in flight at once so the disk and the CPU overlap;
 * results in input order. The first bad image in input order is the one named.
 */
export async function checkedImages(
  images: Array<{ file: string; entry: string }>,
  inFlight = 16,
): Promise<ImageInfo[]> {
  const results: ImageInfo[] = new Array(images.length);
  const failures = new Map<number, unknown>();
  let next = 0;
  const lane = async () => {
    while (next < images.length && !failures.size) {
      const index = next++;
      const image = images[index]!;
      try {
        results[index] = await checkedImage(image.file, image.entry);
      } catch (error) {
        failures.set(index, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, images.length) }, lane));
  if (failures.size) throw failures.get(Math.min(...failures.keys()));
  return results;
}
