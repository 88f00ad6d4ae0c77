/** The classify jobs API: many images classified in the background, results as a JSON object in S3. */
import { z } from 'zod';
import { classifyJobStatuses } from '../records/types';
import type { Route } from '../route';
import { classifyLimits } from './classifiers';
import { downloadSchema, name, problem, recordViewFields } from './common';
import { readRoutes } from './read-routes';
import { usageView } from './views';

export const classifyJobLimits = { maxUrls: 1000 } as const;

export const createClassifyJobBody = z
  .strictObject({
    /** Images the worker fetches by URL (never an API function: core/net/guarded-fetch.ts). */
    images: z
      .array(z.strictObject({ url: z.string().min(1).max(2048) }))
      .max(classifyJobLimits.maxUrls)
      .optional(),
    /**
     * true: the answer carries `upload`, a presigned PUT for a .tar, .tar.gz or .zip of images; the job is queued once
     * it arrives.
     */
    archive: z.boolean().optional(),
    topK: z.number().int().min(1).max(classifyLimits.maxTopK).optional(),
    name: name.optional(),
  })
  .refine((body) => body.archive || (body.images?.length ?? 0) > 0, {
    message: 'give images (URLs), archive: true, or both',
    path: ['images'],
  });

const presignedUpload = z.object({ url: z.url(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()) });

export const classifyJobView = z
  .object({
    ...recordViewFields,
    classifierId: z.string(),
    status: z.enum(classifyJobStatuses),
    urls: z.array(z.string()),
    archive: z.boolean(),
    topK: z.number().int(),
    results: z
      .object({
        images: z.number().int(),
        classified: z.number().int(),
        failed: z.number().int(),
        bytes: z.number().int(),
      })
      .optional()
      .describe('counts once the job succeeded; GET …/results for the labels'),
    attempts: z.number().int(),
    finishedAt: z.iso.datetime().optional(),
    error: z.string().optional(),
    usage: usageView.optional(),
  })
  .meta({ id: 'ClassifyJob' });
const createdClassifyJobView = classifyJobView
  .extend({ upload: presignedUpload.optional() })
  .meta({ id: 'CreatedClassifyJob' });

/** The results object the worker writes (documents what GET …/results points at). */
export const classifyJobResultsFile = z.object({
  classifierId: z.string(),
  results: z.array(
    z.object({
      image: z.string().describe("the archive entry's path or the URL"),
      top: z.array(z.object({ label: z.string(), probability: z.number() })).optional(),
      error: z.string().optional().describe('why this image could not be classified (not fetched, not an image)'),
    }),
  ),
});

export const classifyJobRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/classifiers/{id}/classify-jobs',
    handler: 'create-classify-job',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'readWrite', queue: true },
    summary: 'Classify many images in the background: an uploaded archive of images and/or image URLs',
    idempotent: true,
    request: { body: createClassifyJobBody },
    responses: {
      201: {
        description: 'registered; upload the archive as `upload` says, then the job is queued',
        schema: createdClassifyJobView,
        headers: { location: 'the classify job' },
      },
      202: {
        description: 'queued: the worker fetches the URLs and classifies them',
        schema: classifyJobView,
        headers: { location: 'the classify job' },
      },
      404: problem('the classifier does not exist'),
    },
  },
  ...readRoutes('classify-jobs', 'classify job', classifyJobView),
  {
    method: 'GET',
    path: '/v1/classify-jobs/{id}/results',
    handler: 'get-classify-job-results',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    summary:
      "A presigned download of a finished job's results JSON (`{classifierId, results: [{image, " +
      'top} | {image, error}]}`)',
    responses: {
      200: { description: 'where to download the results', schema: downloadSchema },
      409: problem('the job has not succeeded (yet)'),
    },
  },
];
