/**
 * Datafiles: an archive the client uploads straight to S3 (one presigned PUT, or a multipart
 * upload when large) or that the worker imports from a URL. Either way the worker then inspects
 * it (format, labels, counts): awaiting-upload → processing → ready | failed.
 */
import type { z } from 'zod';
import { ConflictError } from '../errors';
import { newId } from '../ids';
import { checkDatafileSize, limitsOf, tenantDatafileLimits } from '../limits';
import { checkUrl, urlPolicy } from '../net/url-guard';
import { checkStorageQuota, tenantQuotas } from '../quotas';
import { deleteRecordObjects, keys } from '../objects';
import * as records from '../records/store';
import type { Datafile } from '../records/types';
import type { createDatafileBody } from '../api/datafiles';
import { abortMultipartUpload } from './datafile-uploads';
import { type Upload, uploadTarget } from './upload-targets';
import { allRecords } from './record-usage';
import { enqueueOrFail } from './work/dispatch';

type CreateInput = z.infer<typeof createDatafileBody>;
/** Uploads, resumes and completions, and noticing the archive's arrival: shared with models (upload-targets.ts). */
const uploads = uploadTarget({
  collection: 'datafiles',
  noun: 'datafile',
  limitNoun: 'datafile',
  objectKey: (datafile) => datafile.objectKey,
  arrived: { status: 'processing', action: 'import-datafile' },
});

/**
 * Registers a datafile. An upload answers with where to send the bytes (`upload`); an import
 * (`url`) is queued for the worker at once. Checks come first, so a refused request leaves
 * neither a record nor an object behind.
 */
export async function createDatafile(
  tenantId: string,
  input: CreateInput,
): Promise<{ datafile: Datafile; upload?: Upload }> {
  // One read of the tenant's limits serves both checks.
  const tenantLimits = await limitsOf(tenantId);
  const limits = await tenantDatafileLimits(tenantId, tenantLimits);
  const sourceUrl = input.url === undefined ? undefined : checkUrl('url', input.url, urlPolicy()).href;
  if (input.sizeBytes !== undefined) checkDatafileSize(input.sizeBytes, limits);
  await checkStorageQuota(tenantId, input.sizeBytes ?? 0, await tenantQuotas(tenantId, tenantLimits));
  const id = newId('datafiles');
  const now = new Date().toISOString();
  const datafile: Datafile = {
    id,
    tenantId,
    name: input.name,
    format: input.format as Datafile['format'],
    status: sourceUrl ? 'processing' : 'awaiting-upload',
    objectKey: keys.datafile(tenantId, id),
    createdAt: now,
    updatedAt: now,
    ...(input.sizeBytes ? { sizeBytes: input.sizeBytes } : {}),
    ...(sourceUrl ? { sourceUrl, attempts: 0 } : {}),
  };
  if (sourceUrl) {
    await records.putNew('datafiles', datafile);
    await enqueueOrFail('datafiles', datafile, 'import-datafile');
    return { datafile };
  }
  return { datafile, upload: await uploads.store(datafile, limits) };
}

export const {
  resume: resumeUpload,
  complete: completeUpload,
  markUploaded,
  onObjectCreated,
  current: currentDatafile,
} = uploads;

/**
 * Deletes a datafile, its object and any unfinished multipart upload. The rule: 409 while any
 * dataset (in any status, until it is deleted itself) names it, or while the worker is importing
 * or inspecting it.
 */
export async function deleteDatafile(tenantId: string, id: string): Promise<void> {
  const datafile = await records.get('datafiles', tenantId, id);
  if (datafile.status === 'processing')
    throw new ConflictError(
      `datafile ${id} is being ${datafile.sourceUrl ? 'imported' : 'inspected'}; delete it once it is ready or failed`,
    );
  const users = (await allRecords('datasets', tenantId))
    .filter((d) => d.training.datafileId === id || d.testing.datafileId === id)
    .map((d) => d.id);
  if (users.length)
    throw new ConflictError(
      `datafile ${id} is used by dataset ` +
        `${users.slice(0, 3).join(', ')}${users.length > 3 ? ` and ${users.length - 3} more` : ''}; ` +
        `delete those first`,
    );
  if (datafile.multipartUploadId) await abortMultipartUpload(datafile.objectKey, datafile.multipartUploadId);
  await deleteRecordObjects(tenantId, 'datafiles', id);
  await records.remove('datafiles', tenantId, id, {
    condition: '#status <> :processing',
    names: { '#status': 'status' },
    values: { ':processing': 'processing' },
  });
}
