/**
 * S3 "object created" for a datafile upload → the datafile is ready, with its size; for a classify job's archive → the
 * job is queued; for a model's weights → their check is queued.
 */
import type { S3Event } from 'aws-lambda';
import { onClassifyJobArchive } from '../../core/usecases/classify-jobs';
import { onObjectCreated } from '../../core/usecases/datafiles';
import { onModelUpload } from '../../core/usecases/models';
import { eventHandler } from '../shared/events';

const onUpload = async (event: S3Event): Promise<void> => {
  for (const record of event.Records) {
    // S3 URL-encodes keys in notifications, with '+' for spaces.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    await onObjectCreated(key, record.s3.object.size);
    await onClassifyJobArchive(key);
    await onModelUpload(key, record.s3.object.size);
  }
};

export const handler = eventHandler('upload-received', onUpload);
