/** Training jobs: one `caffe train` run of a solver on its dataset, done by the worker on Batch. */
import type { z } from 'zod';
import { config } from '../config';
import { UnprocessableError, ValidationError } from '../errors';
import { newId } from '../ids';
import { checkJobQuotas } from '../quotas';
import { keys, listObjects, objectSize, presignDownload } from '../objects';
import { modelBundleKey } from './classifiers';
import * as records from '../records/store';
import type { TrainingJob } from '../records/types';
import type { createTrainingJobBody } from '../api/training-jobs';
import { resolveModelWeights } from './models';
import { describeFitErrors, netFit } from './net-fit';
import { resolveResumeSource, resolveWeightsSource } from './training-job-sources';
import { enqueueOrFail } from './work/dispatch';

type ResourcesInput = z.infer<typeof createTrainingJobBody>['resources'];

/**
 * The job's resources as recorded: the GPU queue unless it asks for the CPU, and a GPU count only
 * above one. More GPUs than the deployment's largest instance has would wait in Batch forever, so
 * that is refused here, saying how to allow it.
 */
export function jobResources(input: ResourcesInput): TrainingJob['resources'] {
  const type = input?.type ?? 'GPU';
  const count = input?.count ?? 1;
  const allowed = config.maxGpusPerJob();
  if (count > allowed)
    throw new ValidationError(
      `this deployment trains on at most ${allowed} GPU${allowed === 1 ? '' : 's'} per job; ` +
        `deploy with maxGpusPerJob=${count} to allow ${count}`,
      [{ field: 'resources.count', message: `at most ${allowed}` }],
    );
  return count > 1 ? { type, count: count as 2 | 4 | 8 } : { type };
}

/** A sweep's trial job (core/usecases/sweeps.ts): its id, chosen before it is created so creating it is idempotent. */
export interface SweepJobOptions {
  id: string;
  sweepId: string;
  trialId: string;
}

/** Creates the job record (with its start point checked) and queues its training. */
export async function createTrainingJob(
  tenantId: string,
  input: z.infer<typeof createTrainingJobBody>,
  sweep?: SweepJobOptions,
): Promise<TrainingJob> {
  const resources = jobResources(input.resources);
  const solver = await records.get('solvers', tenantId, input.solverId);
  if (solver.status === 'pending')
    throw new UnprocessableError(
      `solver ${solver.id} is pending: its prototxt is still being fetched from its URLs; retry once it is ready`,
    );
  if (solver.status === 'failed')
    throw new UnprocessableError(
      `solver ${solver.id} failed (${solver.error ?? 'no reason recorded'}); it cannot be trained`,
    );
  const dataset = await records.get('datasets', tenantId, solver.datasetId);
  if (dataset.status === 'failed')
    throw new UnprocessableError(
      `dataset ${dataset.id} failed (${dataset.error ?? 'no reason recorded'}); fix it before training on it`,
    );
  // The solver may have been stored while its dataset was being built: this is the first check then.
  const fit = netFit(solver.solver, solver.net, dataset);
  if (fit?.errors.length) throw new UnprocessableError(describeFitErrors(dataset, fit.errors), fit.errors);
  const weightsFrom = !input.weightsFrom
    ? undefined
    : 'modelId' in input.weightsFrom
      ? await resolveModelWeights(tenantId, input.weightsFrom.modelId)
      : await resolveWeightsSource(tenantId, input.weightsFrom);
  const resumeFrom = input.resumeFrom ? await resolveResumeSource(tenantId, solver, input.resumeFrom) : undefined;
  await checkJobQuotas(tenantId);
  const now = new Date().toISOString();
  const job: TrainingJob = {
    id: sweep?.id ?? newId('training-jobs'),
    tenantId,
    ...(input.name ? { name: input.name } : {}),
    solverId: solver.id,
    datasetId: dataset.id,
    status: 'queued',
    attempts: 0,
    // A resumed job starts counting where its solver state left off.
    progress: { iteration: resumeFrom?.iteration ?? 0, maxIterations: solver.maxIterations, testOutputs: {} },
    resources,
    ...(input.maxRuntimeSeconds ? { maxRuntimeSeconds: input.maxRuntimeSeconds } : {}),
    ...(weightsFrom ? { weightsFrom } : {}),
    ...(resumeFrom ? { resumeFrom } : {}),
    ...(sweep ? { sweepId: sweep.sweepId, trialId: sweep.trialId } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('training-jobs', job);
  await enqueueOrFail('training-jobs', job, 'train');
  return job;
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
    ? {
        url: await presignDownload(tenantId, job.model.key, `${id}.caffemodel`),
        iteration: job.model.iteration,
        bytes: job.model.bytes,
      }
    : null;
  // The ready-to-use model bundle (container/worker/classify-bundle.ts), once the worker built it.
  const bundleBytes = job.model ? await objectSize(modelBundleKey(tenantId, id)) : undefined;
  const bundle =
    bundleBytes === undefined
      ? null
      : {
          url: await presignDownload(tenantId, modelBundleKey(tenantId, id), `${id}-bundle.tar.gz`),
          bytes: bundleBytes,
        };
  return { model, bundle, snapshots: [...byIteration.values()].sort((a, b) => a.iteration - b.iteration) };
}

interface Download {
  url: string;
  bytes: number;
}
