/** Datafiles: an archive the client uploads straight to S3 with a presigned URL. */
import type { z } from 'zod';
import { newId } from '../ids';
import { keys, objectSize, parseKey, presignUpload } from '../objects';
import * as records from '../records/store';
import type { Datafile } from '../records/types';
import type { createDatafileBody } from '../api/datafiles';
import { datafileObjectName } from '../topology';

/** Registers a datafile and answers with where to upload it. */
export async function createDatafile(tenantId: string, input: z.infer<typeof createDatafileBody>) {
  const id = newId('datafiles');
  const now = new Date().toISOString();
  const datafile: Datafile = {
    id,
    tenantId,
    name: input.name,
    format: input.format,
    status: 'awaiting-upload',
    objectKey: keys.datafile(tenantId, id),
    createdAt: now,
    updatedAt: now,
    ...(input.sizeBytes ? { sizeBytes: input.sizeBytes } : {}),
  };
  const upload = await presignUpload(tenantId, datafile.objectKey);
  await records.putNew('datafiles', datafile);
  return { datafile, upload };
}

/** Marks the datafile ready once its object exists (S3 notification, or noticed on read). */
export async function markUploaded(tenantId: string, id: string, sizeBytes: number): Promise<Datafile | undefined> {
  return records.update('datafiles', tenantId, id, {
    set: { status: 'ready', sizeBytes },
    condition: '#status = :awaiting',
    names: { '#status': 'status' },
    values: { ':awaiting': 'awaiting-upload' },
  });
}

/** Handles an S3 "object created" notification for any key; ignores keys that are not datafile uploads. */
export async function onObjectCreated(key: string, sizeBytes: number): Promise<void> {
  const parsed = parseKey(key);
  if (!parsed || parsed.collection !== 'datafiles' || parsed.rest !== datafileObjectName) return;
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
