/**
 * One typed method per API operation, grouped by resource, on openapi-fetch: each returns the
 * answer's body or throws ApiError with the problem+json the API sent.
 */
import type { Client } from 'openapi-fetch';
import { ApiError } from './errors';
import type { paths } from './generated/openapi';
import { retryAfterSeconds } from './sleep';
import { methodOf } from './transport';
import type * as T from './types';

type Answer<D> = { data?: D; error?: unknown; response: Response };

/** The body of a 2xx answer, or ApiError. */
export async function unwrap<D>(pending: Promise<Answer<D>>): Promise<D> {
  const { data, error, response } = await pending;
  if (!response.ok) {
    const url = new URL(response.url || 'http://api/');
    throw new ApiError(
      response.status,
      error,
      methodOf(response),
      url.pathname + url.search,
      retryAfterSeconds(response.headers.get('retry-after')),
    );
  }
  return data as D;
}

type Api = Client<paths>;
const id = (value: string) => ({ params: { path: { id: value } } });
// The `status` filter is served by every list (lambdas/http/list-records.ts) but not yet described in the document.
const list = (query: T.ListQuery = {}) => ({ params: { query: query as { limit?: number; cursor?: string } } });

/** A log window: its text, where to continue, and whether the job has finished and the log is read. */
export interface LogWindow {
  text: string;
  nextOffset: number;
  complete: boolean;
}

export function resources(api: Api) {
  return {
    datafiles: {
      list: (query?: T.ListQuery) => unwrap(api.GET('/v1/datafiles', list(query))) as Promise<T.Page<T.Datafile>>,
      get: (datafileId: string) => unwrap(api.GET('/v1/datafiles/{id}', id(datafileId))),
      create: (body: T.CreateDatafile) => unwrap(api.POST('/v1/datafiles', { body })),
      delete: (datafileId: string) => unwrap(api.DELETE('/v1/datafiles/{id}', id(datafileId))).then(() => undefined),
      /** Fresh URLs for the parts of a multipart upload not yet stored. */
      uploadStatus: (datafileId: string) => unwrap(api.GET('/v1/datafiles/{id}/upload', id(datafileId))),
      complete: (datafileId: string) => unwrap(api.POST('/v1/datafiles/{id}/complete', id(datafileId))),
    },
    models: {
      list: (query?: T.ListQuery) => unwrap(api.GET('/v1/models', list(query))) as Promise<T.Page<T.Model>>,
      get: (modelId: string) => unwrap(api.GET('/v1/models/{id}', id(modelId))),
      /** An upload (answers `upload`), an import (`url`) or a training job's weights (`trainingJobId`). */
      create: (body: T.CreateModel) => unwrap(api.POST('/v1/models', { body })),
      delete: (modelId: string) => unwrap(api.DELETE('/v1/models/{id}', id(modelId))).then(() => undefined),
      /** Fresh URLs for the parts of a multipart upload not yet stored. */
      uploadStatus: (modelId: string) => unwrap(api.GET('/v1/models/{id}/upload', id(modelId))),
      complete: (modelId: string) => unwrap(api.POST('/v1/models/{id}/complete', id(modelId))),
    },
    sweeps: {
      list: (query?: T.ListQuery) => unwrap(api.GET('/v1/sweeps', list(query))) as Promise<T.Page<T.Sweep>>,
      get: (sweepId: string) => unwrap(api.GET('/v1/sweeps/{id}', id(sweepId))),
      /** One trial: its jobs in order and its train and test curves across them. */
      trial: (sweepId: string, trialId: string) =>
        unwrap(api.GET('/v1/sweeps/{id}/trials/{trialId}', { params: { path: { id: sweepId, trialId } } })),
      /** Trials of one solver over a parameter space: grid, random or ASHA. */
      create: (body: T.CreateSweep) => unwrap(api.POST('/v1/sweeps', { body })),
      /** Stops every trial's unfinished job. */
      cancel: (sweepId: string) => unwrap(api.POST('/v1/sweeps/{id}/cancel', id(sweepId))),
      delete: (sweepId: string) => unwrap(api.DELETE('/v1/sweeps/{id}', id(sweepId))).then(() => undefined),
    },
    datasets: {
      list: (query?: T.ListQuery) => unwrap(api.GET('/v1/datasets', list(query))) as Promise<T.Page<T.Dataset>>,
      get: (datasetId: string) => unwrap(api.GET('/v1/datasets/{id}', id(datasetId))),
      create: (body: T.CreateDataset) => unwrap(api.POST('/v1/datasets', { body })),
      delete: (datasetId: string) => unwrap(api.DELETE('/v1/datasets/{id}', id(datasetId))).then(() => undefined),
      /** Each class with its training count and presigned thumbnails (URLs valid 15 minutes); 409 until ready. */
      samples: (datasetId: string, options: { perClass?: number } = {}) =>
        unwrap(
          api.GET('/v1/datasets/{id}/samples', {
            params: {
              path: { id: datasetId },
              query: options.perClass === undefined ? {} : { perClass: options.perClass },
            },
          }),
        ),
    },
    solvers: {
      list: (query?: T.ListQuery) => unwrap(api.GET('/v1/solvers', list(query))) as Promise<T.Page<T.Solver>>,
      get: (solverId: string) => unwrap(api.GET('/v1/solvers/{id}', id(solverId))),
      create: (body: T.CreateSolver) => unwrap(api.POST('/v1/solvers', { body })),
      delete: (solverId: string) => unwrap(api.DELETE('/v1/solvers/{id}', id(solverId))).then(() => undefined),
    },
    trainingJobs: {
      list: (query?: T.ListQuery) =>
        unwrap(api.GET('/v1/training-jobs', list(query))) as Promise<T.Page<T.TrainingJob>>,
      get: (jobId: string) => unwrap(api.GET('/v1/training-jobs/{id}', id(jobId))),
      create: (body: T.CreateTrainingJob) => unwrap(api.POST('/v1/training-jobs', { body })),
      delete: (jobId: string) => unwrap(api.DELETE('/v1/training-jobs/{id}', id(jobId))).then(() => undefined),
      cancel: (jobId: string) => unwrap(api.POST('/v1/training-jobs/{id}/cancel', id(jobId))),
      metrics: (jobId: string) => unwrap(api.GET('/v1/training-jobs/{id}/metrics', id(jobId))),
      artifacts: (jobId: string) => unwrap(api.GET('/v1/training-jobs/{id}/artifacts', id(jobId))),
      /** Caffe's log from `offset`; `wait` seconds of long polling when there is nothing new yet. */
      async logs(
        jobId: string,
        options: { offset?: number; wait?: number; signal?: AbortSignal } = {},
      ): Promise<LogWindow> {
        const query = {
          ...(options.offset ? { offset: options.offset } : {}),
          ...(options.wait ? { wait: options.wait } : {}),
        };
        const answer = await api.GET('/v1/training-jobs/{id}/logs', {
          params: { path: { id: jobId }, query },
          parseAs: 'text',
          ...(options.signal ? { signal: options.signal } : {}),
        });
        const text = await unwrap(answer as unknown as Promise<Answer<string>>);
        const headers = answer.response.headers;
        return {
          text,
          nextOffset: Number(headers.get('x-next-offset') ?? (options.offset ?? 0) + text.length),
          complete: headers.get('x-log-complete') === 'true',
        };
      },
    },
    classifiers: {
      list: (query?: T.ListQuery) => unwrap(api.GET('/v1/classifiers', list(query))) as Promise<T.Page<T.Classifier>>,
      get: (classifierId: string) => unwrap(api.GET('/v1/classifiers/{id}', id(classifierId))),
      create: (body: T.CreateClassifier) => unwrap(api.POST('/v1/classifiers', { body })),
      delete: (classifierId: string) =>
        unwrap(api.DELETE('/v1/classifiers/{id}', id(classifierId))).then(() => undefined),
      /** One synchronous call (at most `classifyLimits` images); `classify()` on the client batches any number. */
      classify: (classifierId: string, body: T.Classify) =>
        unwrap(api.POST('/v1/classifiers/{id}/classify', { ...id(classifierId), body })),
    },
    classifyJobs: {
      list: (query?: T.ListQuery) =>
        unwrap(api.GET('/v1/classify-jobs', list(query))) as Promise<T.Page<T.ClassifyJob>>,
      get: (jobId: string) => unwrap(api.GET('/v1/classify-jobs/{id}', id(jobId))),
      create: (classifierId: string, body: T.CreateClassifyJob) =>
        unwrap(api.POST('/v1/classifiers/{id}/classify-jobs', { ...id(classifierId), body })),
      results: (jobId: string) => unwrap(api.GET('/v1/classify-jobs/{id}/results', id(jobId))),
    },
    admin: {
      capacity: () => unwrap(api.GET('/v1/admin/capacity')),
      setCapacity: (body: T.CapacitySettings) => unwrap(api.PUT('/v1/admin/capacity', { body })),
      limits: () => unwrap(api.GET('/v1/admin/limits')),
      setLimits: (body: T.LimitSettings) => unwrap(api.PUT('/v1/admin/limits', { body })),
      /** Running and waiting work per tenant, busiest first (at most `limit` tenants; totals count all). */
      queue: (options: { limit?: number } = {}) =>
        unwrap(
          api.GET('/v1/admin/queue', {
            params: { query: options.limit === undefined ? {} : { limit: options.limit } },
          }),
        ),
      deleteTenant: (tenantId: string) =>
        unwrap(api.DELETE('/v1/admin/tenants/{tenantId}', { params: { path: { tenantId } } })),
    },
  };
}

export type Resources = ReturnType<typeof resources>;
