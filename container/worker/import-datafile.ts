/**
 * The `import-datafile` action: fetches an imported datafile's URL through the SSRF guard (an
 * uploaded one is downloaded from S3 instead), inspects it (format, hygiene, labels, counts) and
 * records what it found. An import's object is written only after the inspection passed, so a
 * refused import leaves nothing in S3.
 */
import * as path from 'node:path';
import { datafileLimits } from '../../core/limits';
import { downloadUrl, FetchFailed } from '../../core/net/guarded-fetch';
import { urlPolicy } from '../../core/net/url-guard';
import * as records from '../../core/records/store';
import type { Datafile } from '../../core/records/types';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import { inspectDatafile } from './formats/inspect';
import { defaultArchiveLimits } from './formats/limits';
import { download, upload } from './transfer';

/** Fetches the datafile's URL to `file`; refusals, 4xx and oversize are permanent, the rest retried. */
async function fetchSource(
  ctx: WorkerContext,
  datafile: Datafile & { sourceUrl: string },
  file: string,
): Promise<number> {
  // The job's environment carries the tenant's own limits (the dispatcher sets them).
  const limits = datafileLimits();
  try {
    return await downloadUrl(
      'url',
      datafile.sourceUrl,
      file,
      urlPolicy(),
      { maxBytes: limits.maxSizeBytes, timeoutMs: limits.importTimeoutSeconds * 1000 },
      ctx.stopping,
    );
  } catch (error) {
    if (error instanceof FetchFailed && error.permanent) throw new PermanentFailure(error.message);
    throw error;
  }
}

export async function importDatafile(ctx: WorkerContext, tenantId: string, datafileId: string): Promise<void> {
  const datafile = await records.find('datafiles', tenantId, datafileId);
  if (datafile?.status !== 'processing') return; // deleted, or finished by an earlier attempt
  const file = path.join(ctx.workDir, 'datafile');
  const { sourceUrl } = datafile;
  let sizeBytes = datafile.sizeBytes;
  if (sourceUrl) sizeBytes = await fetchSource(ctx, { ...datafile, sourceUrl }, file);
  else await download(datafile.objectKey, file);
  const inspection = await inspectDatafile(file, ctx.workDir, datafile.format, defaultArchiveLimits(), {
    label: `datafile ${datafileId}`,
    ...(ctx.caffePrefix ? { caffePrefix: ctx.caffePrefix } : {}),
  });
  if (sourceUrl) await upload(file, datafile.objectKey);
  await records.update('datafiles', tenantId, datafileId, {
    set: {
      detectedFormat: inspection.format,
      labels: inspection.labels,
      counts: inspection.counts,
      entries: inspection.entries,
      sizeBytes,
      inspectedAt: new Date().toISOString(),
    },
  });
}

const readyWaitMs = 6 * 3600 * 1000;

/**
 * Waits until a datafile is ready (a dataset may be requested while its datafile is still being
 * inspected or imported, as a training job may be queued before its dataset is built).
 */
export async function readyDatafile(tenantId: string, datafileId: string, stopping?: AbortSignal): Promise<Datafile> {
  const deadline = Date.now() + readyWaitMs;
  for (;;) {
    const datafile = await records.find('datafiles', tenantId, datafileId);
    if (!datafile) throw new PermanentFailure(`datafile ${datafileId} no longer exists`);
    if (datafile.status === 'ready') return datafile;
    if (datafile.status === 'failed')
      throw new PermanentFailure(`datafile ${datafileId} failed: ${datafile.error ?? 'no reason recorded'}`);
    if (datafile.status === 'awaiting-upload') throw new PermanentFailure(`datafile ${datafileId} was never uploaded`);
    if (stopping?.aborted) throw new Error(`stopped while waiting for datafile ${datafileId}`);
    if (Date.now() > deadline)
      throw new PermanentFailure(
        `datafile ${datafileId} was still ${datafile.status} after ${readyWaitMs / 3600_000} h`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
