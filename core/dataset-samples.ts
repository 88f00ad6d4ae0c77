/**
 * A dataset's sample images: small PNG thumbnails of the first few training images of each class,
 * written by the worker when it builds the dataset (container/worker/dataset-samples.ts) beside a
 * `samples.json` index, and listed with presigned downloads by `GET /v1/datasets/{id}/samples`.
 *
 * The index names each thumbnail relative to the dataset's own folder, never as a whole key: the
 * route builds the key from the dataset it read, so an index can only ever point into that folder.
 */
import { z } from 'zod';

/** The longest side of a thumbnail: smaller images keep their size, larger ones are scaled down to it. */
export const thumbnailMaxSide = 96;

/** Thumbnails kept per class (the API's `perClass` answers at most this many). */
export const storedSamplesPerClass = 16;

/**
 * Thumbnails kept per dataset at most: a dataset of many classes keeps fewer per class, so a
 * build never uploads more than this many small objects.
 */
export const storedSamplesPerDataset = 512;

/**
 * Source pixels a build decodes for thumbnails at most (PNG and JPEG are decoded in JavaScript, about
 * half a microsecond a pixel): 28x28 images never reach it, 256x256 ones stop at ~128 and photos
 * at a few, so a dataset of large images keeps its build time.
 */
export const samplePixelBudget = 8 * 1024 * 1024;

/**
 * How many of each class's picked images to decode so their pixels stay within `budget`: the first
 * image of every class, then the second of every class, and so on, so every class gets its share
 * before any gets more; a class stops at its first image that no longer fits (or whose size is unknown).
 */
export function withinPixelBudget(pixelsPerClass: ReadonlyArray<ReadonlyArray<number | undefined>>, budget: number) {
  const taken = pixelsPerClass.map(() => 0);
  const stopped = pixelsPerClass.map(() => false);
  let spent = 0;
  const longest = Math.max(0, ...pixelsPerClass.map((pixels) => pixels.length));
  for (let position = 0; position < longest; position++)
    for (const [index, pixels] of pixelsPerClass.entries()) {
      if (stopped[index] || position >= pixels.length) continue;
      const size = pixels[position];
      if (size === undefined || spent + size > budget) stopped[index] = true;
      else {
        spent += size;
        taken[index]!++;
      }
    }
  return taken;
}

/** What `?perClass=` takes: 8 by default, at most 32 (a build keeps `storedSamplesPerClass`). */
export const samplesPerClassDefault = 8;
export const samplesPerClassMax = 32;

/**
 * How many thumbnails each of `classCount` classes keeps: `storedSamplesPerClass`, fewer when the
 * dataset's budget would be exceeded, and at least one while the budget lasts (`classesWithSamples`
 * says how many classes get any).
 */
export function sampleQuota(classCount: number): { perClass: number; classesWithSamples: number } {
  if (classCount <= 0) return { perClass: 0, classesWithSamples: 0 };
  const perClass = Math.max(1, Math.min(storedSamplesPerClass, Math.floor(storedSamplesPerDataset / classCount)));
  return { perClass, classesWithSamples: Math.min(classCount, Math.floor(storedSamplesPerDataset / perClass)) };
}

/** A thumbnail's file name inside the dataset's folder: the class index and its position. */
export const sampleFileName = (classIndex: number, position: number): string =>
  `samples/${String(classIndex).padStart(4, '0')}-${String(position).padStart(2, '0')}.png`;

/** The index's own name inside the dataset's folder. */
export const samplesIndexName = 'samples.json';

const sampleFile = z.string().regex(/^samples\/[0-9]{4,}-[0-9]{2,}\.png$/);

/** `samples.json`: each class's thumbnails, in label-index order. */
export const samplesIndexSchema = z.object({
  version: z.literal(1),
  classes: z.array(
    z.object({
      index: z.number().int().min(0),
      label: z.string(),
      samples: z.array(z.object({ file: sampleFile, width: z.number().int().min(1), height: z.number().int().min(1) })),
    }),
  ),
});
export type SamplesIndex = z.infer<typeof samplesIndexSchema>;

/** One thumbnail written: its class (label index) and size. */
export interface WrittenSample {
  classIndex: number;
  file: string;
  width: number;
  height: number;
}

/** The index of the thumbnails written, every label listed (a class whose images could not be decoded has none). */
export function buildSamplesIndex(labels: readonly string[], written: readonly WrittenSample[]): SamplesIndex {
  return {
    version: 1,
    classes: labels.map((label, index) => ({
      index,
      label,
      samples: written
        .filter((sample) => sample.classIndex === index)
        .sort((a, b) => a.file.localeCompare(b.file))
        .map(({ file, width, height }) => ({ file, width, height })),
    })),
  };
}

/** The index as stored, or undefined when it is not one (a dataset built before samples existed has none at all). */
export function parseSamplesIndex(text: string | undefined): SamplesIndex | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = samplesIndexSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
