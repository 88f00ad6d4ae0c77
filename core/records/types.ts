/** The records the API exposes. Every record belongs to one tenant and carries its id. */
import type { Collection } from '../collections';

export interface RecordBase {
  id: string;
  tenantId: string;
  name?: string;
  createdAt: string;
  updatedAt: string;
  /** The API request that created it (`X-Correlation-Id` or the request id): in its events and the worker's log. */
  correlationId?: string;
}

/** awaiting-upload → processing (the worker imports and/or inspects it) → ready | failed. */
export const datafileStatuses = ['awaiting-upload', 'processing', 'ready', 'failed'] as const;
export type DatafileStatus = (typeof datafileStatuses)[number];
/** What a datafile holds (container/worker/formats/ detects and converts each). */
export const datafileFormats = ['image-folders', 'idx', 'lmdb', 'leveldb'] as const;
export type DatafileFormat = (typeof datafileFormats)[number];
export interface Datafile extends RecordBase {
  format: DatafileFormat;
  status: DatafileStatus;
  sizeBytes?: number;
  /** The S3 key of the uploaded archive (inside the tenant's prefix). */
  objectKey: string;
  /** Imported from this URL by the worker (instead of uploaded by the client). */
  sourceUrl?: string;
  /** The S3 multipart upload of a large file, until it is completed. */
  multipartUploadId?: string;
  partSizeBytes?: number;
  /** What the worker's inspection found. */
  detectedFormat?: string;
  labels?: string[];
  counts?: Record<string, number>;
  entries?: number;
  /** Set by the worker when inspection succeeded: the work's result (core/usecases/work/phases.ts). */
  inspectedAt?: string;
  attempts?: number;
  batchJobId?: string;
  /**
   * Why the dispatcher could not submit the work, last time it tried (internal; kept as the reason if the message
   * dead-letters).
   */
  dispatchError?: string;
  error?: string;
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
  /** How images are resized to width x height: "stretch" (convert_imageset's resize, aspect not kept). */
  resizeMode?: 'stretch';
  /** Interleave the images in a seeded random order (default true): Caffe's Data layer reads in order. */
  shuffle?: boolean;
  /** Seed of the split and the shuffle (default: derived from the dataset id). */
  seed?: number;
}

/** What the dataset's images are as stored, so inference can apply exactly what training saw. */
export interface DatasetPreprocessing {
  channels: number;
  height: number;
  width: number;
  /** Images were converted to one grey channel (else 3 channels, BGR as OpenCV stores them). */
  grayscale: boolean;
  /** How images were resized to width x height; "none" when they already had that size. */
  resizeMode: 'stretch' | 'none';
  /** A mean image of the training LMDB (compute_image_mean) is stored with the dataset. */
  meanFile: boolean;
}

export const datasetStatuses = ['pending', 'processing', 'ready', 'failed'] as const;
export type DatasetStatus = (typeof datasetStatuses)[number];
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
  /**
   * S3 keys of each side's LevelDB folder as a tar (datasets from leveldb datafiles, which keep their LevelDBs instead
   * of LMDBs).
   */
  leveldb?: { training: string; testing: string };
  /** S3 keys of each side's images + list file, for ImageData layers (datasets built from images only). */
  imageArchives?: { training: string; testing: string };
  /** The datafiles' format (both sides share one). */
  format?: DatafileFormat;
  /** The seed the split and shuffle used. */
  seed?: number;
  preprocessing?: DatasetPreprocessing;
  /** Also compute the testing split's mean image (the training split's is always computed). */
  testingMean?: boolean;
  /** Each split's mean per channel (B, G, R for colour; one value for grey), 0–255. */
  mean?: { training: number[]; testing?: number[] };
  preparedAt?: string;
  attempts: number;
  batchJobId?: string;
  /**
   * Why the dispatcher could not submit the work, last time it tried (internal; kept as the reason if the message
   * dead-letters).
   */
  dispatchError?: string;
  error?: string;
  /** What its Batch attempts used, and an estimated cost (written when a Batch job ends: core/usage.ts). */
  usage?: import('../usage').Usage;
}

/** A solver from text is ready at once; one from URLs is pending until the worker fetched and validated them. */
export const solverStatuses = ['pending', 'ready', 'failed'] as const;
export type SolverStatus = (typeof solverStatuses)[number];
export interface Solver extends RecordBase {
  datasetId: string;
  /** Prototxt texts; empty while an imported solver is pending. */
  solver: string;
  net: string;
  solverType: string;
  maxIterations: number;
  /** Absent on solvers stored before statuses existed: those are ready. */
  status?: SolverStatus;
  /** Where an imported solver's texts come from. */
  source?: { solverUrl: string; netUrl: string };
  /** Set by the worker once an import fetched valid texts (the import's result). */
  importedAt?: string;
  attempts?: number;
  batchJobId?: string;
  /**
   * Why the dispatcher could not submit the work, last time it tried (internal; kept as the reason if the message
   * dead-letters).
   */
  dispatchError?: string;
  error?: string;
  /** Each mistake Caffe's schema found in fetched texts (same shape as a 400's `errors`). */
  errors?: Array<{ field: string; message: string; line?: number; column?: number }>;
  /** What trains but may not be meant, found against the ready dataset (e.g. more outputs than labels). */
  warnings?: Array<{ field: string; message: string; line?: number; column?: number }>;
  /** A sweep's trial point applied to the sweep's solver (deleted with the sweep). */
  sweepId?: string;
}

export const trainingJobStatuses = ['queued', 'starting', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TrainingJobStatus = (typeof trainingJobStatuses)[number];

export interface TrainingProgress {
  iteration: number;
  maxIterations: number;
  loss?: number;
  learningRate?: number;
  iterationsPerSecond?: number;
  /** Seconds left at the current rate: (maxIterations − iteration) / iterationsPerSecond. */
  etaSeconds?: number;
  testOutputs: Record<string, number>;
}

/** Another job's snapshot a job starts from: its weights (fine-tuning) or its solver state (resume). */
export interface TrainingJobSource {
  trainingJobId: string;
  /** The snapshot's iteration (resolved at create time: the latest one when the request names none). */
  iteration: number;
}

/** A model whose weights a job fine-tunes from (its key resolved at create time, so the worker needs no lookup). */
export interface ModelWeightsSource {
  modelId: string;
  weightsKey: string;
}

/** What a job asks Batch for: a GPU queue (the default) or the CPU one, and for GPU jobs how many GPUs. */
export interface TrainingResources {
  type: 'GPU' | 'CPU';
  /** GPUs on one instance, trained data-parallel (`caffe train --gpu=all`); absent: one. */
  count?: 2 | 4 | 8;
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
  /**
   * Why the dispatcher could not submit the work, last time it tried (internal; kept as the reason if the message
   * dead-letters).
   */
  dispatchError?: string;
  startedAt?: string;
  finishedAt?: string;
  model?: ModelArtifact;
  error?: string;
  /** Absent on jobs created before jobs chose resources: those run on the GPU queue. */
  resources?: TrainingResources;
  /** Batch's per-attempt timeout for this job (SubmitJob `timeout.attemptDurationSeconds`). */
  maxRuntimeSeconds?: number;
  /** Fine-tune: `caffe train --weights=` that job's snapshot, or a model's weights. */
  weightsFrom?: TrainingJobSource | ModelWeightsSource;
  /** Continue: `caffe train --snapshot=` that job's solver state. */
  resumeFrom?: TrainingJobSource;
  cancelledAt?: string;
  /**
   * Attempts that continued from the job's own newest snapshot (after an interruption: a Batch
   * retry, or the work queued again), oldest first. Work lost to each interruption is the
   * training done after that snapshot.
   */
  resumes?: TrainingResume[];
  /** What its Batch attempts used, and an estimated cost (written when a Batch job ends: core/usage.ts). */
  usage?: import('../usage').Usage;
  /** The sweep and trial it trains (core/usecases/sweeps.ts): one job per rung of the trial. */
  sweepId?: string;
  trialId?: string;
}

/** One attempt that resumed a job from its own snapshot. */
export interface TrainingResume {
  /** The snapshot's iteration: training continued from here. */
  iteration: number;
  /** Batch's attempt number (AWS_BATCH_JOB_ATTEMPT): 1 when the work was submitted again rather than retried. */
  attempt: number;
  at: string;
}

/** A trained model ready to classify: a training job's weights at one iteration, with its deploy net. */
export interface Classifier extends RecordBase {
  /** The training job whose weights it runs (absent for a model that did not come from a job). */
  trainingJobId?: string;
  datasetId?: string;
  /** The model it was made from. */
  modelId?: string;
  iteration?: number;
  /** S3 key of the weights (the job's final model or one of its snapshots). */
  weightsKey: string;
  /** The deploy net (derived from the training net unless the request gave one). */
  deploy: string;
  /** The deploy net's input blob and its class-probability blob. */
  input: string;
  output: string;
  /** The layer of the training net the answer comes from (a derived deploy net's head). */
  head?: string;
  labels: string[];
  preprocessing: import('../caffe/preprocess').Preprocessing;
  /** S3 key of the mean image the preprocessing subtracts (its `meanFile`): the dataset's. */
  meanKey?: string;
}

/** running until every trial has ended; then succeeded (some trial reached an objective) or failed. */
export const sweepStatuses = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type SweepStatus = (typeof sweepStatuses)[number];

/** One point of a sweep's space and the training jobs of its rungs (kept inside its sweep record). */
export interface SweepTrial {
  /** `t1`, `t2` … in the order the points were drawn. */
  id: string;
  parameters: import('../sweeps/space').Point;
  status: import('../sweeps/schedule').TrialStatus;
  /** The rung (index into the sweep's rungs) its last job trains to. */
  rung: number;
  /** One job per rung it entered; each after the first resumes its predecessor's snapshot. */
  jobIds: string[];
  /** The objective at the end of each rung it completed (null: the job reported none). */
  objectives: Array<number | null>;
  /** Iterations its last job reached. */
  iteration: number;
  /** The objective at the last rung it completed. */
  objective: number | null;
  /** When its last job was claimed (a job not created by then is created by the next advance). */
  claimedAt?: string;
  error?: string;
}

/** A hyperparameter search over one solver: its trials train as ordinary jobs (core/usecases/sweeps.ts). */
export interface Sweep extends RecordBase {
  solverId: string;
  datasetId: string;
  status: SweepStatus;
  strategy: 'grid' | 'random' | 'asha';
  parameters: import('../sweeps/space').ParameterSpace;
  maxTrials: number;
  maxParallel: number;
  objective: { output: string; goal: import('../sweeps/schedule').Goal };
  asha?: { minIterations: number; reductionFactor: number };
  /** The iterations each rung trains to (grid and random: the solver's max_iter only). */
  rungs: number[];
  /** The seed random and ASHA sweeps drew their points with. */
  seed?: number;
  resources?: TrainingResources;
  trials: SweepTrial[];
  best?: { trialId: string; objective: number; parameters: import('../sweeps/space').Point };
  /** Iterations trained by all trials, and what training every trial to max_iter would have taken. */
  iterations?: { trained: number; everyTrialToTheEnd: number };
  /** Bumped by every write: each write is conditional on the one it read (advances race). */
  revision: number;
  finishedAt?: string;
  cancelledAt?: string;
  error?: string;
}

export interface RecordsByCollection {
  datafiles: Datafile;
  datasets: Dataset;
  solvers: Solver;
  'training-jobs': TrainingJob;
  classifiers: Classifier;
  'classify-jobs': ClassifyJob;
  models: Model;
  sweeps: Sweep;
}

export type AnyRecord = RecordsByCollection[Collection];

export type { WorkCollection } from '../topology';
/** A record of background work (core/usecases/work/): what the worker produces in Batch. */
export type WorkRecord = RecordsByCollection[import('../topology').WorkCollection];

/** awaiting-upload (when it has an archive) → queued → starting → running → succeeded | failed. */
export const classifyJobStatuses = ['awaiting-upload', 'queued', 'starting', 'running', 'succeeded', 'failed'] as const;
export type ClassifyJobStatus = (typeof classifyJobStatuses)[number];
/** Many images classified in the background by the worker (container/worker/classify.ts). */
export interface ClassifyJob extends RecordBase {
  classifierId: string;
  status: ClassifyJobStatus;
  /** Images the worker fetches (through the SSRF guard), in answer order after the archive's. */
  urls: string[];
  /** The client uploads a .tar/.tar.gz/.zip of images (keys.classifyJobArchive) before the job is queued. */
  archive: boolean;
  topK: number;
  /** Written by the worker with the results object: the work's result (core/usecases/work/phases.ts). */
  results?: { images: number; classified: number; failed: number; bytes: number };
  attempts: number;
  batchJobId?: string;
  /**
   * Why the dispatcher could not submit the work, last time it tried (internal; kept as the reason if the message
   * dead-letters).
   */
  dispatchError?: string;
  finishedAt?: string;
  error?: string;
  /** What its Batch attempts used, and an estimated cost (written when a Batch job ends: core/usage.ts). */
  usage?: import('../usage').Usage;
}

/**
 * awaiting-upload (an upload not yet received) → checking (the worker fetches a URL's file, then
 * checks the weights with Caffe) → ready | failed. A model published from a training job is ready
 * at once: Caffe wrote those weights for that net.
 */
export const modelStatuses = ['awaiting-upload', 'checking', 'ready', 'failed'] as const;
export type ModelStatus = (typeof modelStatuses)[number];
/** How a model's weights came: uploaded by the client, imported from a URL, or a training job's. */
export const modelSources = ['upload', 'url', 'training-job'] as const;
export type ModelSource = (typeof modelSources)[number];

/** Where a model published from a training job came from. */
export interface ModelLineage {
  trainingJobId: string;
  iteration: number;
  solverId: string;
  datasetId: string;
}

/** Pretrained weights (a `.caffemodel`) to fine-tune from or classify with, and how to run them. */
export interface Model extends RecordBase {
  status: ModelStatus;
  source: ModelSource;
  /**
   * S3 key of the weights: the model's own object (uploaded or imported), or the training job's
   * model or snapshot it was published from (never copied).
   */
  weightsKey: string;
  sizeBytes?: number;
  /** Imported from this URL by the worker. */
  sourceUrl?: string;
  /** The S3 multipart upload of a large file, until it is completed. */
  multipartUploadId?: string;
  partSizeBytes?: number;
  /** A deploy net (prototxt) the weights load into; its input and class-probability blobs. */
  deploy?: string;
  input?: string;
  output?: string;
  /** The layer of the training net a derived deploy net answers from. */
  head?: string;
  labels?: string[];
  preprocessing?: import('../caffe/preprocess').Preprocessing;
  /** S3 key of the mean image the preprocessing subtracts (a published model's dataset's). */
  meanKey?: string;
  lineage?: ModelLineage;
  /** Set by the worker once Caffe read the weights (the check's result: core/usecases/work/phases.ts). */
  checkedAt?: string;
  attempts?: number;
  batchJobId?: string;
  /**
   * Why the dispatcher could not submit the work, last time it tried (internal; kept as the reason if the message
   * dead-letters).
   */
  dispatchError?: string;
  error?: string;
  /** What its Batch attempts used, and an estimated cost (written when a Batch job ends: core/usage.ts). */
  usage?: import('../usage').Usage;
}

/** The statuses a list can be filtered by, per collection (collections without a status have none). */
export const listableStatuses: Partial<Record<Collection, readonly string[]>> = {
  datafiles: datafileStatuses,
  datasets: datasetStatuses,
  'training-jobs': trainingJobStatuses,
  'classify-jobs': classifyJobStatuses,
  models: modelStatuses,
  sweeps: sweepStatuses,
};
