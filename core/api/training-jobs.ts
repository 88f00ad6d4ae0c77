/** The training jobs API: routes and request schemas. */
import { z } from 'zod';
import { recordIdSchema } from '../ids';
import type { Route } from '../route';
import { gpuCounts, workerJobDefinition } from '../topology';
import { name, problem, quotaExceeded } from './common';
import { trainingJobView } from './views';
import { readRoutes } from './read-routes';

/** Another job's snapshot to start from; without `iteration`, its latest one. */
const jobSource = z.strictObject({
  trainingJobId: recordIdSchema,
  iteration: z.number().int().min(1).optional(),
});

/** A model's weights to fine-tune from (POST /v1/models). */
const modelSource = z.strictObject({ modelId: recordIdSchema });

export const resourcesSchema = z
  .strictObject({
    type: z.enum(['GPU', 'CPU']),
    count: z
      .literal(gpuCounts)
      .optional()
      .meta({ description: 'GPUs on one instance, trained data-parallel (GPU jobs only; default 1)' }),
  })
  .refine((resources) => resources.count === undefined || resources.type === 'GPU', {
    message: 'count applies to GPU jobs only: a CPU job runs on one worker',
    path: ['count'],
  });

export const createTrainingJobBody = z
  .strictObject({
    solverId: recordIdSchema,
    name: name.optional(),
    // Batch refuses attempt timeouts under 60 s; the job definition's own limit is the ceiling.
    maxRuntimeSeconds: z.number().int().min(60).max(workerJobDefinition.attemptDurationSeconds).optional(),
    resources: resourcesSchema.optional(),
    /** Fine-tune from another job's snapshot, or from a model's weights (Caffe copies layers by name). */
    weightsFrom: z.union([jobSource, modelSource]).optional(),
    resumeFrom: jobSource.optional(),
  })
  .refine((body) => !(body.weightsFrom && body.resumeFrom), {
    message:
      'weightsFrom (fine-tune from weights) and resumeFrom (continue from solver state) exclude each other; send one',
    path: ['resumeFrom'],
  });

/** `GET /logs`: a byte window of the log, optionally waiting for it to grow. */
export const logQuery = z.object({
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(4 * 1024 * 1024)
    .default(1024 * 1024),
  wait: z.coerce.number().int().min(0).max(20).default(0),
});

const jobRoute = (
  method: Route['method'],
  suffix: string,
  handler: string,
  access: Route['access'],
  summary: string,
  docs: Pick<Route, 'request' | 'responses'>,
): Route => ({
  method,
  path: `/v1/training-jobs/{id}${suffix}`,
  handler,
  auth: 'jwt',
  access,
  summary,
  ...docs,
});

export const metricsView = z
  .object({
    train: z.array(
      z.object({
        iteration: z.number().int(),
        loss: z.number().nullable(),
        learningRate: z.number().optional(),
        at: z.iso.datetime().optional(),
      }),
    ),
    test: z.array(
      z.object({
        iteration: z.number().int(),
        outputs: z.record(z.string(), z.number().nullable()),
        at: z.iso.datetime().optional(),
      }),
    ),
  })
  .meta({ id: 'TrainingJobMetrics', description: 'NaN losses (a diverged net) are null' });

const download = z.object({ url: z.url(), bytes: z.number().int().min(0) });
const artifactsView = z
  .object({
    model: download.extend({ iteration: z.number().int() }).nullable(),
    /**
     * deploy.prototxt, model.caffemodel, labels.txt, preprocessing.json in one .tar.gz (null until the job succeeded).
     */
    bundle: download.nullable(),
    snapshots: z.array(
      z.object({ iteration: z.number().int(), model: download.optional(), solverState: download.optional() }),
    ),
  })
  .meta({ id: 'TrainingJobArtifacts' });

const logHeaders = {
  'x-next-offset': 'the byte offset to ask for next',
  'x-log-complete': '`true` once the job has finished and the log is read to its end',
};

const conflict = (description: string) => ({ 409: problem(description) });

export const trainingJobRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/training-jobs',
    handler: 'create-training-job',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'read', queue: true },
    summary: 'Queue a training job',
    idempotent: true,
    request: { body: createTrainingJobBody },
    responses: {
      202: {
        description: 'queued; poll it for progress',
        schema: trainingJobView,
        headers: { location: 'the training job' },
      },
      404: problem('the solver (or its dataset, or the job to start from) does not exist'),
      422: problem('the dataset failed, or the snapshot to start from does not exist'),
      429: quotaExceeded,
    },
  },
  ...readRoutes('training-jobs', 'training job', trainingJobView),
  jobRoute(
    'GET',
    '/logs',
    'get-training-job-logs',
    { table: 'read', bucket: 'read' },
    "The job's Caffe log, a byte range at a time (long polling with ?wait=)",
    {
      request: { query: logQuery },
      responses: {
        200: {
          description: 'the log from ?offset= (a window of at most ?limit= bytes, cut at a line break)',
          contentType: 'text/plain',
          headers: logHeaders,
        },
        206: {
          description: 'the bytes the Range header asked for',
          contentType: 'text/plain',
          headers: { ...logHeaders, 'content-range': 'bytes first-last/size' },
        },
        416: problem('the offset is past the end of the log'),
      },
    },
  ),
  jobRoute(
    'GET',
    '/metrics',
    'get-training-job-metrics',
    { table: 'read', bucket: 'read' },
    'Train loss and test outputs over iterations, from the log',
    {
      responses: { 200: { description: 'every train and test point in the log', schema: metricsView } },
    },
  ),
  jobRoute(
    'GET',
    '/artifacts',
    'get-training-job-artifacts',
    { table: 'read', bucket: 'read' },
    'Presigned downloads of the model and snapshots',
    {
      responses: {
        200: { description: 'the final model (null until the job succeeds) and every snapshot', schema: artifactsView },
      },
    },
  ),
  jobRoute(
    'POST',
    '/cancel',
    'cancel-training-job',
    { table: 'readWrite', batch: 'terminate' },
    'Stop a queued or running job',
    {
      responses: {
        200: { description: 'cancelled', schema: trainingJobView },
        ...conflict('the job has already finished'),
      },
    },
  ),
  jobRoute(
    'DELETE',
    '',
    'delete-training-job',
    { table: 'readWrite', bucket: 'read', deleteObjects: true },
    'Delete a finished job and its artifacts',
    {
      responses: {
        204: { description: 'deleted, with its log, snapshots and model' },
        ...conflict('the job is unfinished, or an unfinished job starts from it'),
      },
    },
  ),
];
