/** The models API: routes and request schemas. */
import { z } from 'zod';
import { recordIdSchema } from '../ids';
import { modelSources, modelStatuses } from '../records/types';
import type { Route } from '../route';
import { name, problem, quotaExceeded, recordViewFields } from './common';
import { multipartUpload } from './datafiles';
import { readRoutes } from './read-routes';
import { usageView } from './views';

/** How images become the net's input (core/caffe/preprocess.ts' Preprocessing, without a mean image). */
export const preprocessingInput = z
  .strictObject({
    channels: z.union([z.literal(1), z.literal(3)]),
    height: z.number().int().min(1).max(4096),
    width: z.number().int().min(1).max(4096),
    /** Default: GRAY for one channel, BGR (as OpenCV and so Caffe's tools store images) for three. */
    channelOrder: z.enum(['BGR', 'GRAY']).optional(),
    cropSize: z.number().int().min(1).max(4096).optional(),
    /** Subtracted per channel before scaling (one value for every channel, or one per channel). */
    mean: z.array(z.number()).min(1).max(3).optional(),
    scale: z.number().positive().optional(),
  })
  .refine((p) => (p.channelOrder ?? (p.channels === 1 ? 'GRAY' : 'BGR')) === (p.channels === 1 ? 'GRAY' : 'BGR'), {
    message: 'channelOrder is GRAY for one channel and BGR for three',
    path: ['channelOrder'],
  })
  .refine((p) => !p.mean || p.mean.length === 1 || p.mean.length === p.channels, {
    message: 'give one mean value, or one per channel',
    path: ['mean'],
  })
  .refine((p) => !p.cropSize || p.cropSize <= Math.min(p.height, p.width), {
    message: 'cropSize is larger than the image',
    path: ['cropSize'],
  });

/** Fields that only uploads and imports take (a published model is a training job's). */
const fileOnly = ['sizeBytes', 'url'] as const;

export const createModelBody = z
  .strictObject({
    /** Required for uploads and imports; a published model is named after its job unless given. */
    name: name.optional(),
    /** A deploy net (prototxt) the weights load into; classifiers made from the model use it. */
    deploy: z.string().min(1).max(1_000_000).optional(),
    /** Class names in output order; without them a classifier answers class indices. */
    labels: z.array(z.string().min(1).max(256)).min(1).max(100_000).optional(),
    preprocessing: preprocessingInput.optional(),
    /** Size of the .caffemodel the client will upload: above the single-PUT threshold it gets a multipart upload. */
    sizeBytes: z.number().int().positive().optional(),
    /** Import from this http(s) URL instead of uploading (fetched by the worker, never by the API). */
    url: z.string().min(1).max(2048).optional(),
    /** Publish this training job's weights (its final model, or the snapshot at `iteration`) without copying them. */
    trainingJobId: recordIdSchema.optional(),
    iteration: z.number().int().min(1).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.trainingJobId)
      for (const field of fileOnly)
        if (body[field] !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `${field} is for uploads and imports; a model published from trainingJobId uses the job's weights`,
          });
    if (body.iteration !== undefined && !body.trainingJobId)
      ctx.addIssue({ code: 'custom', path: ['iteration'], message: 'iteration picks a snapshot of trainingJobId' });
    if (body.url && body.sizeBytes && !body.trainingJobId)
      ctx.addIssue({
        code: 'custom',
        path: ['sizeBytes'],
        message: 'give either url (import) or sizeBytes (upload), not both',
      });
    if (!body.trainingJobId && !body.name)
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'an uploaded or imported model needs a name' });
  });

/** The preprocessing a model records (a published model's may subtract its dataset's mean image). */
const preprocessingView = z.object({
  channels: z.number().int(),
  height: z.number().int(),
  width: z.number().int(),
  channelOrder: z.enum(['BGR', 'GRAY']),
  cropSize: z.number().int().optional(),
  mean: z.array(z.number()).optional(),
  meanFile: z.literal('mean.binaryproto').optional().describe("the training dataset's mean image"),
  scale: z.number(),
});

const presignedUpload = z.object({ url: z.url(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()) });

export const modelView = z
  .object({
    ...recordViewFields,
    status: z.enum(modelStatuses),
    source: z.enum(modelSources).describe('uploaded, imported from a URL, or published from a training job'),
    sizeBytes: z.number().int().min(0).optional(),
    sourceUrl: z.string().optional().describe('the URL an imported model was fetched from'),
    partSizeBytes: z.number().int().min(0).optional().describe('part size of its multipart upload'),
    deploy: z.string().optional().describe('the deploy net the weights load into'),
    input: z.string().optional().describe("the deploy net's input blob"),
    output: z.string().optional().describe("the deploy net's class-probability blob"),
    head: z.string().optional().describe('the layer of the training net a derived deploy net answers from'),
    labels: z.array(z.string()).optional(),
    preprocessing: preprocessingView.optional(),
    lineage: z
      .object({
        trainingJobId: z.string(),
        iteration: z.number().int(),
        solverId: z.string(),
        datasetId: z.string(),
      })
      .optional()
      .describe('the training job, solver and dataset a published model came from'),
    attempts: z.number().int().min(0).optional(),
    error: z.string().optional().describe("why the check failed: Caffe's own message"),
    usage: usageView.optional(),
  })
  .meta({ id: 'Model' });

const createdModelView = modelView
  .extend({ upload: z.union([presignedUpload, multipartUpload]).optional() })
  .meta({ id: 'CreatedModel' });

/** GET must be able to notice an upload whose notification was lost and start its check. */
const noticesUploads = (route: Route): Route =>
  route.path.endsWith('{id}')
    ? { ...route, handler: 'get-model', access: { table: 'readWrite', bucket: 'read', queue: true } }
    : route;

export const modelRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/models',
    handler: 'create-model',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'readWrite', queue: true },
    summary: "Register a model: upload its .caffemodel, import it from a URL, or publish a training job's weights",
    idempotent: true,
    request: { body: createModelBody },
    responses: {
      201: {
        description: 'registered: upload the .caffemodel as `upload` says; or published from the job (ready)',
        schema: createdModelView,
        headers: { location: 'the model' },
      },
      202: {
        description:
          'import queued: the worker fetches the URL and checks the weights (checking, then ready or failed)',
        schema: modelView,
        headers: { location: 'the model' },
      },
      400: problem(
        'the URL is refused (scheme, credentials, a loopback, private or link-local address), the deploy net ' +
          'does not parse, or the body is invalid',
      ),
      404: problem('the training job does not exist'),
      413: problem('sizeBytes is above your upload size limit'),
      422: problem('the training job has no weights (not succeeded) or no snapshot at that iteration'),
      429: quotaExceeded,
    },
  },
  ...readRoutes('models', 'model', modelView).map(noticesUploads),
  {
    method: 'GET',
    path: '/v1/models/{id}/upload',
    handler: 'get-model-upload',
    auth: 'jwt',
    access: { table: 'read', bucket: 'readWrite' },
    summary: 'Resume a multipart upload: fresh URLs for the parts not yet uploaded',
    responses: {
      200: { description: 'the upload instructions', schema: multipartUpload },
      409: problem('the model has no multipart upload in progress'),
    },
  },
  {
    method: 'POST',
    path: '/v1/models/{id}/complete',
    handler: 'complete-model-upload',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'readWrite', queue: true },
    summary: 'Finish a multipart upload once every part is uploaded',
    responses: {
      202: { description: 'assembled; the check is queued', schema: modelView },
      409: problem('parts are missing (named in detail), or the model has no multipart upload'),
    },
  },
  {
    method: 'DELETE',
    path: '/v1/models/{id}',
    handler: 'delete-model',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'readWrite', deleteObjects: true },
    summary: "Delete a model and its own weights (a published model's stay with their training job)",
    responses: {
      204: { description: 'deleted' },
      409: problem('an unfinished training job fine-tunes from it, a classifier uses it, or it is being checked'),
    },
  },
];
