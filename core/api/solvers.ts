/** The solvers API: routes and request schemas. */
import { z } from 'zod';
import type { Route } from '../routes';
import { name } from './common';
import { readRoutes } from './read-routes';

/** Prototxt texts are kept in the record, so they are bounded well below DynamoDB's item limit. */
const prototxt = z.string().min(1).max(128 * 1024);

export const createSolverBody = z.strictObject({
  name,
  datasetId: z.string().min(1),
  solver: prototxt,
  net: prototxt,
});

export const solverRoutes: Route[] = [
  { method: 'POST', path: '/v1/solvers', handler: 'create-solver', auth: 'jwt', access: { table: 'readWrite' }, summary: 'Store a solver and net (Caffe prototxt)' },
  ...readRoutes('solvers', 'solver'),
];
