/** The training jobs API: routes and request schemas. */
import { z } from 'zod';
import type { Route } from '../routes';
import { name } from './common';
import { readRoutes } from './read-routes';

export const createTrainingJobBody = z.strictObject({
  solverId: z.string().min(1),
  name: name.optional(),
});

export const trainingJobRoutes: Route[] = [
  { method: 'POST', path: '/v1/training-jobs', handler: 'create-training-job', auth: 'jwt', access: { table: 'readWrite', queue: true }, summary: 'Queue a training job' },
  ...readRoutes('training-jobs', 'training job'),
  { method: 'GET', path: '/v1/training-jobs/{id}/logs', handler: 'get-training-job-logs', auth: 'jwt', access: { table: 'read', bucket: 'read' }, summary: "The job's Caffe log as text" },
  { method: 'GET', path: '/v1/training-jobs/{id}/artifacts', handler: 'get-training-job-artifacts', auth: 'jwt', access: { table: 'read', bucket: 'read' }, summary: 'Presigned downloads of the model and snapshots' },
];
