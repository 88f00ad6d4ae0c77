/**
 * S3 "object created" for a datafile upload → the datafile is ready, with its size; for a classify job's archive → the
 * job is queued.
 */
import type { S3Event } from 'aws-lambda';
import { onClassifyJobArchive } from '../../core/usecases/classify-jobs';
import { onObjectCreated } from '../../core/usecases/datafiles';
import { eventHandler } from '../shared/events';

const onUpload = async (event: S3Event): Promise<void> => {
  for (const record of event.Records) {
    // S3 URL-encodes keys in notifications, with '+' for spaces.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    await onObjectCreated(key, record.s3.object.size);
    await onClassifyJobArchive(key);
  }
};

export const handler = eventHandler('upload-received', onUpload);
