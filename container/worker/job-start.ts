/**
 * Where a training run starts: from scratch, from another job's weights (`caffe train --weights=`)
 * or from its solver state (`caffe train --snapshot=`). The snapshot files are downloaded into the
 * attempt's scratch directory; a snapshot that is gone (its job deleted) fails the job for good.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { keys, objectSize } from '../../core/objects';
import * as records from '../../core/records/store';
import type { TrainingJob, TrainingJobSource } from '../../core/records/types';
import { snapshotKey, type SnapshotKind } from '../../core/usecases/training-job-sources';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import { withLearnedNet } from './solver-state';
import { download } from './transfer';

/** The S3 key of a source job's snapshot file; the final model stands in for a final snapshot that was never uploaded. */
async function sourceKey(tenantId: string, source: TrainingJobSource, kind: SnapshotKind): Promise<string> {
  const key = snapshotKey(tenantId, source.trainingJobId, source.iteration, kind);
  if ((await objectSize(key)) !== undefined) return key;
  const job = await records.find('training-jobs', tenantId, source.trainingJobId);
  if (kind === 'caffemodel' && job?.model?.iteration === source.iteration) return keys.jobModel(tenantId, job.id);
  throw new PermanentFailure(
    `the ${kind} of training job ${source.trainingJobId} at iteration ${source.iteration} is gone${job ? '' : ' (the job was deleted)'}`,
  );
}

/** Downloads what the job starts from and returns the extra `caffe train` arguments. */
export async function prepareStart(ctx: WorkerContext, job: TrainingJob): Promise<string[]> {
  const dir = path.join(ctx.workDir, 'start');
  if (job.weightsFrom) {
    const weights = path.join(dir, 'weights.caffemodel');
    await download(await sourceKey(job.tenantId, job.weightsFrom, 'caffemodel'), weights);
    return [`--weights=${weights}`];
  }
  if (job.resumeFrom) {
    const weights = path.join(dir, `resume_iter_${job.resumeFrom.iteration}.caffemodel`);
    const state = path.join(dir, `resume_iter_${job.resumeFrom.iteration}.solverstate`);
    await download(await sourceKey(job.tenantId, job.resumeFrom, 'caffemodel'), weights);
    await download(await sourceKey(job.tenantId, job.resumeFrom, 'solverstate'), state);
    try {
      await writeFile(state, withLearnedNet(await readFile(state), weights));
    } catch (error) {
      throw new PermanentFailure(`the solver state of training job ${job.resumeFrom.trainingJobId} cannot be read: ${(error as Error).message}`);
    }
    return [`--snapshot=${state}`];
  }
  return [];
}
