/**
 * What a route is: its method and path, who may call it, what its function may touch and what it
 * documents. The table of every route is core/routes.ts; this file stays free of it so the resource
 * files under core/api/ can describe routes without importing the table they are part of.
 */
import type { ResponseDocs, RouteRequest } from './openapi/route-docs';

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
  /**
   * The request the handler parses (OpenAPI); test/unit/core/openapi/document.test.ts requires it where there is
   * one.
   */
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
  /**
   * Deletes a whole tenant (admin): lists and deletes every object version under `tenants/`, describes and stops Batch
   * jobs.
   */
  tenantDeletion?: boolean;
}

/** API Gateway's route key for a route, e.g. `GET /v1/datasets/{id}`. */
export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** A kebab-case name in PascalCase: `training-jobs` → `TrainingJobs`. */
export const pascalCase = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_, _dash: string, letter: string) => letter.toUpperCase());

/** A stable, unique name for a route's function, e.g. `GetDatasetsId`. */
export function routeFunctionName(route: Route): string {
  const words = `${route.method.toLowerCase()} ${route.path}`
    .replace(/[{}]/g, '')
    .split(/[^a-zA-Z0-9]+/)
    .filter((w) => w && w !== 'v1');
  return words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
