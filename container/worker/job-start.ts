/**
 * Where a training run starts: from the job's own newest snapshot when an earlier attempt left one
 * (an interrupted attempt resumes, whatever else the job asked for), else from scratch, from
 * another job's weights (`caffe train --weights=`) or from its solver state (`caffe train
 * --snapshot=`). The snapshot files are downloaded into the attempt's scratch directory; another
 * job's snapshot that is gone (its job deleted) fails the job for good.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { keys, objectSize } from '../../core/objects';
import * as records from '../../core/records/store';
import type { TrainingJob, TrainingJobSource } from '../../core/records/types';
import {
  snapshotBaseName,
  snapshotIterations,
  snapshotKey,
  type SnapshotKind,
} from '../../core/usecases/training-job-sources';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import { checkProtobufMessage, withLearnedNet } from './solver-state';
import { download } from './transfer';
import { describeWeightsCopy } from './weights-layers';

/**
 * The S3 key of a source job's snapshot file; the final model stands in for a final snapshot that was never uploaded.
 */
async function sourceKey(tenantId: string, source: TrainingJobSource, kind: SnapshotKind): Promise<string> {
  const key = snapshotKey(tenantId, source.trainingJobId, source.iteration, kind);
  if ((await objectSize(key)) !== undefined) return key;
  const job = await records.find('training-jobs', tenantId, source.trainingJobId);
  if (kind === 'caffemodel' && job?.model?.iteration === source.iteration) return keys.jobModel(tenantId, job.id);
  throw new PermanentFailure(
    `the ${kind} of training job ${source.trainingJobId} ` +
      `at iteration ${source.iteration} is gone${job ? '' : ' (the job was deleted)'}`,
  );
}

export interface TrainingStart {
  /** Extra `caffe train` arguments. */
  args: string[];
  /** The iteration of the job's own snapshot this attempt resumes from. */
  resumedFrom?: number;
  /** Files placed in the snapshot directory that are already in S3 (the snapshot resumed from). */
  alreadyUploaded: string[];
  /** Lines for the job's log before Caffe's (which layers a fine-tune copies). */
  logNotes?: string[];
}

/**
 * The job's own newest snapshot pair in S3 (weights + solver state), downloaded into the snapshot
 * directory under Caffe's own names, so that if Caffe writes nothing newer (the attempt was
 * interrupted after the final snapshot) that pair is still the run's last snapshot. A pair that
 * does not parse (cut short) is skipped for the next older one, so a bad snapshot cannot make
 * every retry fail the same way.
 */
async function ownSnapshot(job: TrainingJob, snapshotDir: string): Promise<TrainingStart | undefined> {
  const { caffemodel, solverstate } = await snapshotIterations(job.tenantId, job.id);
  const complete = solverstate.filter((iteration) => caffemodel.includes(iteration)).reverse();
  for (const iteration of complete) {
    const [weights, state] = (['caffemodel', 'solverstate'] as const).map((kind) =>
      path.join(snapshotDir, `${snapshotBaseName}_iter_${iteration}.${kind}`),
    ) as [string, string];
    await download(snapshotKey(job.tenantId, job.id, iteration, 'caffemodel'), weights);
    await download(snapshotKey(job.tenantId, job.id, iteration, 'solverstate'), state);
    try {
      checkProtobufMessage(await readFile(weights));
      await writeFile(state, withLearnedNet(await readFile(state), weights));
    } catch (error) {
      console.error(
        `[worker] the snapshot at iteration ${iteration} cannot be read ` +
          `(${(error as Error).message}); trying an older one`,
      );
      await Promise.all([rm(weights, { force: true }), rm(state, { force: true })]);
      continue;
    }
    return { args: [`--snapshot=${state}`], resumedFrom: iteration, alreadyUploaded: [weights, state] };
  }
  return undefined;
}

/** Downloads what the job starts from and returns the extra `caffe train` arguments. */
export async function prepareStart(
  ctx: WorkerContext,
  job: TrainingJob,
  snapshotDir: string,
  net: string,
): Promise<TrainingStart> {
  const own = await ownSnapshot(job, snapshotDir);
  if (own) return own;
  return { ...(await sourceStart(ctx, job, net)), alreadyUploaded: [] };
}

/** The key of the weights a fine-tune starts from, and how the log names them. */
async function weightsSource(job: TrainingJob & Required<Pick<TrainingJob, 'weightsFrom'>>) {
  const source = job.weightsFrom;
  if ('modelId' in source) {
    if ((await objectSize(source.weightsKey)) === undefined)
      throw new PermanentFailure(`the weights of model ${source.modelId} are gone`);
    return { key: source.weightsKey, name: `weights of model ${source.modelId}` };
  }
  return {
    key: await sourceKey(job.tenantId, source, 'caffemodel'),
    name: `weights of training job ${source.trainingJobId} at iteration ${source.iteration}`,
  };
}

/** The start the job asked for: another job's weights or solver state, or nothing (from scratch). */
async function sourceStart(
  ctx: WorkerContext,
  job: TrainingJob,
  net: string,
): Promise<Pick<TrainingStart, 'args' | 'logNotes'>> {
  const dir = path.join(ctx.workDir, 'start');
  if (job.weightsFrom) {
    const weights = path.join(dir, 'weights.caffemodel');
    const source = await weightsSource({ ...job, weightsFrom: job.weightsFrom });
    await download(source.key, weights);
    return { args: [`--weights=${weights}`], logNotes: describeWeightsCopy(source.name, await readFile(weights), net) };
  }
  if (job.resumeFrom) {
    const weights = path.join(dir, `resume_iter_${job.resumeFrom.iteration}.caffemodel`);
    const state = path.join(dir, `resume_iter_${job.resumeFrom.iteration}.solverstate`);
    await download(await sourceKey(job.tenantId, job.resumeFrom, 'caffemodel'), weights);
    await download(await sourceKey(job.tenantId, job.resumeFrom, 'solverstate'), state);
    try {
      await writeFile(state, withLearnedNet(await readFile(state), weights));
    } catch (error) {
      throw new PermanentFailure(
        `the solver state of training job ${job.resumeFrom.trainingJobId} cannot be read: ${(error as Error).message}`,
      );
    }
    return { args: [`--snapshot=${state}`] };
  }
  return { args: [] };
}
