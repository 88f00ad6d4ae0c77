/** The classifiers API: routes and request schemas. */
import { z } from 'zod';
import { recordIdSchema } from '../ids';
import type { Route } from '../route';
import { name, problem, recordViewFields } from './common';
import { preprocessingInput } from './models';
import { readRoutes } from './read-routes';

export const createClassifierBody = z
  .strictObject({
    /** A training job's weights (its final model, or the snapshot at `iteration`). */
    trainingJobId: recordIdSchema.optional(),
    /** Or a ready model's (POST /v1/models): its deploy net, labels and preprocessing unless given here. */
    modelId: recordIdSchema.optional(),
    /** A snapshot's iteration; default: the job's final model. */
    iteration: z.number().int().min(1).optional(),
    /** A deploy net (prototxt); default: derived from the training net. */
    deploy: z.string().min(1).max(1_000_000).optional(),
    /**
     * The head to answer from (nets with several): a SoftmaxWithLoss or Softmax layer's name; default: the last loss.
     */
    head: z.string().min(1).max(256).optional(),
    /** Class names in output order (default: the dataset's or the model's); none: answers are class indices. */
    labels: z.array(z.string().min(1).max(256)).min(1).max(100_000).optional(),
    /** How images become the net's input (default: the training net's or the model's). */
    preprocessing: preprocessingInput.optional(),
    name: name.optional(),
  })
  .refine((b) => Boolean(b.trainingJobId) !== Boolean(b.modelId), {
    message: 'give trainingJobId (a training job) or modelId (a model), one of them',
    path: ['modelId'],
  })
  .refine((b) => !(b.modelId && (b.iteration !== undefined || b.head)), {
    message: "iteration and head pick a training job's weights and head; a model has its own",
    path: ['modelId'],
  })
  .refine((b) => !(b.deploy && b.head), {
    message: 'head picks the head of the derived deploy net; a deploy net you send has its own',
    path: ['head'],
  });

/** What one synchronous classify call accepts (larger batches belong in an asynchronous job). */
export const classifyLimits = { maxImages: 16, maxTotalBytes: 5 * 1024 * 1024, maxTopK: 100 } as const;

// Images come inline only: API functions never fetch tenant URLs (core/net/guarded-fetch.ts is the
// worker's), so `url` images are for the asynchronous classify job.
const image = z.strictObject({ base64: z.string().min(1) });
const topK = z.coerce.number().int().min(1).max(classifyLimits.maxTopK).default(5);

export const classifyJsonBody = z.strictObject({
  // The count limit is checked after parsing, so too many images answers 413 like too many bytes.
  images: z.array(image).min(1, 'send at least one image'),
  topK: topK.optional(),
});

/** The multipart form (elastic-thought's): `files` (one or more image files) and `topK`. */
export const classifyFormBody = z.object({
  topK: topK.optional(),
});

const prediction = z.object({ label: z.string(), probability: z.number() });
export const classifyResultSchema = z
  .object({ results: z.array(z.object({ image: z.union([z.number().int(), z.string()]), top: z.array(prediction) })) })
  .meta({ id: 'ClassifyResult', description: 'the top labels per image, most probable first' });

export const classifierView = z
  .object({
    ...recordViewFields,
    trainingJobId: z.string().optional().describe('the training job whose weights it runs'),
    datasetId: z.string().optional(),
    modelId: z.string().optional().describe('the model it was made from'),
    iteration: z.number().int().optional(),
    deploy: z.string(),
    input: z.string(),
    output: z.string(),
    head: z
      .string()
      .optional()
      .describe('the layer the answer comes from (the last SoftmaxWithLoss unless the request named one)'),
    labels: z.array(z.string()).describe('class names in output order; empty: answers name class indices'),
    preprocessing: z.object({
      channels: z.number().int(),
      height: z.number().int(),
      width: z.number().int(),
      channelOrder: z.enum(['BGR', 'GRAY']),
      cropSize: z.number().int().optional(),
      mean: z.array(z.number()).optional(),
      meanFile: z
        .literal('mean.binaryproto')
        .optional()
        .describe("the dataset's mean image (in the model bundle), subtracted pixel by pixel before crop and scale"),
      scale: z.number(),
    }),
  })
  .meta({ id: 'Classifier' });

export const classifierRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/classifiers',
    handler: 'create-classifier',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'read' },
    summary: "Make a classifier from a training job's weights or a model",
    idempotent: true,
    request: { body: createClassifierBody },
    responses: {
      201: {
        description: 'the classifier, ready to classify',
        schema: classifierView,
        headers: { location: 'the classifier' },
      },
      404: problem('the training job or model does not exist'),
      422: problem(
        'the job has not succeeded, has no snapshot at that iteration, or its net gives no deploy net; or the ' +
          'model is not ready, or has no deploy net or preprocessing and the request gives none',
      ),
    },
  },
  ...readRoutes('classifiers', 'classifier', classifierView),
  {
    method: 'DELETE',
    path: '/v1/classifiers/{id}',
    handler: 'delete-classifier',
    auth: 'jwt',
    access: { table: 'readWrite' },
    summary: 'Delete a classifier (the training job and its model stay)',
    responses: { 204: { description: 'deleted' } },
  },
  {
    method: 'POST',
    path: '/v1/classifiers/{id}/classify',
    handler: 'classify',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    runtime: 'container', // runs a forward pass in pycaffe: the Caffe image, not a plain Node function
    summary: `Classify up to ${classifyLimits.maxImages} images (JSON base64, or multipart files) with real Caffe`,
    request: { body: classifyJsonBody, form: classifyFormBody },
    responses: {
      200: { description: 'top labels per image', schema: classifyResultSchema },
      413: problem(`more than ${classifyLimits.maxImages} images or ${classifyLimits.maxTotalBytes} bytes of images`),
    },
  },
];
