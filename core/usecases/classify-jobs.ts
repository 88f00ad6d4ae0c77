/**
 * Classify jobs: many images classified by the worker (container/worker/classify.ts) instead of
 * synchronously. Images come as an archive the client uploads straight to S3 (like a datafile:
 * the upload notification queues the job) and/or as URLs the worker fetches through the SSRF guard.
 */
import type { z } from 'zod';
import type { createClassifyJobBody } from '../api/classify-jobs';
import { ConflictError } from '../errors';
import { newId } from '../ids';
import { checkUrl, urlPolicy } from '../net/url-guard';
import { deleteRecordObjects, keys, parseKey, presignDownload, presignUpload } from '../objects';
import * as records from '../records/store';
import type { ClassifyJob } from '../records/types';
import { datafileObjectName } from '../topology';
import { enqueueOrFail } from './work/dispatch';

type CreateInput = z.infer<typeof createClassifyJobBody>;
type Upload = Awaited<ReturnType<typeof presignUpload>>;

const defaultTopK = 5;

/**
 * Registers a classify job. With an archive it waits for the upload (`upload` says where); with
 * URLs only it is queued at once. Checks come first, so a refused request leaves nothing behind.
 */
export async function createClassifyJob(
  tenantId: string,
  classifierId: string,
  input: CreateInput,
): Promise<{ job: ClassifyJob; upload?: Upload }> {
  await records.get('classifiers', tenantId, classifierId);
  const urls = (input.images ?? []).map((image, i) => checkUrl(`images.${i}.url`, image.url, urlPolicy()).href);
  const id = newId('classify-jobs');
  const now = new Date().toISOString();
  const archive = input.archive ?? false;
  const job: ClassifyJob = {
    id,
    tenantId,
    classifierId,
    status: archive ? 'awaiting-upload' : 'queued',
    urls,
    archive,
    topK: input.topK ?? defaultTopK,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
    ...(input.name ? { name: input.name } : {}),
  };
  if (archive) {
    const upload = await presignUpload(tenantId, keys.classifyJobArchive(tenantId, id));
    await records.putNew('classify-jobs', job);
    return { job, upload };
  }
  await records.putNew('classify-jobs', job);
  await enqueueOrFail('classify-jobs', job, 'classify');
  return { job };
}

/**
 * Handles an S3 "object created" notification; ignores keys that are not a classify job's archive.
 * The job is queued once, by whoever wins the conditional update.
 */
export async function onClassifyJobArchive(key: string): Promise<void> {
  const parsed = parseKey(key);
  if (parsed?.collection !== 'classify-jobs' || parsed.rest !== datafileObjectName) return;
  // An upload that lands after its job was deleted would otherwise stay behind, unowned.
  if (!(await records.find('classify-jobs', parsed.tenantId, parsed.id)))
    return void (await deleteRecordObjects(parsed.tenantId, 'classify-jobs', parsed.id));
  const queued = await records.update('classify-jobs', parsed.tenantId, parsed.id, {
    set: { status: 'queued' },
    condition: '#status = :awaiting',
    names: { '#status': 'status' },
    values: { ':awaiting': 'awaiting-upload' },
  });
  if (queued) await enqueueOrFail('classify-jobs', queued, 'classify');
}

/** Where to download a succeeded job's results. */
export async function classifyJobResults(tenantId: string, id: string): Promise<{ url: string; bytes: number }> {
  const job = await records.get('classify-jobs', tenantId, id);
  if (job.status !== 'succeeded' || !job.results)
    throw new ConflictError(
      `classify job ${id} is ${job.status}${job.error ? ` (${job.error})` : ''}; results exist once it has succeeded`,
    );
  return {
    url: await presignDownload(tenantId, keys.classifyJobResults(tenantId, id), `${id}-results.json`),
    bytes: job.results.bytes,
  };
}
