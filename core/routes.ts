/**
 * The one route table. The CDK stack creates one Lambda per route from it, the local gateway
 * serves it, and the OpenAPI document is generated from it — so the three cannot disagree.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** Path template in API Gateway syntax (`{id}` for a path parameter). */
  path: string;
  /** Handler module under lambdas/http/ (without extension); it exports `handler`. */
  handler: string;
  /** `jwt`: the caller's tenant comes from the verified token; `none`: public. */
  auth: 'jwt' | 'none';
  summary: string;
  /** What the handler may touch; the CDK stack grants exactly this and sets the matching env vars. */
  access: RouteAccess;
}

/** Resources a route's function uses (least privilege: the stack grants no more). */
export interface RouteAccess {
  table: 'read' | 'readWrite';
  /** `read`: presign downloads/read objects; `readWrite`: also presign uploads/write objects. */
  bucket?: 'read' | 'readWrite';
  /** Sends messages to the jobs queue. */
  queue?: boolean;
}

/** Collections whose records share the generic read and list handlers. */
export const collections = ['datafiles', 'datasets', 'solvers', 'training-jobs'] as const;
export type Collection = (typeof collections)[number];

const readRoutes = (collection: Collection, singular: string): Route[] => [
  {
    method: 'GET',
    path: `/v1/${collection}`,
    handler: 'list-records',
    auth: 'jwt',
    access: { table: 'read' },
    summary: `List your ${collection}, newest first`,
  },
  {
    method: 'GET',
    path: `/v1/${collection}/{id}`,
    handler: 'get-record',
    auth: 'jwt',
    access: { table: 'read', bucket: 'read' },
    summary: `Read one ${singular}`,
  },
];

export const routes: Route[] = [
  { method: 'POST', path: '/v1/datafiles', handler: 'create-datafile', auth: 'jwt', access: { table: 'readWrite', bucket: 'readWrite' }, summary: 'Register a datafile and get a presigned upload' },
  ...readRoutes('datafiles', 'datafile'),
  { method: 'POST', path: '/v1/datasets', handler: 'create-dataset', auth: 'jwt', access: { table: 'readWrite', bucket: 'read', queue: true }, summary: 'Build a training/testing dataset from datafiles' },
  ...readRoutes('datasets', 'dataset'),
  { method: 'POST', path: '/v1/solvers', handler: 'create-solver', auth: 'jwt', access: { table: 'readWrite' }, summary: 'Store a solver and net (Caffe prototxt)' },
  ...readRoutes('solvers', 'solver'),
  { method: 'POST', path: '/v1/training-jobs', handler: 'create-training-job', auth: 'jwt', access: { table: 'readWrite', queue: true }, summary: 'Queue a training job' },
  ...readRoutes('training-jobs', 'training job'),
  { method: 'GET', path: '/v1/training-jobs/{id}/logs', handler: 'get-training-job-logs', auth: 'jwt', access: { table: 'read', bucket: 'read' }, summary: "The job's Caffe log as text" },
  { method: 'GET', path: '/v1/training-jobs/{id}/artifacts', handler: 'get-training-job-artifacts', auth: 'jwt', access: { table: 'read', bucket: 'read' }, summary: 'Presigned downloads of the model and snapshots' },
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
