/**
 * The one route table. The CDK stack creates one Lambda per route from it, the local gateway
 * serves it, and the OpenAPI document is generated from it — so the three cannot disagree.
 */

import { datafileRoutes } from './api/datafiles';
import { openApiRoutes } from './api/openapi';
import type { ResponseDocs, RouteRequest } from './openapi/route-docs';
import { datasetRoutes } from './api/datasets';
import { solverRoutes } from './api/solvers';
import { trainingJobRoutes } from './api/training-jobs';
import { classifierRoutes } from './api/classifiers';
import { classifyJobRoutes } from './api/classify-jobs';
import { adminRoutes } from './api/admin';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** Path template in API Gateway syntax (`{id}` for a path parameter). */
  path: string;
  /** Handler module under lambdas/http/ (without extension); it exports `handler`. */
  handler: string;
  /** `jwt`: the caller's tenant comes from the verified token; `none`: public. */
  auth: 'jwt' | 'none';
  /**
   * Admin only (with `auth: 'jwt'`): the handler refuses non-admins with 403 (lambdas/shared/admin.ts,
   * via `httpHandler(fn, { admin: true })`). Not tenant data: the route addresses no collection.
   */
  admin?: true;
  summary: string;
  /** What the handler may touch; the CDK stack grants exactly this and sets the matching env vars. */
  access: RouteAccess;
  /** The request the handler parses (OpenAPI); test/unit/openapi.test.ts requires it where there is one. */
  request?: RouteRequest;
  /** Every answer the route gives beyond the shared ones (OpenAPI); required by the same test. */
  responses?: ResponseDocs;
  /** Honours `Idempotency-Key` (lambdas/shared/idempotency.ts): set on every POST that creates something. */
  idempotent?: boolean;
  /**
   * Where the handler runs on AWS. Default: a bundled Node.js function. `container`: a container-image
   * function (x86_64) with Caffe and pycaffe (container/Dockerfile.classify), for handlers that run nets.
   */
  runtime?: 'container';
}

/** Resources a route's function uses (least privilege: the stack grants no more). */
export interface RouteAccess {
  table: 'read' | 'readWrite';
  /** `read`: presign downloads/read objects; `readWrite`: also presign uploads/write objects. */
  bucket?: 'read' | 'readWrite';
  /** Sends messages to the jobs queue. */
  queue?: boolean;
  /** Deletes objects under `tenants/` (a record's artifacts when the record is deleted). */
  deleteObjects?: boolean;
  /** `terminate`: stops Batch jobs (cancelling a training job). */
  batch?: 'terminate';
  /** Deletes a whole tenant (admin): lists and deletes every object version under `tenants/`, describes and stops Batch jobs. */
  tenantDeletion?: boolean;
}

/** Collections whose records share the generic read and list handlers. */
export const collections = [
  'datafiles',
  'datasets',
  'solvers',
  'training-jobs',
  'classifiers',
  'classify-jobs',
] as const;
export type Collection = (typeof collections)[number];

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

/** API Gateway's route key for a route, e.g. `GET /v1/datasets/{id}`. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** The collection a route key addresses (`GET /v1/datasets/{id}` → `datasets`). */
export function collectionOf(key: string): Collection {
  const segment = key.split(' ')[1]?.split('/')[2];
  const found = collections.find((c) => c === segment);
  if (!found) throw new Error(`route ${key} addresses no known collection`);
  return found;
}

/** A stable, unique name for a route's function, e.g. `GetDatasetsId`. */
export function routeFunctionName(route: Route): string {
  const words = `${route.method.toLowerCase()} ${route.path}`
    .replace(/[{}]/g, '')
    .split(/[^a-zA-Z0-9]+/)
    .filter((w) => w && w !== 'v1');
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
