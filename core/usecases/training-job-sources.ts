/**
 * Where a training job may start from: another job's weights (`weightsFrom`, fine-tuning) or its
 * solver state (`resumeFrom`, continuing). Both name a snapshot the worker uploaded; the iteration
 * is resolved and checked when the job is created, so a job never queues for a snapshot that is
 * not there.
 */
import { UnprocessableError } from '../errors';
import { keys, listObjects } from '../objects';
import * as records from '../records/store';
import type { Solver, TrainingJob, TrainingJobSource } from '../records/types';

/** The worker writes snapshots as `<snapshotBaseName>_iter_<n>.<kind>` (Caffe's own naming). */
export const snapshotBaseName = 'snapshot';
const snapshotFile = /_iter_(\d+)\.(caffemodel|solverstate)$/;

export type SnapshotKind = 'caffemodel' | 'solverstate';

/** The S3 key of one snapshot file of a job. */
export const snapshotKey = (tenantId: string, jobId: string, iteration: number, kind: SnapshotKind): string =>
  `${keys.jobSnapshots(tenantId, jobId)}${snapshotBaseName}_iter_${iteration}.${kind}`;

/** Iterations that have each kind of snapshot file, ascending. */
export async function snapshotIterations(tenantId: string, jobId: string): Promise<Record<SnapshotKind, number[]>> {
  const found: Record<SnapshotKind, number[]> = { caffemodel: [], solverstate: [] };
  for (const object of await listObjects(keys.jobSnapshots(tenantId, jobId))) {
    const match = snapshotFile.exec(object.key);
    if (match) found[match[2] as SnapshotKind].push(Number(match[1]));
  }
  for (const list of Object.values(found)) list.sort((a, b) => a - b);
  return found;
}

const available = (iterations: number[]) =>
  iterations.length ? `it has snapshots at iterations ${iterations.join(', ')}` : 'it has no snapshots';

/** `weightsFrom`: the source job's weights at an iteration (default: its final model, so it must have succeeded). */
export async function resolveWeightsSource(
  tenantId: string,
  request: { trainingJobId: string; iteration?: number | undefined },
): Promise<TrainingJobSource> {
  const source = await records.get('training-jobs', tenantId, request.trainingJobId);
  const { caffemodel } = await snapshotIterations(tenantId, source.id);
  if (request.iteration === undefined) {
    if (source.status !== 'succeeded' || !source.model)
      throw new UnprocessableError(
        `training job ${source.id} is ${source.status} and has no final model; fine-tune from one ` +
          `of its snapshots with weightsFrom.iteration (${available(caffemodel)})`,
        [{ field: 'weightsFrom.trainingJobId', message: `job is ${source.status}, not succeeded` }],
      );
    return { trainingJobId: source.id, iteration: source.model.iteration };
  }
  if (!caffemodel.includes(request.iteration))
    throw new UnprocessableError(
      `training job ${source.id} has no weights at iteration ${request.iteration}; ${available(caffemodel)}`,
      [{ field: 'weightsFrom.iteration', message: `no snapshot at iteration ${request.iteration}` }],
    );
  return { trainingJobId: source.id, iteration: request.iteration };
}

/**
 * `resumeFrom`: the source job's solver state at an iteration (default: its latest). Caffe restores
 * the state into whatever net the new job builds, so the new solver must train the same net text
 * with the same solver type (the state holds that type's history), and must run past the snapshot.
 */
export async function resolveResumeSource(
  tenantId: string,
  solver: Solver,
  request: { trainingJobId: string; iteration?: number | undefined },
): Promise<TrainingJobSource> {
  const source = await records.get('training-jobs', tenantId, request.trainingJobId);
  const { caffemodel, solverstate } = await snapshotIterations(tenantId, source.id);
  const resumable = solverstate.filter((iteration) => caffemodel.includes(iteration));
  const iteration = request.iteration ?? resumable.at(-1);
  if (iteration === undefined || !resumable.includes(iteration))
    throw new UnprocessableError(
      `training job ${source.id} has no solver ` +
        `state${request.iteration === undefined ? '' : ` at iteration ${request.iteration}`} to ` +
        `resume from; ${available(resumable)}`,
      [
        {
          field: request.iteration === undefined ? 'resumeFrom.trainingJobId' : 'resumeFrom.iteration',
          message: 'no solver state snapshot there',
        },
      ],
    );
  checkResumable(solver, await sourceSolver(tenantId, source), iteration);
  return { trainingJobId: source.id, iteration };
}

async function sourceSolver(tenantId: string, source: TrainingJob): Promise<Solver> {
  const solver = await records.find('solvers', tenantId, source.solverId);
  if (!solver)
    throw new UnprocessableError(
      `the solver of training job ${source.id} was deleted, so its solver state cannot be checked for resuming`,
    );
  return solver;
}

function checkResumable(solver: Solver, previous: Solver, iteration: number): void {
  if (solver.id === previous.id && solver.maxIterations > iteration) return;
  const mismatch =
    solver.net.trim() !== previous.net.trim()
      ? `solver ${solver.id} trains a different net than solver ${previous.id} (resuming needs the same net prototxt)`
      : solver.solverType !== previous.solverType
        ? `solver ${solver.id} is ${solver.solverType} but the state was saved by ${previous.solverType}`
        : solver.maxIterations <= iteration
          ? `solver ${solver.id} stops at max_iter ${solver.maxIterations}, not after the snapshot's ` +
            `iteration ${iteration}`
          : undefined;
  if (mismatch)
    throw new UnprocessableError(`cannot resume from iteration ${iteration}: ${mismatch}`, [
      { field: 'resumeFrom', message: mismatch },
    ]);
}
