/** Training jobs: one `caffe train` run of a solver on its dataset, done by the worker on Batch. */
import type { z } from 'zod';
import { UnprocessableError } from '../errors';
import { newId } from '../ids';
import { keys, listObjects, presignDownload, readText } from '../objects';
import * as records from '../records/store';
import type { TrainingJob } from '../records/types';
import type { createTrainingJobBody } from '../api/training-jobs';
import { enqueueOrFail } from './work';

export async function createTrainingJob(tenantId: string, input: z.infer<typeof createTrainingJobBody>): Promise<TrainingJob> {
  const solver = await records.get('solvers', tenantId, input.solverId);
  const dataset = await records.get('datasets', tenantId, solver.datasetId);
  if (dataset.status === 'failed')
    throw new UnprocessableError(`dataset ${dataset.id} failed (${dataset.error ?? 'no reason recorded'}); fix it before training on it`);
  const now = new Date().toISOString();
  const job: TrainingJob = {
    id: newId('training-jobs'),
    tenantId,
    ...(input.name ? { name: input.name } : {}),
    solverId: solver.id,
    datasetId: dataset.id,
    status: 'queued',
    attempts: 0,
    progress: { iteration: 0, maxIterations: solver.maxIterations, testOutputs: {} },
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('training-jobs', job);
  await enqueueOrFail('training-jobs', job, 'train');
  return job;
}

/** The job's Caffe log so far (empty before Caffe starts). */
export async function trainingJobLog(tenantId: string, id: string): Promise<string> {
  await records.get('training-jobs', tenantId, id);
  return (await readText(keys.jobLog(tenantId, id))) ?? '';
}

const snapshotFile = /_iter_(\d+)\.(caffemodel|solverstate)$/;

/** Presigned downloads of the final model and every snapshot the worker uploaded. */
export async function trainingJobArtifacts(tenantId: string, id: string) {
  const job = await records.get('training-jobs', tenantId, id);
  const byIteration = new Map<number, { iteration: number; model?: Download; solverState?: Download }>();
  for (const object of await listObjects(keys.jobSnapshots(tenantId, id))) {
    const match = snapshotFile.exec(object.key);
    if (!match) continue;
    const iteration = Number(match[1]);
    const entry = byIteration.get(iteration) ?? { iteration };
    const download = { url: await presignDownload(tenantId, object.key), bytes: object.bytes };
    if (match[2] === 'caffemodel') entry.model = download;
    else entry.solverState = download;
    byIteration.set(iteration, entry);
  }
  const model = job.model
    ? { url: await presignDownload(tenantId, job.model.key, `${id}.caffemodel`), iteration: job.model.iteration, bytes: job.model.bytes }
    : null;
  return { model, snapshots: [...byIteration.values()].sort((a, b) => a.iteration - b.iteration) };
}

interface Download {
  url: string;
  bytes: number;
}
