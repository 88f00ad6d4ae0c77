/** The datafiles API: routes and request schemas. */
import { z } from 'zod';
import type { Route } from '../routes';
import { readRoutes } from './read-routes';
import { name } from './common';

export const createDatafileBody = z.strictObject({
  name,
  format: z.literal('image-folders'),
  sizeBytes: z.number().int().positive().optional(),
});

export const datafileRoutes: Route[] = [
  { method: 'POST', path: '/v1/datafiles', handler: 'create-datafile', auth: 'jwt', access: { table: 'readWrite', bucket: 'readWrite' }, summary: 'Register a datafile and get a presigned upload' },
  ...readRoutes('datafiles', 'datafile'),
];
