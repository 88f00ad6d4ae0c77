/**
 * Datafiles: an archive the client uploads straight to S3 (one presigned PUT, or a multipart
 * upload when large) or that the worker imports from a URL. Either way the worker then inspects
 * it (format, labels, counts): awaiting-upload → processing → ready | failed.
 */
import type { z } from 'zod';
import { ConflictError } from '../errors';
import { newId } from '../ids';
import { checkDatafileSize, limitsOf, partSizeFor, tenantDatafileLimits, TooLargeError } from '../limits';
import { checkUrl, urlPolicy } from '../net/url-guard';
import { checkStorageQuota, tenantQuotas } from '../quotas';
import { deleteRecordObjects, keys, objectSize, parseKey, presignUpload } from '../objects';
import * as records from '../records/store';
import type { Datafile } from '../records/types';
import type { createDatafileBody } from '../api/datafiles';
import { datafileObjectName } from '../topology';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  describeMultipartUpload,
  partCountFor,
  startMultipartUpload,
  uploadedParts,
  type MultipartUpload,
} from './datafile-uploads';
import { allRecords } from './record-usage';
import { enqueueOrFail } from './work/dispatch';

type CreateInput = z.infer<typeof createDatafileBody>;
type Upload = Awaited<ReturnType<typeof presignUpload>> | MultipartUpload;

const completeUrl = (id: string) => `/v1/datafiles/${id}/complete`;

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
  if (!input.sizeBytes || input.sizeBytes <= limits.singlePutMaxBytes) {
    const upload = await presignUpload(tenantId, datafile.objectKey);
    await records.putNew('datafiles', datafile);
    return { datafile, upload };
  }
  datafile.partSizeBytes = partSizeFor(input.sizeBytes, limits);
  datafile.multipartUploadId = await startMultipartUpload(datafile.objectKey);
  try {
    await records.putNew('datafiles', datafile);
  } catch (error) {
    await abortMultipartUpload(datafile.objectKey, datafile.multipartUploadId);
    throw error;
  }
  const upload = await describeMultipartUpload(
    datafile.objectKey,
    datafile.multipartUploadId,
    datafile.partSizeBytes,
    partCountFor(input.sizeBytes, datafile.partSizeBytes),
    completeUrl(id),
  );
  return { datafile, upload };
}

function multipartOf(datafile: Datafile): { uploadId: string; partSizeBytes: number; partCount: number } {
  if (
    datafile.status !== 'awaiting-upload' ||
    !datafile.multipartUploadId ||
    !datafile.partSizeBytes ||
    !datafile.sizeBytes
  )
    throw new ConflictError(`datafile ${datafile.id} has no multipart upload in progress (it is ${datafile.status})`);
  return {
    uploadId: datafile.multipartUploadId,
    partSizeBytes: datafile.partSizeBytes,
    partCount: partCountFor(datafile.sizeBytes, datafile.partSizeBytes),
  };
}

/** The multipart upload's instructions again, with fresh URLs for the parts S3 does not hold yet (resume). */
export async function resumeUpload(tenantId: string, id: string): Promise<MultipartUpload> {
  const datafile = await records.get('datafiles', tenantId, id);
  const { uploadId, partSizeBytes, partCount } = multipartOf(datafile);
  return describeMultipartUpload(datafile.objectKey, uploadId, partSizeBytes, partCount, completeUrl(id));
}

/**
 * Assembles a multipart upload from the parts S3 holds (the client sends no ETags) and queues its
 * inspection. Completing again after success answers the datafile as it is.
 */
export async function completeUpload(tenantId: string, id: string): Promise<Datafile> {
  const datafile = await records.get('datafiles', tenantId, id);
  if (datafile.status !== 'awaiting-upload' && !datafile.multipartUploadId) return datafile;
  const { uploadId, partCount } = multipartOf(datafile);
  const parts = await uploadedParts(datafile.objectKey, uploadId);
  const have = new Set(parts.map((p) => p.partNumber));
  const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
  if (missing.length)
    throw new ConflictError(
      `datafile ${id} is missing part${missing.length > 1 ? 's' : ''} ` +
        `${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''} of ${partCount}; upload ` +
        `them (GET /v1/datafiles/${id}/upload gives fresh URLs), then complete again`,
    );
  const wanted = parts.filter((p) => p.partNumber <= partCount);
  const bytes = wanted.reduce((sum, p) => sum + p.bytes, 0);
  const limit = (await tenantDatafileLimits(tenantId)).maxSizeBytes;
  if (bytes > limit) {
    await abortMultipartUpload(datafile.objectKey, uploadId);
    await fail(tenantId, id, `the upload is ${bytes} bytes, above this account's datafile limit of ${limit} bytes`);
    throw new TooLargeError(
      `the uploaded parts hold ${bytes} bytes, above this account's datafile limit of ${limit} ` +
        `bytes; the upload was discarded`,
    );
  }
  await completeMultipartUpload(datafile.objectKey, uploadId, wanted);
  return (await markUploaded(tenantId, id, bytes, limit)) ?? (await records.get('datafiles', tenantId, id));
}

async function fail(tenantId: string, id: string, error: string): Promise<Datafile | undefined> {
  return records.update('datafiles', tenantId, id, {
    set: { status: 'failed', error },
    remove: ['multipartUploadId'],
    condition: '#status = :awaiting',
    names: { '#status': 'status' },
    values: { ':awaiting': 'awaiting-upload' },
  });
}

/**
 * The object arrived: the datafile moves to processing and its inspection is queued — once, by
 * whoever wins the conditional update (notification, a read, or complete). An object above the
 * tenant's limit fails the datafile and is deleted.
 */
export async function markUploaded(
  tenantId: string,
  id: string,
  sizeBytes: number,
  knownLimit?: number,
): Promise<Datafile | undefined> {
  const limit = knownLimit ?? (await tenantDatafileLimits(tenantId)).maxSizeBytes;
  if (sizeBytes > limit) {
    const failed = await fail(
      tenantId,
      id,
      `the uploaded file is ${sizeBytes} bytes, above this account's datafile limit of ${limit} bytes; it was deleted`,
    );
    if (failed) await deleteRecordObjects(tenantId, 'datafiles', id);
    return failed;
  }
  const updated = await records.update('datafiles', tenantId, id, {
    set: { status: 'processing', sizeBytes, attempts: 0 },
    remove: ['multipartUploadId'],
    condition: '#status = :awaiting',
    names: { '#status': 'status' },
    values: { ':awaiting': 'awaiting-upload' },
  });
  if (updated) await enqueueOrFail('datafiles', updated, 'import-datafile');
  return updated;
}

/** Handles an S3 "object created" notification for any key; ignores keys that are not datafile uploads. */
export async function onObjectCreated(key: string, sizeBytes: number): Promise<void> {
  const parsed = parseKey(key);
  if (parsed?.collection !== 'datafiles' || parsed.rest !== datafileObjectName) return;
  // An upload that lands after its datafile was deleted would otherwise stay behind, unowned.
  if (!(await records.find('datafiles', parsed.tenantId, parsed.id)))
    return void (await deleteRecordObjects(parsed.tenantId, 'datafiles', parsed.id));
  await markUploaded(parsed.tenantId, parsed.id, sizeBytes);
}

/**
 * The datafile as it is now. If the upload notification has not arrived (or was lost), a HEAD on
 * the object settles it, so a client never has to wait for or call anything after uploading.
 */
export async function currentDatafile(tenantId: string, id: string): Promise<Datafile> {
  const datafile = await records.get('datafiles', tenantId, id);
  if (datafile.status !== 'awaiting-upload') return datafile;
  const size = await objectSize(datafile.objectKey);
  if (size === undefined) return datafile;
  return (await markUploaded(tenantId, id, size)) ?? (await records.get('datafiles', tenantId, id));
}

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
