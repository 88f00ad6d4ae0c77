/** The datasets API: routes and request schemas. */
import { z } from 'zod';
import type { Route } from '../routes';
import { name } from './common';
import { readRoutes } from './read-routes';

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

export const datasetRoutes: Route[] = [
  { method: 'POST', path: '/v1/datasets', handler: 'create-dataset', auth: 'jwt', access: { table: 'readWrite', bucket: 'read', queue: true }, summary: 'Build a training/testing dataset from datafiles' },
  ...readRoutes('datasets', 'dataset'),
];
