/**
 * `classify(classifierId, images)`: any number of images, one result list in input order. Up to
 * `maxSyncImages` go through the synchronous route in batches it accepts; more become one
 * classify job (a plain tar of the images, uploaded, classified in the background).
 */
import { RecordFailedError } from './errors';
import type { PutTransport } from './put';
import type { Resources } from './resources';
import { tarSource, type TarFile } from './tar';
import { toBlob } from './source';
import { isFailure, waitFor } from './wait';

/** What one synchronous call accepts (core/api/classifiers.ts `classifyLimits`; a unit test keeps them equal). */
export const classifyLimits = { maxImages: 16, maxTotalBytes: 5 * 1024 * 1024, maxTopK: 100 } as const;

/** An image: a name to report it by (a path, a file name) and its bytes. */
export interface ClassifyImage {
  name: string;
  size: number;
  read(start: number, end: number): Blob | AsyncIterable<Uint8Array | Blob>;
}

export interface ClassifyOptions {
  /** Labels per image (default 5). */
  topK?: number;
  /** Above this many images, a classify job is used (default 64: four synchronous calls). */
  maxSyncImages?: number;
  onProgress?: (progress: { classified: number; total: number; via: 'sync' | 'job'; jobId?: string }) => void;
  signal?: AbortSignal;
}

export interface ImageResult {
  image: string;
  top?: Array<{ label: string; probability: number }>;
  /** Why this image could not be classified (a job reports it per image). */
  error?: string;
}

const base64 = async (image: ClassifyImage): Promise<string> => {
  const bytes = new Uint8Array(await (await toBlob(image.read(0, image.size))).arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
};

/** Consecutive batches within the synchronous route's count and byte limits. */
export function syncBatches(images: ClassifyImage[]): ClassifyImage[][] {
  const batches: ClassifyImage[][] = [];
  let current: ClassifyImage[] = [];
  let bytes = 0;
  for (const image of images) {
    if (image.size > classifyLimits.maxTotalBytes)
      throw new Error(
        `${image.name} is ${image.size} bytes; one image may have at most ${classifyLimits.maxTotalBytes}`,
      );
    if (current.length === classifyLimits.maxImages || bytes + image.size > classifyLimits.maxTotalBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(image);
    bytes += image.size;
  }
  if (current.length) batches.push(current);
  return batches;
}

export async function classify(
  context: { api: Resources; put: PutTransport },
  classifierId: string,
  images: ClassifyImage[],
  options: ClassifyOptions = {},
): Promise<ImageResult[]> {
  const topK = options.topK ?? 5;
  const total = images.length;
  if (total <= (options.maxSyncImages ?? 64)) {
    const results: ImageResult[] = [];
    for (const batch of syncBatches(images)) {
      const answer = await context.api.classifiers.classify(classifierId, {
        images: await Promise.all(batch.map(async (image) => ({ base64: await base64(image) }))),
        topK,
      });
      for (const [i, result] of answer.results.entries()) results.push({ image: batch[i]!.name, top: result.top });
      options.onProgress?.({ classified: results.length, total, via: 'sync' });
    }
    return results;
  }
  // Entries are named by input position, so the job's results (sorted by entry path) map back in order.
  const width = String(total).length;
  const entryName = (image: ClassifyImage, i: number) =>
    `${String(i).padStart(width, '0')}-${image.name.split(/[\\/]/).pop()}`;
  const files: TarFile[] = images.map((image, i) => ({
    path: entryName(image, i),
    size: image.size,
    read: (start, end) => image.read(start, end),
  }));
  const archive = tarSource(files);
  const created = await context.api.classifyJobs.create(classifierId, { archive: true, topK });
  if (!('upload' in created) || !created.upload) throw new Error(`the API gave classify job ${created.id} no upload`);
  const { url: uploadUrl, headers } = created.upload;
  await context.put({
    url: uploadUrl,
    headers,
    body: archive.read(0, archive.size),
    length: archive.size,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.onProgress?.({ classified: 0, total, via: 'job', jobId: created.id });
  const done = await waitFor(context.api, created.id, {
    ...(options.signal ? { signal: options.signal } : {}),
    maxIntervalMs: 1000,
  });
  if (isFailure(done)) throw new RecordFailedError(done);
  const { url } = await context.api.classifyJobs.results(created.id);
  const file = (await (await fetch(url)).json()) as { results: ImageResult[] };
  const byEntry = new Map(file.results.map((result) => [result.image, result]));
  options.onProgress?.({ classified: total, total, via: 'job', jobId: created.id });
  return images.map((image, i) => {
    const result = byEntry.get(entryName(image, i));
    return {
      image: image.name,
      ...(result?.top ? { top: result.top } : {}),
      ...(result?.error
        ? { error: result.error }
        : result
          ? {}
          : { error: 'the job returned no result for this image' }),
    };
  });
}
