/**
 * `train()`: the `fit()` of Elastic Caffe. Data (a source to upload, or an existing datafile or
 * dataset id) → datafile(s) → dataset → solver → training job, followed to its end. Every step's
 * record is reported through `onProgress`; a step that ends failed throws RecordFailedError.
 */
import { RecordFailedError } from './errors';
import type { ByteSource } from './source';
import type { CreateDatafile, CreateTrainingJob, Datafile, Dataset, Solver, TrainingJob } from './types';
import { upload, type UploadContext, type UploadProgress } from './upload';
import { isFailure, waitFor, watch } from './wait';

/** A source to upload, or the id of a datafile (`df_…`) or, for the training data, a dataset (`ds_…`). */
export type TrainData = ByteSource | string;

export interface TrainOptions {
  data: TrainData;
  /** Separate test data; without it, `split` of `data` trains and the rest tests. */
  testData?: TrainData;
  /** The fraction of `data` used for training when there is no `testData` (default 0.8). */
  split?: number;
  /** The datafiles' format (default image-folders). */
  format?: CreateDatafile['format'];
  /** Force one (true) or three (false) channels; default: detected from the images. */
  grayscale?: boolean;
  /** Resize every image (stretched) to width × height. */
  resize?: { width: number; height: number };
  /** Net and solver prototxt texts. */
  net: string;
  solver: string;
  /** Names the datafiles, dataset, solver and job (default: `train`). */
  name?: string;
  /** Training job options: resources, maxRuntimeSeconds, weightsFrom, resumeFrom. */
  job?: Omit<CreateTrainingJob, 'solverId' | 'name'>;
  /** false: return once the job is queued (default: follow it to its end). */
  follow?: boolean;
  onProgress?: (event: TrainEvent) => void;
  signal?: AbortSignal;
}

export type TrainSide = 'training' | 'testing';
export type TrainEvent =
  | { stage: 'upload'; side: TrainSide; progress: UploadProgress }
  | { stage: 'datafile'; side: TrainSide; record: Datafile }
  | { stage: 'dataset'; record: Dataset }
  | { stage: 'solver'; record: Solver }
  | { stage: 'job'; record: TrainingJob };

export interface TrainResult {
  datafiles: Datafile[];
  dataset: Dataset;
  solver: Solver;
  /** The final record (or the queued one with `follow: false`). */
  job: TrainingJob;
}

// Setup steps usually take seconds: polled every 100 ms for their first 10 s (as a script would), so the
// job starts soon after its inputs are ready; a longer dataset build is then asked about less and less
// often, at most every 2 s.
const setupPolling = { minIntervalMs: 100, steadyMs: 10_000, maxIntervalMs: 2000 };

const ended = <R extends { id: string; status?: string; error?: string }>(record: R): R => {
  if (isFailure(record)) throw new RecordFailedError(record);
  return record;
};

async function readyDatafile(
  context: UploadContext,
  data: TrainData,
  side: TrainSide,
  options: TrainOptions,
): Promise<Datafile> {
  const { api } = context;
  const signal = options.signal ? { signal: options.signal } : {};
  const onUpdate = (record: Datafile) => options.onProgress?.({ stage: 'datafile', side, record });
  const start =
    typeof data === 'string'
      ? await api.datafiles.get(data)
      : await upload(context, data, {
          name: `${options.name ?? data.name ?? 'train'}-${side}`,
          ...(options.format ? { format: options.format } : {}),
          onProgress: (progress) => options.onProgress?.({ stage: 'upload', side, progress }),
          ...signal,
        });
  return ended(await waitFor(api, start, { onUpdate, ...setupPolling, ...signal }));
}

export async function train(context: UploadContext, options: TrainOptions): Promise<TrainResult> {
  const { api } = context;
  const signal = options.signal ? { signal: options.signal } : {};
  const name = options.name ?? 'train';
  let datafiles: Datafile[] = [];
  let dataset: Dataset;
  if (typeof options.data === 'string' && options.data.startsWith('ds_')) {
    if (options.testData)
      throw new Error('a dataset already has its test data: give testData only with a datafile or files to upload');
    dataset = await api.datasets.get(options.data);
  } else {
    const sides = [readyDatafile(context, options.data, 'training', options)];
    if (options.testData) sides.push(readyDatafile(context, options.testData, 'testing', options));
    datafiles = await Promise.all(sides);
    const [training, testing] = datafiles as [Datafile, Datafile | undefined];
    const split = options.split ?? 0.8;
    const transform = {
      ...(options.grayscale !== undefined ? { grayscale: options.grayscale } : {}),
      ...(options.resize
        ? { width: options.resize.width, height: options.resize.height, resizeMode: 'stretch' as const }
        : {}),
    };
    dataset = await api.datasets.create({
      name,
      training: { datafileId: training.id, splitPercentage: testing ? 0 : split },
      testing: testing
        ? { datafileId: testing.id, splitPercentage: 0 }
        : { datafileId: training.id, splitPercentage: Math.round((1 - split) * 1e6) / 1e6 },
      ...(Object.keys(transform).length ? { transform } : {}),
    });
  }
  dataset = ended(
    await waitFor(api, dataset, {
      onUpdate: (record) => options.onProgress?.({ stage: 'dataset', record }),
      ...setupPolling,
      ...signal,
    }),
  );
  const solver = await api.solvers.create({ name, datasetId: dataset.id, solver: options.solver, net: options.net });
  options.onProgress?.({ stage: 'solver', record: solver });
  let job = await api.trainingJobs.create({ ...options.job, solverId: solver.id, name });
  options.onProgress?.({ stage: 'job', record: job });
  if (options.follow !== false) {
    for await (const update of watch(api, job.id, signal)) {
      job = update;
      options.onProgress?.({ stage: 'job', record: job });
    }
    ended(job);
  }
  return { datafiles, dataset, solver, job };
}
