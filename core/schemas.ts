/**
 * Request bodies, as zod schemas. Objects are strict: an unknown field is an error that names
 * the field, not something silently ignored. (Issue #3 generates the OpenAPI document from these.)
 */
import { z } from 'zod';

const name = z.string().trim().min(1).max(200);

export const createDatafileBody = z.strictObject({
  name,
  format: z.literal('image-folders'),
  sizeBytes: z.number().int().positive().optional(),
});

const datasetSource = z.strictObject({
  datafileId: z.string().min(1),
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
    })
    .refine((t) => (t.width === undefined) === (t.height === undefined), 'width and height go together')
    .optional(),
});

/** Prototxt texts are kept in the record, so they are bounded well below DynamoDB's item limit. */
const prototxt = z.string().min(1).max(128 * 1024);

export const createSolverBody = z.strictObject({
  name,
  datasetId: z.string().min(1),
  solver: prototxt,
  net: prototxt,
});

export const createTrainingJobBody = z.strictObject({
  solverId: z.string().min(1),
  name: name.optional(),
});

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).optional(),
});
