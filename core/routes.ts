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
import { modelRoutes } from './api/models';
import { sweepRoutes } from './api/sweeps';

/** A resource file under core/api/ (routes and schemas side by side) and the routes it exports. */
export interface RouteSource {
  /** File name under core/api/, without extension. */
  readonly file: string;
  /** The name it exports its routes under. */
  readonly exportName: string;
  readonly routes: readonly Route[];
}

/**
 * Where each route is defined: a route's function imports only its own resource's file
 * (packaging/route-entry.ts), not this table with every resource's schemas.
 */
export const routeSources: readonly RouteSource[] = [
  { file: 'datafiles', exportName: 'datafileRoutes', routes: datafileRoutes },
  { file: 'datasets', exportName: 'datasetRoutes', routes: datasetRoutes },
  { file: 'solvers', exportName: 'solverRoutes', routes: solverRoutes },
  { file: 'training-jobs', exportName: 'trainingJobRoutes', routes: trainingJobRoutes },
  { file: 'classifiers', exportName: 'classifierRoutes', routes: classifierRoutes },
  { file: 'classify-jobs', exportName: 'classifyJobRoutes', routes: classifyJobRoutes },
  { file: 'models', exportName: 'modelRoutes', routes: modelRoutes },
  { file: 'admin', exportName: 'adminRoutes', routes: adminRoutes },
  { file: 'sweeps', exportName: 'sweepRoutes', routes: sweepRoutes },
  { file: 'openapi', exportName: 'openApiRoutes', routes: openApiRoutes },
];

/** Every route, assembled from one file per resource under core/api/. */
export const routes: Route[] = routeSources.flatMap((source) => source.routes);
