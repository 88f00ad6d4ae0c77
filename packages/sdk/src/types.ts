/** Names for the API's schemas (generated from the OpenAPI document into ./generated/openapi.ts). */
import type { components, paths } from './generated/openapi';

type Schemas = components['schemas'];

export type { components, paths };
export type Datafile = Schemas['Datafile'];
export type CreatedDatafile = Schemas['CreatedDatafile'];
export type MultipartUpload = Schemas['MultipartUpload'];
export type Dataset = Schemas['Dataset'];
export type Solver = Schemas['Solver'];
export type TrainingJob = Schemas['TrainingJob'];
export type TrainingJobMetrics = Schemas['TrainingJobMetrics'];
export type TrainingJobArtifacts = Schemas['TrainingJobArtifacts'];
export type Classifier = Schemas['Classifier'];
export type ClassifyResult = Schemas['ClassifyResult'];
export type ClassifyJob = Schemas['ClassifyJob'];
export type CreatedClassifyJob = Schemas['CreatedClassifyJob'];
export type Capacity = Schemas['Capacity'];
export type CapacitySettings = Schemas['CapacitySettings'];
export type Limits = Schemas['Limits'];
export type LimitSettings = Schemas['LimitSettings'];
export type TenantDeletion = Schemas['TenantDeletion'];
export type DatasetSamples = Schemas['DatasetSamples'];
export type Queue = Schemas['Queue'];
export type Model = Schemas['Model'];
export type CreatedModel = Schemas['CreatedModel'];
export type Sweep = Schemas['Sweep'];
export type SweepTrial = Schemas['SweepTrial'];

type Body<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends {
  requestBody: { content: { 'application/json': infer B } };
}
  ? B
  : never;
export type CreateDatafile = Body<'/v1/datafiles', 'post'>;
export type CreateDataset = Body<'/v1/datasets', 'post'>;
export type CreateSolver = Body<'/v1/solvers', 'post'>;
export type CreateTrainingJob = Body<'/v1/training-jobs', 'post'>;
export type CreateClassifier = Body<'/v1/classifiers', 'post'>;
export type CreateModel = Body<'/v1/models', 'post'>;
export type CreateSweep = Body<'/v1/sweeps', 'post'>;
export type CreateClassifyJob = Body<'/v1/classifiers/{id}/classify-jobs', 'post'>;
export type Classify = Body<'/v1/classifiers/{id}/classify', 'post'>;

/** The collections, as the API names them in paths. */
export const collections = [
  'datafiles',
  'datasets',
  'solvers',
  'training-jobs',
  'classifiers',
  'classify-jobs',
  'models',
  'sweeps',
] as const;
export type Collection = (typeof collections)[number];

const prefixes: Record<string, Collection> = {
  df: 'datafiles',
  ds: 'datasets',
  sv: 'solvers',
  tj: 'training-jobs',
  cl: 'classifiers',
  cj: 'classify-jobs',
  md: 'models',
  sw: 'sweeps',
};

/** The collection an id names by its prefix (`tj_…` → training-jobs), or undefined. */
export const collectionOfId = (id: string): Collection | undefined =>
  prefixes[/^([a-z]{2})_[0-9a-z]{26}$/.exec(id)?.[1] ?? ''];

/** A page of a list: newest first; pass `nextCursor` as `cursor` for the next. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListQuery {
  limit?: number;
  cursor?: string;
  /** Only records in this status (e.g. `running`). */
  status?: string;
}

/** Records that move through statuses until they end. */
export type WorkRecord = Datafile | Dataset | Solver | TrainingJob | ClassifyJob | Model;
