/**
 * The one route table. The CDK stack creates one Lambda per route from it, the local gateway
 * serves it, and the OpenAPI document is generated from it — so the three cannot disagree.
 */

import type { Route } from './route';
import { datafileRoutes } from './api/datafiles';
import { openApiRoutes } from './api/openapi';
import { datasetRoutes } from './api/datasets';
import { solverRoutes } from './api/solvers';
import { trainingJobRoutes } from './api/training-jobs';
import { classifierRoutes } from './api/classifiers';
import { classifyJobRoutes } from './api/classify-jobs';
import { adminRoutes } from './api/admin';

/**
 * Every route, assembled from one file per resource under core/api/ (routes and schemas side by
 * side, so a resource's API is read and changed in one place).
 */
export const routes: Route[] = [
  ...datafileRoutes,
  ...datasetRoutes,
  ...solverRoutes,
  ...trainingJobRoutes,
  ...classifierRoutes,
  ...classifyJobRoutes,
  ...adminRoutes,
  ...openApiRoutes,
];
