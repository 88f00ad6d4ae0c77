/**
 * The `classify` action: classifies a classify job's images — the entries of its uploaded archive,
 * then its URLs (fetched through the SSRF guard) — with the same preprocessing and the same
 * inference server as the synchronous classify route, and writes the results JSON to S3. An
 * image that cannot be fetched (for good) or decoded gets an `error` in the results instead of
 * failing the job; an unsafe archive or a missing classifier fails it.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ImageDecodeError, decodeImage } from '../../core/caffe/preprocess-image';
import { toNetInput, topK } from '../../core/caffe/preprocess';
import { downloadUrl, FetchFailed } from '../../core/net/guarded-fetch';
import { urlPolicy } from '../../core/net/url-guard';
import { keys } from '../../core/objects';
import * as records from '../../core/records/store';
import type { Classifier, ClassifyJob } from '../../core/records/types';
import { inputShape } from '../../core/ports/inference';
import { pycaffeInference as inference } from '../inference/pycaffe';
import { extractArchive } from './archive';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import { download, uploadText } from './transfer';

/** Per URL image: bigger or slower than this is not an image worth waiting for. */
export const urlImageLimits = { maxBytes: 20 * 1024 * 1024, timeoutMs: 60_000 } as const;
/** Images per forward pass (bounds the memory of one request to the inference server). */
const batchSize = 32;

export interface ImageSource {
  /** How the results name it: the archive entry's path or the URL. */
  image: string;
  /** Its bytes, or why there are none. */
  read(): Promise<Buffer>;
}

export interface ImageResult {
  image: string;
  top?: Array<{ label: string; probability: number }>;
  error?: string;
}

const ignored = (name: string) => name.startsWith('.') || name === '__MACOSX';

/** Every regular file under `root` (hidden files and macOS resource folders skipped), sorted by path. */
export async function archiveEntries(root: string, base = ''): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(path.join(root, base), { withFileTypes: true })) {
    if (ignored(entry.name)) continue;
    const relative = path.posix.join(base, entry.name);
    if (entry.isDirectory()) found.push(...(await archiveEntries(root, relative)));
    else if (entry.isFile()) found.push(relative);
  }
  return found.sort();
}

/** A URL image: permanent fetch failures become that image's error; anything else is retried with the job. */
function urlSource(ctx: WorkerContext, url: string, index: number): ImageSource {
  return {
    image: url,
    async read() {
      const file = path.join(ctx.workDir, 'urls', String(index));
      await mkdir(path.dirname(file), { recursive: true });
      await downloadUrl(`images.${index}.url`, url, file, urlPolicy(), urlImageLimits, ctx.stopping);
      return readFile(file);
    },
  };
}

class ImageUnavailable extends Error {}

/** Classifies the sources in batches; per-image problems are results, not failures. */
export async function classifySources(
  classifier: Classifier,
  sources: ImageSource[],
  k: number,
): Promise<ImageResult[]> {
  const p = classifier.preprocessing;
  const mean = await inference.meanImageOf(classifier);
  const shape = inputShape(classifier);
  const results: ImageResult[] = [];
  for (let start = 0; start < sources.length; start += batchSize) {
    const batch = sources.slice(start, start + batchSize);
    const inputs: Array<{ at: number; input: Float32Array }> = [];
    for (const source of batch) {
      const result: ImageResult = { image: source.image };
      results.push(result);
      try {
        inputs.push({ at: results.length - 1, input: toNetInput(decodeImage(await readOrExplain(source)), p, mean) });
      } catch (error) {
        if (!(error instanceof ImageDecodeError || error instanceof ImageUnavailable)) throw error;
        result.error = error.message;
      }
    }
    if (inputs.length === 0) continue;
    const probabilities = await inference.classify(
      classifier,
      shape,
      inputs.map((i) => i.input),
    );
    for (const [i, { at }] of inputs.entries()) results[at]!.top = topK(probabilities[i]!, classifier.labels, k);
  }
  return results;
}

async function readOrExplain(source: ImageSource): Promise<Buffer> {
  try {
    return await source.read();
  } catch (error) {
    if (error instanceof FetchFailed && error.permanent) throw new ImageUnavailable(error.message);
    throw error;
  }
}

async function archiveSources(ctx: WorkerContext, job: ClassifyJob): Promise<ImageSource[]> {
  if (!job.archive) return [];
  const archive = path.join(ctx.workDir, 'images-archive');
  const root = path.join(ctx.workDir, 'images');
  await download(keys.classifyJobArchive(job.tenantId, job.id), archive);
  try {
    await extractArchive(archive, root, `the archive of classify job ${job.id}`);
  } catch (error) {
    throw error instanceof PermanentFailure ? error : new PermanentFailure((error as Error).message);
  }
  return (await archiveEntries(root)).map((entry) => ({ image: entry, read: () => readFile(path.join(root, entry)) }));
}

export async function classify(ctx: WorkerContext, tenantId: string, jobId: string): Promise<void> {
  const job = await records.find('classify-jobs', tenantId, jobId);
  // deleted, or finished by an earlier attempt
  if (!job || job.results || !['queued', 'starting', 'running'].includes(job.status)) return;
  const classifier = await records.find('classifiers', tenantId, job.classifierId);
  if (!classifier) throw new PermanentFailure(`classifier ${job.classifierId} no longer exists`);
  const sources = [...(await archiveSources(ctx, job)), ...job.urls.map((url, i) => urlSource(ctx, url, i))];
  if (sources.length === 0) throw new PermanentFailure('the archive holds no files to classify');
  const results = await classifySources(classifier, sources, job.topK);
  const text = JSON.stringify({ classifierId: classifier.id, results });
  await uploadText(text, keys.classifyJobResults(tenantId, jobId));
  const failed = results.filter((r) => r.error).length;
  await records.update('classify-jobs', tenantId, jobId, {
    set: {
      results: { images: results.length, classified: results.length - failed, failed, bytes: Buffer.byteLength(text) },
    },
  });
}
