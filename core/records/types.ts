/** The records the API exposes. Every record belongs to one tenant and carries its id. */
import type { Collection } from '../routes';

export interface RecordBase {
  id: string;
  tenantId: string;
  name?: string;
  createdAt: string;
  updatedAt: string;
}

export type DatafileStatus = 'awaiting-upload' | 'ready' | 'failed';
export interface Datafile extends RecordBase {
  format: 'image-folders';
  status: DatafileStatus;
  sizeBytes?: number;
  /** The S3 key of the uploaded archive (inside the tenant's prefix). */
  objectKey: string;
}

/** One side of a dataset (seed semantics: a fraction of a datafile, 0 meaning all of it). */
export interface DatasetSource {
  datafileId: string;
  splitPercentage: number;
}

export interface ImageTransform {
  grayscale?: boolean;
  width?: number;
  height?: number;
}

export type DatasetStatus = 'pending' | 'processing' | 'ready' | 'failed';
export interface Dataset extends RecordBase {
  status: DatasetStatus;
  training: DatasetSource;
  testing: DatasetSource;
  transform?: ImageTransform;
  /** Folder names in label-index order. */
  labels?: string[];
  counts?: { training: Record<string, number>; testing: Record<string, number> };
  /** Shape of each image as stored in the LMDBs. */
  shape?: { channels: number; height: number; width: number };
  lmdb?: { training: string; testing: string };
  preparedAt?: string;
  attempts: number;
  batchJobId?: string;
  error?: string;
}

export interface Solver extends RecordBase {
  datasetId: string;
  solver: string;
  net: string;
  solverType: string;
  maxIterations: number;
}

export type TrainingJobStatus = 'queued' | 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface TrainingProgress {
  iteration: number;
  maxIterations: number;
  loss?: number;
  learningRate?: number;
  iterationsPerSecond?: number;
  testOutputs: Record<string, number>;
}

export interface ModelArtifact {
  key: string;
  iteration: number;
  bytes: number;
}

export interface TrainingJob extends RecordBase {
  solverId: string;
  datasetId: string;
  status: TrainingJobStatus;
  attempts: number;
  progress: TrainingProgress;
  batchJobId?: string;
  startedAt?: string;
  finishedAt?: string;
  model?: ModelArtifact;
  error?: string;
}

export interface RecordsByCollection {
  datafiles: Datafile;
  datasets: Dataset;
  solvers: Solver;
  'training-jobs': TrainingJob;
}

export type AnyRecord = RecordsByCollection[Collection];

export type { WorkCollection } from '../topology';
