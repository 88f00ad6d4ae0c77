/** The datafiles API: routes and request schemas. */
import { z } from 'zod';
import { datafileFormats } from '../records/types';
import type { Route } from '../route';
import { readRoutes } from './read-routes';
import { name, problem, quotaExceeded } from './common';
import { datafileView } from './views';

export const createDatafileBody = z
  .strictObject({
    name,
    /**
     * image-folders: .tar/.tar.gz/.zip of label folders; idx: an archive of IDX image+label pairs; lmdb/leveldb: an
     * archived database of Caffe Datums.
     */
    format: z.enum(datafileFormats),
    /** The size of the file the client will upload: above the single-PUT threshold it gets a multipart upload. */
    sizeBytes: z.number().int().positive().optional(),
    /** Import from this http(s) URL instead of uploading (fetched by the worker, never by the API). */
    url: z.string().min(1).max(2048).optional(),
  })
  .refine((body) => !(body.url && body.sizeBytes), {
    message: 'give either url (import) or sizeBytes (upload), not both',
    path: ['sizeBytes'],
  });

/** A presigned request the client sends the archive with. */
const presignedUpload = z.object({ url: z.url(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()) });
/** A multipart upload: PUT each part's bytes to its URL, then POST completeUrl. */
export const multipartUpload = z
  .object({
    method: z.literal('multipart'),
    partSizeBytes: z.number().int().positive(),
    partCount: z.number().int().positive(),
    parts: z
      .array(z.object({ partNumber: z.number().int().positive(), url: z.url() }))
      .describe('parts not yet uploaded (at most 1000: ask GET …/upload again for more)'),
    uploadedParts: z.array(z.number().int().positive()),
    completeUrl: z.string(),
  })
  .meta({ id: 'MultipartUpload' });
const createdDatafileView = datafileView
  .extend({ upload: z.union([presignedUpload, multipartUpload]).optional() })
  .meta({ id: 'CreatedDatafile' });

/** GET must be able to notice an upload whose notification was lost and start its inspection. */
const noticesUploads = (route: Route): Route =>
  route.path.endsWith('{id}')
    ? { ...route, access: { table: 'readWrite', bucket: 'read', queue: true, deleteObjects: true } }
    : route;

export const datafileRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/datafiles',
    handler: 'create-datafile',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'readWrite', queue: true },
    summary: 'Register a datafile and get a presigned upload, or import one from a URL',
    idempotent: true,
    request: { body: createDatafileBody },
    responses: {
      201: {
        description: 'registered; upload the archive as `upload` says',
        schema: createdDatafileView,
        headers: { location: 'the datafile' },
      },
      202: {
        description: 'import queued: the worker fetches the URL (status processing, then ready or failed)',
        schema: datafileView,
        headers: { location: 'the datafile' },
      },
      400: problem(
        'the URL is refused (scheme, credentials, a loopback, private or link-local address) or the body is invalid',
      ),
      413: problem('sizeBytes is above your datafile size limit'),
      429: quotaExceeded,
    },
  },
  ...readRoutes('datafiles', 'datafile', datafileView).map(noticesUploads),
  {
    method: 'GET',
    path: '/v1/datafiles/{id}/upload',
    handler: 'get-datafile-upload',
    auth: 'jwt',
    access: { table: 'read', bucket: 'readWrite' },
    summary: 'Resume a multipart upload: fresh URLs for the parts not yet uploaded',
    responses: {
      200: { description: 'the upload instructions', schema: multipartUpload },
      409: problem('the datafile has no multipart upload in progress'),
    },
  },
  {
    method: 'POST',
    path: '/v1/datafiles/{id}/complete',
    handler: 'complete-datafile-upload',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'readWrite', queue: true },
    summary: 'Finish a multipart upload once every part is uploaded',
    responses: {
      202: { description: 'assembled; inspection queued', schema: datafileView },
      409: problem('parts are missing (named in detail), or the datafile has no multipart upload'),
    },
  },
  {
    method: 'DELETE',
    path: '/v1/datafiles/{id}',
    handler: 'delete-datafile',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'readWrite', deleteObjects: true },
    summary: 'Delete a datafile and its object (409 while a dataset uses it or it is processing)',
    responses: {
      204: { description: 'deleted' },
      409: problem('a dataset uses the datafile, or it is being imported or inspected'),
    },
  },
];
