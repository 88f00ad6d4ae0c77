/** The datasets API: routes and request schemas. */
import { z } from 'zod';
import { samplesPerClassDefault, samplesPerClassMax, thumbnailMaxSide } from '../dataset-samples';
import { recordIdSchema } from '../ids';
import type { Route } from '../route';
import { name, problem, quotaExceeded } from './common';
import { datasetView } from './views';
import { readRoutes } from './read-routes';

const datasetSource = z.strictObject({
  datafileId: recordIdSchema,
  splitPercentage: z.number().min(0).max(1),
});

export const createDatasetBody = z.strictObject({
  name,
  training: datasetSource,
  testing: datasetSource,
  transform: z
    .strictObject({
      grayscale: z.boolean().optional(),
      width: z.number().int().min(1).max(4096).optional(),
      height: z.number().int().min(1).max(4096).optional(),
      // Only what convert_imageset does is offered: a plain resize to width x height.
      resizeMode: z
        .literal('stretch', {
          error: 'the only resize mode is "stretch" (resized to width x height, aspect ratio not kept)',
        })
        .optional(),
      shuffle: z.boolean().optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 32 - 1)
        .optional(),
    })
    .refine((t) => (t.width === undefined) === (t.height === undefined), 'width and height go together')
    .refine((t) => t.resizeMode === undefined || t.width !== undefined, 'resizeMode needs width and height')
    .optional(),
  /** Also compute the testing split's mean image (the training split's, which nets' mean_file reads, always is). */
  testingMean: z.boolean().optional(),
});

export const meanQuery = z.object({
  split: z.enum(['training', 'testing']).default('training'),
});

const meanView = z
  .object({
    split: z.enum(['training', 'testing']),
    url: z
      .url()
      .describe("a presigned download of the mean image: Caffe's BlobProto (1 x channels x height x width floats)"),
    bytes: z.number().int().min(0),
    shape: z.object({ channels: z.number().int(), height: z.number().int(), width: z.number().int() }),
    mean: z.array(z.number()).optional().describe('its mean per channel (B, G, R for colour), 0–255'),
  })
  .meta({ id: 'DatasetMean' });

export const samplesQuery = z.strictObject({
  perClass: z.coerce
    .number()
    .int()
    .min(0)
    .max(samplesPerClassMax)
    .default(samplesPerClassDefault)
    .describe('sample images per class (a dataset keeps up to 16 per class; fewer when it has many classes)'),
});

const samplesView = z
  .object({
    classes: z.array(
      z.object({
        label: z.string(),
        index: z.number().int().min(0).describe('the label index the nets train on'),
        count: z.number().int().min(0).describe('images of this class in the training split'),
        samples: z.array(
          z.object({
            url: z.url().describe('a presigned download of a PNG thumbnail, valid 15 minutes'),
            width: z.number().int().min(1),
            height: z.number().int().min(1),
          }),
        ),
      }),
    ),
  })
  .meta({
    id: 'DatasetSamples',
    description:
      `each class of the dataset with thumbnails (longest side at most ${thumbnailMaxSide} px) of training images; ` +
      'samples are empty for datasets built before thumbnails existed and for lmdb/leveldb datafiles',
  });

export const datasetRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/datasets',
    handler: 'create-dataset',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'read', queue: true },
    summary: 'Build a training/testing dataset from datafiles',
    idempotent: true,
    request: { body: createDatasetBody },
    responses: {
      202: {
        description: 'queued; poll it until ready or failed',
        schema: datasetView,
        headers: { location: 'the dataset' },
      },
      404: problem('a datafile it names does not exist'),
      422: problem('a datafile it names is not ready (not uploaded, or failed)'),
      429: quotaExceeded,
    },
  },
  ...readRoutes('datasets', 'dataset', datasetView),
  {
    method: 'GET',
    path: '/v1/datasets/{id}/mean',
    handler: 'get-dataset-mean',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    summary: "Download a split's mean image (the one a net's mean_file reads is the training split's)",
    request: { query: meanQuery },
    responses: {
      200: { description: 'where to download the mean image', schema: meanView },
      404: problem('the dataset does not exist, or has no testing mean image (create it with `testingMean: true`)'),
      409: problem('the dataset is not ready: its mean image exists once it is'),
    },
  },
  {
    method: 'GET',
    path: '/v1/datasets/{id}/samples',
    handler: 'get-dataset-samples',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    summary: 'Sample images of each class (thumbnails, presigned), with the per-class counts',
    request: { query: samplesQuery },
    responses: {
      200: { description: 'the classes in label-index order, each with up to ?perClass= samples', schema: samplesView },
      409: problem('the dataset is not ready: its samples exist once it is'),
    },
  },
  {
    method: 'DELETE',
    path: '/v1/datasets/{id}',
    handler: 'delete-dataset',
    auth: 'jwt',
    access: { table: 'readWrite', bucket: 'read', deleteObjects: true },
    summary: 'Delete a dataset and its LMDBs (409 while a solver or job uses it)',
    responses: {
      204: { description: 'deleted, with its LMDBs' },
      409: problem('the dataset is being built, or a solver or training job uses it'),
    },
  },
];
