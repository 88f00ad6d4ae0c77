/** The solvers API: routes and request schemas. */
import { z } from 'zod';
import { recordIdSchema } from '../ids';
import type { Route } from '../route';
import { name, problem } from './common';
import { solverView } from './views';
import { readRoutes } from './read-routes';

/** Prototxt texts are kept in the record, so they are bounded well below DynamoDB's item limit. */
const prototxt = z
  .string()
  .min(1)
  .max(128 * 1024);

const prototxtUrl = z.string().min(1).max(2048);

/**
 * Either the texts (`solver`, `net`: checked now, 201) or where to fetch them (`solverUrl`, `netUrl`: fetched and
 * checked by the worker, 202).
 */
export const createSolverBody = z
  .strictObject({
    name,
    datasetId: recordIdSchema,
    solver: prototxt.optional(),
    net: prototxt.optional(),
    solverUrl: prototxtUrl.optional(),
    netUrl: prototxtUrl.optional(),
  })
  .refine(
    (b) =>
      (b.solver !== undefined && b.net !== undefined && !b.solverUrl && !b.netUrl) ||
      (b.solverUrl && b.netUrl && b.solver === undefined && b.net === undefined),
    {
      message: 'give either solver and net (prototxt texts) or solverUrl and netUrl, not a mix',
      path: ['solver'],
    },
  );

export const solverRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/solvers',
    handler: 'create-solver',
    auth: 'jwt',
    access: { table: 'readWrite', queue: true },
    summary: 'Store a solver and net (Caffe prototxt)',
    idempotent: true,
    request: { body: createSolverBody },
    responses: {
      201: { description: 'stored', schema: solverView, headers: { location: 'the solver' } },
      202: {
        description: 'import queued: status pending, then ready or failed (with `errors`)',
        schema: solverView,
        headers: { location: 'the solver' },
      },
      400: problem('the prototxt is not valid: `errors` holds field, line and column of each mistake'),
      404: problem('the dataset does not exist'),
    },
  },
  ...readRoutes('solvers', 'solver', solverView),
  {
    method: 'DELETE',
    path: '/v1/solvers/{id}',
    handler: 'delete-solver',
    auth: 'jwt',
    access: { table: 'readWrite' },
    summary: 'Delete a solver (409 while a training job uses it)',
    responses: { 204: { description: 'deleted' }, 409: problem('a training job uses the solver') },
  },
];
