/**
 * MNIST-style IDX datafiles: an archive holding image files (idx3-ubyte, magic 2051) and label
 * files (idx1-ubyte, magic 2049), each gzipped or not. Pairs are matched by name ("images" ↔
 * "labels") and concatenated in name order. Label values are the label indices; labels are named
 * "0".."max". Subsets are written back as plain IDX so Caffe's own `convert_mnist_data` converts them.
 */
import { mkdir, open, readdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { kMaxLength } from 'node:buffer';
import { constants, gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { PermanentFailure } from '../errors';
import { logStep } from './steps';

export interface IdxData {
  count: number;
  height: number;
  width: number;
  /** Image i is `pixels.subarray(i * height * width, (i + 1) * height * width)`, 8-bit grey. */
  pixels: Buffer;
  labels: Buffer;
}

const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

async function filesUnder(dir: string, base = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(dir, base), { withFileTypes: true })) {
    const relative = path.posix.join(base, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(dir, relative)));
    else if (entry.isFile()) found.push(relative);
  }
  return found.sort();
}

async function readMaybeGzipped(file: string, entry: string, maxBytes: number): Promise<Buffer> {
  const data = await readFile(file);
  if (data[0] !== 0x1f || data[1] !== 0x8b) return data;
  try {
    return gunzipSync(data, { maxOutputLength: Math.min(maxBytes, kMaxLength) });
  } catch (error) {
    throw new PermanentFailure(
      `IDX file "${entry}" could not be decompressed ` +
        `(corrupt, or larger than ${maxBytes} bytes): ${(error as Error).message}`,
    );
  }
}

/** The first 4 bytes as a number, looking inside gzip (a partial inflate of the first block is enough). */
async function magicOf(file: string): Promise<number | undefined> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    let bytes = head.subarray(0, bytesRead);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes, { finishFlush: constants.Z_SYNC_FLUSH });
    return bytes.length >= 4 ? bytes.readUInt32BE(0) : undefined;
  } finally {
    await handle.close();
  }
}

/** The IDX image and label files under `dir` (relative paths), by magic number, not by name. */
export async function findIdxFiles(dir: string): Promise<{ images: string[]; labels: string[] }> {
  const images: string[] = [];
  const labels: string[] = [];
  for (const file of await filesUnder(dir)) {
    const magic = await magicOf(path.join(dir, file)).catch(() => undefined);
    if (magic === IMAGES_MAGIC) images.push(file);
    else if (magic === LABELS_MAGIC) labels.push(file);
  }
  return { images, labels };
}

const pairKey = (file: string) =>
  file
    .replace(/\.gz$/, '')
    .replace(/images?/i, '#')
    .replace(/labels?/i, '#')
    .replace(/idx\d/, 'idx');

/** Reads and concatenates every image/label pair under `dir`; throws PermanentFailure naming a bad file. */
export async function readIdx(dir: string, maxBytes: number): Promise<IdxData> {
  logStep('read-idx');
  const { images, labels } = await findIdxFiles(dir);
  if (!images.length || images.length !== labels.length)
    throw new PermanentFailure(
      `an idx datafile needs pairs of IDX image and label files; ` +
        `found images [${images.join(', ')}] and labels [${labels.join(', ')}]`,
    );
  const parts: IdxData[] = [];
  for (const imageFile of images) {
    const labelFile = images.length === 1 ? labels[0]! : labels.find((label) => pairKey(label) === pairKey(imageFile));
    if (!labelFile)
      throw new PermanentFailure(
        `IDX image file "${imageFile}" has no matching label file (e.g. "${imageFile.replace(/images?/i, 'labels')}")`,
      );
    const imageData = await readMaybeGzipped(path.join(dir, imageFile), imageFile, maxBytes);
    const labelData = await readMaybeGzipped(path.join(dir, labelFile), labelFile, maxBytes);
    const [count, height, width] = [imageData.readUInt32BE(4), imageData.readUInt32BE(8), imageData.readUInt32BE(12)];
    if (imageData.length < 16 + count * height * width)
      throw new PermanentFailure(
        `IDX image file "${imageFile}" is truncated: its header states ${count} images of ${width}x${height}`,
      );
    const labelCount = labelData.readUInt32BE(4);
    if (labelCount !== count || labelData.length < 8 + labelCount)
      throw new PermanentFailure(
        `IDX label file "${labelFile}" has ${labelCount} labels (${labelData.length - 8} bytes) ` +
          `for ${count} images in "${imageFile}"`,
      );
    const first = parts[0];
    if (first && (first.height !== height || first.width !== width))
      throw new PermanentFailure(
        `IDX image file "${imageFile}" holds ${width}x${height} images, others ${first.width}x${first.height}`,
      );
    parts.push({
      count,
      height,
      width,
      pixels: imageData.subarray(16, 16 + count * height * width),
      labels: labelData.subarray(8, 8 + count),
    });
  }
  const first = parts[0]!;
  return {
    count: parts.reduce((sum, part) => sum + part.count, 0),
    height: first.height,
    width: first.width,
    pixels: Buffer.concat(parts.map((part) => part.pixels)),
    labels: Buffer.concat(parts.map((part) => part.labels)),
  };
}

/** Label names "0".."max" (index = value) and the indices of each label's images. */
export function idxByLabel(idx: IdxData): { labels: string[]; byLabel: Map<string, number[]> } {
  let max = 0;
  for (const value of idx.labels) max = Math.max(max, value);
  const labels = Array.from({ length: max + 1 }, (_, value) => String(value));
  const byLabel = new Map<string, number[]>(labels.map((label) => [label, []]));
  for (const [index, value] of idx.labels.entries()) byLabel.get(String(value))!.push(index);
  for (const [label, indices] of byLabel) if (!indices.length) byLabel.delete(label);
  return { labels, byLabel };
}

/** Writes the images at `order` (in that order) as a plain IDX image + label file pair. */
export async function writeIdxSubset(
  idx: IdxData,
  order: number[],
  imagesFile: string,
  labelsFile: string,
): Promise<void> {
  const size = idx.height * idx.width;
  const images = Buffer.alloc(16 + order.length * size);
  images.writeUInt32BE(IMAGES_MAGIC, 0);
  images.writeUInt32BE(order.length, 4);
  images.writeUInt32BE(idx.height, 8);
  images.writeUInt32BE(idx.width, 12);
  const labels = Buffer.alloc(8 + order.length);
  labels.writeUInt32BE(LABELS_MAGIC, 0);
  labels.writeUInt32BE(order.length, 4);
  order.forEach((source, i) => {
    idx.pixels.copy(images, 16 + i * size, source * size, (source + 1) * size);
    labels[8 + i] = idx.labels[source]!;
  });
  await writeFile(imagesFile, images);
  await writeFile(labelsFile, labels);
}

/**
 * Writes every image as a grey PNG in a folder per label, so a dataset that resizes or forces
 * colour goes through `convert_imageset` exactly like an image-folders datafile.
 */
export async function writeIdxAsImageFolders(idx: IdxData, root: string): Promise<Map<string, string[]>> {
  const { byLabel } = idxByLabel(idx);
  const size = idx.height * idx.width;
  const files = new Map<string, string[]>();
  for (const [label, indices] of byLabel) {
    await mkdir(path.join(root, label), { recursive: true });
    const names: string[] = [];
    for (const index of indices) {
      const png = new PNG({
        width: idx.width,
        height: idx.height,
        colorType: 0,
        inputColorType: 0,
        inputHasAlpha: false,
        bitDepth: 8,
      });
      png.data = Buffer.from(idx.pixels.subarray(index * size, (index + 1) * size));
      const name = `${label}/${String(index).padStart(7, '0')}.png`;
      await writeFile(
        path.join(root, name),
        PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }),
      );
      names.push(name);
    }
    files.set(label, names);
  }
  return files;
}
