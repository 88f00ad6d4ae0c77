/**
 * Runs one training job: binds the net's data layers to the dataset's LMDBs (and any mean_file to
 * the dataset's mean image), points the solver at the job's own paths, runs `caffe train`, turns
 * Caffe's log into live progress on the record, and uploads the log, the snapshots and the final model.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CaffeProgressTracker } from '../../core/caffe/log';
import { meanFileName } from '../../core/caffe/preprocess';
import { netReadsImages, netReadsMean, rewriteForJob } from '../../core/caffe/rewrite';
import { config, ConfigError } from '../../core/config';
import { keys } from '../../core/objects';
import * as records from '../../core/records/store';
import { describeFitErrors, netFit } from '../../core/usecases/net-fit';
import { snapshotBaseName } from '../../core/usecases/training-job-sources';
import type { Dataset, TrainingJob } from '../../core/records/types';
import { checkpoints } from '../../core/topology';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import { runTraining } from './caffe-run';
import { prepareStart } from './job-start';
import { copy, downloadCached } from './transfer';
import { uploadModelBundle } from './classify-bundle';
import { jobImages } from './formats/image-archive';
import { fetchLeveldb } from './formats/leveldb';

const terminalStatuses = ['succeeded', 'failed', 'cancelled'];
const datasetWaitMs = 30 * 60 * 1000;

/** A job may be queued while its dataset is still being prepared; training starts once it is ready. */
async function readyDataset(tenantId: string, datasetId: string, stopping: AbortSignal): Promise<Dataset> {
  const deadline = Date.now() + datasetWaitMs;
  for (;;) {
    const dataset = await records.find('datasets', tenantId, datasetId);
    if (!dataset) throw new PermanentFailure(`dataset ${datasetId} was deleted`);
    if (dataset.status === 'ready' && (dataset.lmdb || dataset.leveldb)) return dataset;
    if (dataset.status === 'failed')
      throw new PermanentFailure(`dataset ${datasetId} failed: ${dataset.error ?? 'no reason recorded'}`);
    if (Date.now() > deadline || stopping.aborted) throw new Error(`dataset ${datasetId} is still ${dataset.status}`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The dataset's (training) mean image on disk, for the net's mean_file; cached per host like its LMDBs. */
function datasetMeanFile(ctx: WorkerContext, dataset: Dataset): Promise<string> {
  const key = keys.datasetMean(dataset.tenantId, dataset.id);
  return downloadCached(key, ctx.cacheDir, path.join(ctx.workDir, meanFileName));
}

/**
 * The time-based snapshot interval (core/topology.ts `checkpoints`), from the environment or the
 * default. An invalid override costs checkpoints, not the job: it is logged and the default used.
 */
function snapshotIntervalSeconds(): number {
  try {
    return config.snapshotIntervalSeconds() ?? checkpoints.defaultIntervalSeconds;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`[worker] ${error.message}; using ${checkpoints.defaultIntervalSeconds}`);
    return checkpoints.defaultIntervalSeconds;
  }
}

/**
 * Notes on the record that this attempt continues from the job's own snapshot (only this attempt's worker writes it).
 */
/**
 * A job with several GPUs trains on all of them (Caffe's data-parallel mode: each GPU runs the net's
 * batch, so the effective batch is N times the prototxt's). Batch exposes exactly the job's GPUs to
 * the container, so "all" means the job's own. One GPU keeps the solver's device.
 */
export function gpuArgs(gpu: boolean, resources: TrainingJob['resources']): string[] {
  return gpu && (resources?.count ?? 1) > 1 ? ['--gpu=all'] : [];
}

async function recordResume(job: TrainingJob, iteration: number, attempt: number): Promise<void> {
  console.error(`[worker] resuming from the job's own snapshot at iteration ${iteration}`);
  const resumes = [...(job.resumes ?? []), { iteration, attempt, at: new Date().toISOString() }];
  await records.update('training-jobs', job.tenantId, job.id, { set: { resumes } });
}

export async function train(ctx: WorkerContext, tenantId: string, jobId: string): Promise<void> {
  const job = await records.get('training-jobs', tenantId, jobId);
  if (terminalStatuses.includes(job.status)) return;
  const solver = await records.find('solvers', tenantId, job.solverId);
  if (!solver) throw new PermanentFailure(`solver ${job.solverId} was deleted`);
  const dataset = await readyDataset(tenantId, job.datasetId, ctx.stopping);
  // Checked at submit when the dataset was ready then; a solver stored before that is checked here.
  const fit = netFit(solver.solver, solver.net, dataset);
  if (fit?.errors.length) throw new PermanentFailure(describeFitErrors(dataset, fit.errors));

  const sources = { training: '', testing: '' };
  for (const side of ['training', 'testing'] as const) {
    if (dataset.leveldb) sources[side] = await fetchLeveldb(dataset.leveldb[side], ctx.cacheDir, ctx.workDir, side);
    else
      sources[side] = path.dirname(
        await downloadCached(dataset.lmdb![side], ctx.cacheDir, path.join(ctx.workDir, `${side}-lmdb`, 'data.mdb')),
      );
  }
  const snapshotDir = path.join(ctx.workDir, 'snapshots');
  await mkdir(snapshotDir, { recursive: true });
  const paths = {
    net: path.join(ctx.workDir, 'net.prototxt'),
    snapshotPrefix: path.join(snapshotDir, snapshotBaseName),
    trainSource: sources.training,
    ...(dataset.leveldb ? { dataBackend: 'LEVELDB' as const } : {}),
    testSource: sources.testing,
    ...(netReadsImages(solver.net) ? { images: await jobImages(ctx, dataset) } : {}),
    ...(netReadsMean(solver.net) ? { meanFile: await datasetMeanFile(ctx, dataset) } : {}),
  };
  let rewritten: ReturnType<typeof rewriteForJob>;
  try {
    rewritten = rewriteForJob({
      solver: solver.solver,
      net: solver.net,
      paths,
      mode: ctx.gpu ? 'GPU' : 'CPU',
      storeBlobsInOldFormat: ctx.gpu,
    });
  } catch (error) {
    throw new PermanentFailure((error as Error).message);
  }
  const solverFile = path.join(ctx.workDir, 'solver.prototxt');
  await writeFile(paths.net, rewritten.net);
  await writeFile(solverFile, rewritten.solver);

  const tracker = new CaffeProgressTracker({ maxIterations: rewritten.maxIterations });
  const start = await prepareStart(ctx, job, snapshotDir, rewritten.net);
  if (start.resumedFrom !== undefined) await recordResume(job, start.resumedFrom, ctx.attempt);
  const outcome = await runTraining(ctx, {
    tenantId,
    jobId,
    solverFile,
    snapshotDir,
    tracker,
    extraArgs: [...start.args, ...gpuArgs(ctx.gpu, job.resources)],
    alreadyUploaded: start.alreadyUploaded,
    ...(start.logNotes ? { logNotes: start.logNotes } : {}),
    ...(start.resumedFrom !== undefined ? { resumedFrom: start.resumedFrom } : {}),
    // The solver's own interval wins; a solver without one is snapshotted by time.
    ...(rewritten.snapshotInterval > 0 ? {} : { snapshotEverySeconds: snapshotIntervalSeconds() }),
  });
  const progress = tracker.snapshot();
  // Cancelled: the record already says so, and nothing of this run is wanted.
  if (outcome.cancelled) return;
  if (outcome.stopped) throw new Error('the worker was asked to stop; snapshots are saved and the job will be retried');
  if (outcome.code !== 0 || !progress.done) {
    if (progress.fatalError) throw new PermanentFailure(`Caffe failed: ${progress.fatalError}`);
    throw new Error(`caffe train ended with ${outcome.signal ?? `exit code ${outcome.code}`} before finishing`);
  }
  const final = outcome.snapshots.at(-1);
  if (!final)
    throw new PermanentFailure(
      'Caffe finished without writing a model; does the solver set snapshot_after_train: false?',
    );
  // The final snapshot is already in S3 (caffe-run syncs every snapshot): the model is a copy of it.
  await copy(keys.jobSnapshot(tenantId, jobId, path.basename(final.model)), keys.jobModel(tenantId, jobId));
  const { size: bytes } = await stat(final.model);
  const model: TrainingJob['model'] = { key: keys.jobModel(tenantId, jobId), iteration: final.iteration, bytes };
  // The ready-to-use bundle (deploy net, weights, labels, preprocessing) exists before the job reads succeeded.
  const bundle = await uploadModelBundle({
    workDir: ctx.workDir,
    tenantId,
    jobId,
    solver,
    dataset,
    modelFile: final.model,
    meanFile: paths.meanFile,
  });
  if ('skipped' in bundle) console.log(`no model bundle: ${bundle.skipped}`);
  // The model's iteration is the last one trained, whether or not a display line fell on it.
  const { etaSeconds: _left, ...trained } = outcome.progress;
  const finalProgress = { ...trained, iteration: final.iteration };
  await records.update('training-jobs', tenantId, jobId, { set: { model, progress: finalProgress } });
}
