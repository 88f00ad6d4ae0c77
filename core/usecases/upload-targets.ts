/**
 * The upload lifecycle datafiles and models share: a record awaiting its bytes is stored with where
 * to send them (one presigned PUT, or a multipart upload above the single-PUT limit), a multipart
 * upload can be resumed and is completed from the parts S3 holds, and the object's arrival is
 * noticed by whoever comes first — the S3 notification, a read (a HEAD), or complete. The
 * conditional update on `awaiting-upload` makes the winner the only one to queue the worker; an
 * object above the tenant's limit fails the record and is deleted.
 */
import { ConflictError } from '../errors';
import { type DatafileLimits, partSizeFor, tenantDatafileLimits, TooLargeError } from '../limits';
import { deleteRecordObjects, objectSize, parseKey, presignUpload } from '../objects';
import * as records from '../records/store';
import type { RecordsByCollection } from '../records/types';
import { datafileObjectName, type WorkerAction } from '../topology';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  describeMultipartUpload,
  type MultipartUpload,
  partCountFor,
  startMultipartUpload,
  uploadedParts,
} from './datafile-uploads';
import { enqueueOrFail } from './work/dispatch';

type UploadCollection = 'datafiles' | 'models';

/** What the lifecycle reads and writes of a record, whichever collection it is in. */
interface UploadFields {
  id: string;
  tenantId: string;
  status: string;
  sizeBytes?: number;
  multipartUploadId?: string;
  partSizeBytes?: number;
}

export type Upload = Awaited<ReturnType<typeof presignUpload>> | MultipartUpload;

export interface UploadTarget<C extends UploadCollection> {
  collection: C;
  /** The record's name in messages: "datafile", "model". */
  noun: string;
  /** The tenant's size limit's name in messages. */
  limitNoun: string;
  /** Where the record's bytes go. */
  objectKey: (record: RecordsByCollection[C]) => string;
  /** What the record becomes once its bytes arrived, and the worker action then queued. */
  arrived: { status: string; action: WorkerAction };
}

/** The upload lifecycle of one collection. */
export function uploadTarget<C extends UploadCollection>(target: UploadTarget<C>) {
  const { collection, noun, limitNoun } = target;
  const fieldsOf = (record: RecordsByCollection[C]) => record as RecordsByCollection[C] & UploadFields;
  const completeUrl = (id: string) => `/v1/${collection}/${id}/complete`;
  const awaiting = { names: { '#status': 'status' }, values: { ':awaiting': 'awaiting-upload' } };

  function multipartOf(record: RecordsByCollection[C]) {
    const { id, status, multipartUploadId, partSizeBytes, sizeBytes } = fieldsOf(record);
    if (status !== 'awaiting-upload' || !multipartUploadId || !partSizeBytes || !sizeBytes)
      throw new ConflictError(`${noun} ${id} has no multipart upload in progress (it is ${status})`);
    return { uploadId: multipartUploadId, partSizeBytes, partCount: partCountFor(sizeBytes, partSizeBytes) };
  }

  async function fail(tenantId: string, id: string, error: string) {
    return records.update(collection, tenantId, id, {
      set: { status: 'failed', error },
      remove: ['multipartUploadId'],
      condition: '#status = :awaiting',
      ...awaiting,
    });
  }

  const lifecycle = {
    /**
     * Stores a new record awaiting its bytes and answers where to send them. A multipart upload is
     * started first and aborted again if the record cannot be stored, so nothing is left unowned.
     */
    async store(record: RecordsByCollection[C], limits: DatafileLimits): Promise<Upload> {
      const fields = fieldsOf(record);
      const key = target.objectKey(record);
      if (!fields.sizeBytes || fields.sizeBytes <= limits.singlePutMaxBytes) {
        const upload = await presignUpload(fields.tenantId, key);
        await records.putNew(collection, record);
        return upload;
      }
      const partSizeBytes = partSizeFor(fields.sizeBytes, limits);
      const uploadId = await startMultipartUpload(key);
      Object.assign(fields, { partSizeBytes, multipartUploadId: uploadId });
      try {
        await records.putNew(collection, record);
      } catch (error) {
        await abortMultipartUpload(key, uploadId);
        throw error;
      }
      const partCount = partCountFor(fields.sizeBytes, partSizeBytes);
      return describeMultipartUpload(key, uploadId, partSizeBytes, partCount, completeUrl(fields.id));
    },

    /** The multipart upload's instructions again, with fresh URLs for the parts S3 does not hold yet (resume). */
    async resume(tenantId: string, id: string): Promise<MultipartUpload> {
      const record = await records.get(collection, tenantId, id);
      const { uploadId, partSizeBytes, partCount } = multipartOf(record);
      return describeMultipartUpload(target.objectKey(record), uploadId, partSizeBytes, partCount, completeUrl(id));
    },

    /**
     * Assembles a multipart upload from the parts S3 holds (the client sends no ETags) and queues the
     * worker. Completing again after success answers the record as it is.
     */
    async complete(tenantId: string, id: string): Promise<RecordsByCollection[C]> {
      const record = await records.get(collection, tenantId, id);
      if (fieldsOf(record).status !== 'awaiting-upload' && !fieldsOf(record).multipartUploadId) return record;
      const { uploadId, partCount } = multipartOf(record);
      const key = target.objectKey(record);
      const parts = await uploadedParts(key, uploadId);
      const have = new Set(parts.map((p) => p.partNumber));
      const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
      if (missing.length)
        throw new ConflictError(
          `${noun} ${id} is missing part${missing.length > 1 ? 's' : ''} ` +
            `${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''} of ${partCount}; upload ` +
            `them (GET /v1/${collection}/${id}/upload gives fresh URLs), then complete again`,
        );
      const wanted = parts.filter((p) => p.partNumber <= partCount);
      const bytes = wanted.reduce((sum, p) => sum + p.bytes, 0);
      const limit = (await tenantDatafileLimits(tenantId)).maxSizeBytes;
      if (bytes > limit) {
        await abortMultipartUpload(key, uploadId);
        await fail(
          tenantId,
          id,
          `the upload is ${bytes} bytes, above this account's ${limitNoun} limit of ${limit} bytes`,
        );
        throw new TooLargeError(
          `the uploaded parts hold ${bytes} bytes, above this account's ${limitNoun} limit of ${limit} ` +
            `bytes; the upload was discarded`,
        );
      }
      await completeMultipartUpload(key, uploadId, wanted);
      return (
        (await lifecycle.markUploaded(tenantId, id, bytes, limit)) ?? (await records.get(collection, tenantId, id))
      );
    },

    /** The bytes arrived: the record moves on and the worker is queued, once, by whoever wins the update. */
    async markUploaded(
      tenantId: string,
      id: string,
      sizeBytes: number,
      knownLimit?: number,
    ): Promise<RecordsByCollection[C] | undefined> {
      const limit = knownLimit ?? (await tenantDatafileLimits(tenantId)).maxSizeBytes;
      if (sizeBytes > limit) {
        const failed = await fail(
          tenantId,
          id,
          `the uploaded file is ${sizeBytes} bytes, above this account's ${limitNoun} limit of ${limit} bytes; ` +
            'it was deleted',
        );
        if (failed) await deleteRecordObjects(tenantId, collection, id);
        return failed;
      }
      const updated = await records.update(collection, tenantId, id, {
        set: { status: target.arrived.status, sizeBytes, attempts: 0 },
        remove: ['multipartUploadId'],
        condition: '#status = :awaiting',
        ...awaiting,
      });
      if (updated) await enqueueOrFail(collection, updated, target.arrived.action);
      return updated;
    },

    /** Handles an S3 "object created" notification for any key; ignores keys that are not this collection's uploads. */
    async onObjectCreated(key: string, sizeBytes: number): Promise<void> {
      const parsed = parseKey(key);
      if (parsed?.collection !== collection || parsed.rest !== datafileObjectName) return;
      // An upload that lands after its record was deleted would otherwise stay behind, unowned.
      if (!(await records.find(collection, parsed.tenantId, parsed.id)))
        return void (await deleteRecordObjects(parsed.tenantId, collection, parsed.id));
      await lifecycle.markUploaded(parsed.tenantId, parsed.id, sizeBytes);
    },

    /**
     * The record as it is now. If the upload notification has not arrived (or was lost), a HEAD on
     * the object settles it, so a client never has to wait for or call anything after uploading.
     */
    async current(tenantId: string, id: string): Promise<RecordsByCollection[C]> {
      const record = await records.get(collection, tenantId, id);
      if (fieldsOf(record).status !== 'awaiting-upload') return record;
      const size = await objectSize(target.objectKey(record));
      if (size === undefined) return record;
      return (await lifecycle.markUploaded(tenantId, id, size)) ?? (await records.get(collection, tenantId, id));
    },
  };
  return lifecycle;
}
