/**
 * Sweeps: a search over a solver's hyperparameters whose trials train as ordinary training jobs.
 *
 * The trials live inside the sweep record (not a collection of their own): every decision — which
 * trial starts, which is promoted, which stops — reads and writes the whole sweep in one
 * conditional write (`revision`), so racing advances (two jobs ending at once, the reconciler)
 * cannot start a trial twice or exceed `maxParallel`. A trial's job id is chosen and written in
 * that same write, before the job exists; whoever creates the job uses that id, and creating an
 * existing id changes nothing, so a job lost to a crash between the two steps is created by the
 * next advance.
 *
 * Each job trains a derived solver: a solver record with the trial's point applied and max_iter
 * set to the rung (the worker needs no change). An ASHA promotion is the same trial with one more
 * job that resumes the previous job's snapshot at the rung (`resumeFrom`: Caffe's exact resume).
 *
 * `advanceSweep` runs when a trial's job ends (the Batch state change handler) and for every
 * running sweep from the reconciler, so a lost event or a restart only delays it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { z } from 'zod';
import { summarizeSolver } from '../caffe/validate';
import { ConflictError, DomainError, UnprocessableError, ValidationError } from '../errors';
import { publishSweepStateChange } from '../events';
import { newId } from '../ids';
import { checkJobQuotas } from '../quotas';
import * as records from '../records/store';
import type { Solver, Sweep, SweepTrial, TrainingJob } from '../records/types';
import type { createSweepBody } from '../api/sweeps';
import { bestTrial, latestObjective, nextStep, rungsOf } from '../sweeps/schedule';
import {
  applyPoint,
  checkPoints,
  checkSpace,
  grid,
  gridSize,
  type Point,
  sample,
  SpaceError,
  forRung,
} from '../sweeps/space';
import { maxTrialsPerSweep } from '../api/sweeps';
import { cancelTrainingJob, deleteTrainingJob } from './training-job-control';
import { createTrainingJob, jobResources } from './training-jobs';

type CreateSweep = z.infer<typeof createSweepBody>;

const unfinishedJob = (job: TrainingJob) => ['queued', 'starting', 'running'].includes(job.status);

function usableSolver(solver: Solver): void {
  if (solver.status === 'pending' || solver.status === 'failed')
    throw new UnprocessableError(
      `solver ${solver.id} is ${solver.status}${solver.error ? ` (${solver.error})` : ''}; ` +
        'a sweep needs a ready solver',
    );
}

/** The points the sweep's trials train, in order. */
function pointsOf(body: CreateSweep, seed: number): Point[] {
  if (body.strategy !== 'grid') return sample(body.parameters, body.maxTrials!, seed);
  let points: Point[];
  try {
    points = grid(body.parameters);
  } catch (error) {
    if (error instanceof SpaceError) throw new ValidationError(error.message, error.errors);
    throw error;
  }
  const most = Math.min(body.maxTrials ?? maxTrialsPerSweep, maxTrialsPerSweep);
  if (points.length > most)
    throw new ValidationError(`the grid has ${points.length} points, more than the ${most} trials this sweep may run`, [
      { field: 'maxTrials', message: `the grid has ${gridSize(body.parameters)} points` },
    ]);
  return points;
}

/** Checks the space against the solver (every combination), stores the sweep and starts its first trials. */
export async function createSweep(tenantId: string, body: CreateSweep): Promise<Sweep> {
  const solver = await records.get('solvers', tenantId, body.solverId);
  usableSolver(solver);
  const texts = { solver: solver.solver, net: solver.net };
  const spaceErrors = checkSpace(texts, body.parameters);
  if (spaceErrors.length) throw new ValidationError(`the parameters do not fit solver ${solver.id}`, spaceErrors);
  const seed = body.seed ?? Math.floor(Math.random() * 2 ** 31);
  const points = pointsOf(body, seed);
  const pointErrors = checkPoints(texts, points);
  if (pointErrors.length) throw new ValidationError(`a combination does not fit solver ${solver.id}`, pointErrors);
  const rungs = body.asha
    ? rungsOf(body.asha.minIterations, body.asha.reductionFactor, solver.maxIterations)
    : [solver.maxIterations];
  // Checked now (a GPU count above the stack's limit is a 400), not when the first trial is created.
  const resources = body.resources ? jobResources(body.resources) : undefined;
  await checkJobQuotas(tenantId);
  const now = new Date().toISOString();
  const sweep: Sweep = {
    id: newId('sweeps'),
    tenantId,
    name: body.name,
    solverId: solver.id,
    datasetId: solver.datasetId,
    status: 'running',
    strategy: body.strategy,
    parameters: body.parameters,
    maxTrials: points.length,
    maxParallel: body.maxParallel,
    objective: body.objective,
    ...(body.asha ? { asha: body.asha } : {}),
    rungs,
    ...(body.strategy === 'grid' ? {} : { seed }),
    ...(resources ? { resources } : {}),
    trials: points.map((parameters, i) => ({
      id: `t${i + 1}`,
      parameters,
      status: 'pending',
      rung: 0,
      jobIds: [],
      objectives: [],
      objective: null,
      iteration: 0,
    })),
    iterations: { trained: 0, everyTrialToTheEnd: points.length * solver.maxIterations },
    revision: 0,
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('sweeps', sweep);
  await publishSweepStateChange({
    collection: 'sweeps',
    tenantId,
    id: sweep.id,
    status: 'running',
    name: body.name,
    time: now,
  });
  // Cancelling jobs is not this route's to do (a cancel right after the create does it).
  return (await advanceSweep(tenantId, sweep.id, { cancelStragglers: false })) ?? sweep;
}

/** A trial with what its last job says now (finished, failed, iterations reached). */
function refreshTrial(sweep: Sweep, trial: SweepTrial, job: TrainingJob | undefined): SweepTrial {
  if (trial.status !== 'running' || !job) return trial;
  const updated = { ...trial, iteration: job.progress.iteration };
  if (job.status === 'succeeded') {
    const objective = job.progress.testOutputs[sweep.objective.output] ?? null;
    const objectives = [...trial.objectives.slice(0, trial.rung), objective];
    const last = trial.rung === sweep.rungs.length - 1;
    return { ...updated, objectives, objective, status: last ? 'succeeded' : 'waiting' };
  }
  if (job.status === 'failed') return { ...updated, status: 'failed', error: job.error ?? `job ${job.id} failed` };
  if (job.status === 'cancelled') return { ...updated, status: 'cancelled', error: `job ${job.id} was cancelled` };
  return updated;
}

/** The sweep after its jobs' news and the scheduler's decisions (pure but for the ids and time it stamps). */
export function advanced(sweep: Sweep, jobs: Map<string, TrainingJob>): Sweep {
  const now = new Date().toISOString();
  const trials = sweep.trials.map((t) => refreshTrial(sweep, t, jobs.get(t.jobIds.at(-1) ?? '')));
  const plan = {
    rungs: sweep.rungs,
    reductionFactor: sweep.asha?.reductionFactor ?? 2,
    goal: sweep.objective.goal,
    maxParallel: sweep.maxParallel,
  };
  const step = nextStep(trials, plan);
  const byId = new Map(trials.map((t) => [t.id, t]));
  for (const decision of step.decisions) {
    const trial = byId.get(decision.trialId)!;
    const rung = decision.kind === 'promote' ? decision.rung : 0;
    byId.set(trial.id, {
      ...trial,
      status: 'running',
      rung,
      jobIds: [...trial.jobIds, newId('training-jobs')],
      claimedAt: now,
    });
  }
  for (const id of step.stop) byId.set(id, { ...byId.get(id)!, status: 'stopped' });
  const next = [...byId.values()];
  const best = bestTrial(next, sweep.objective.goal);
  const finished = step.done
    ? next.some((t) => t.objectives.some((o) => o !== null))
      ? ({ status: 'succeeded' } as const)
      : ({ status: 'failed', error: 'no trial reported its objective' } as const)
    : undefined;
  return {
    ...sweep,
    trials: next,
    ...(best ? { best: { trialId: best.id, objective: latestObjective(best)!, parameters: best.parameters } } : {}),
    iterations: {
      trained: next.reduce((sum, t) => sum + t.iteration, 0),
      everyTrialToTheEnd: next.length * sweep.rungs.at(-1)!,
    },
    ...(finished ? { ...finished, finishedAt: now } : {}),
  };
}

/** Writes a sweep if nobody wrote it since it was read; publishes a status change. */
async function writeSweep(before: Sweep, after: Sweep): Promise<Sweep | undefined> {
  const { id, tenantId, createdAt, updatedAt, correlationId, revision, ...fields } = after;
  const written = await records.update('sweeps', before.tenantId, before.id, {
    set: { ...fields, revision: before.revision + 1 },
    condition: '#revision = :revision',
    names: { '#revision': 'revision' },
    values: { ':revision': before.revision },
  });
  if (written && written.status !== before.status)
    await publishSweepStateChange({
      collection: 'sweeps',
      tenantId: written.tenantId,
      id: written.id,
      status: written.status,
      previousStatus: before.status,
      ...(written.name ? { name: written.name } : {}),
      ...(written.best ? { best: { trialId: written.best.trialId, objective: written.best.objective } } : {}),
      time: written.updatedAt,
    });
  return written;
}

async function lastJobs(sweep: Sweep): Promise<Map<string, TrainingJob>> {
  const jobs = new Map<string, TrainingJob>();
  for (const trial of sweep.trials) {
    const id = trial.jobIds.at(-1);
    const job = id ? await records.find('training-jobs', sweep.tenantId, id) : undefined;
    if (job) jobs.set(job.id, job);
  }
  return jobs;
}

/**
 * Moves a sweep on: records what its trials' jobs did, starts or promotes trials into free places,
 * creates any job a trial was given but does not have yet, and finishes the sweep when nothing is
 * left. Safe to call any number of times, concurrently too. Returns the sweep as it now is.
 */
export async function advanceSweep(
  tenantId: string,
  id: string,
  options: { cancelStragglers: boolean } = { cancelStragglers: true },
): Promise<Sweep | undefined> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const sweep = await records.find('sweeps', tenantId, id);
    if (!sweep) return undefined;
    const jobs = await lastJobs(sweep);
    if (sweep.status === 'cancelled') {
      // A job created by an advance that raced the cancel; the cancel itself stops the rest.
      if (options.cancelStragglers) await cancelJobs(sweep, jobs);
      return sweep;
    }
    if (sweep.status !== 'running') return sweep;
    const next = advanced(sweep, jobs);
    const changed = JSON.stringify(next) !== JSON.stringify(sweep);
    const current = changed ? await writeSweep(sweep, next) : sweep;
    if (!current) continue; // another advance wrote first: read again
    const { created, failed } = await createMissingJobs(current, jobs);
    if (created) {
      // A cancel that landed while these jobs were being created did not see them. The cancel writes
      // the sweep before it reads the jobs, and this reads the sweep after creating them, so one of
      // the two sees both: stop them here.
      const now = await records.find('sweeps', tenantId, id);
      if (now?.status === 'cancelled') {
        await cancelJobs(now, await lastJobs(now));
        return now;
      }
    }
    if (!failed.length) return current;
    await failTrials(current, failed);
  }
  return records.find('sweeps', tenantId, id);
}

/** Creates the job of every running trial that has none: how many it made, and the trials whose job could not be. */
async function createMissingJobs(
  sweep: Sweep,
  jobs: Map<string, TrainingJob>,
): Promise<{ created: number; failed: Array<{ trialId: string; error: string }> }> {
  const failed: Array<{ trialId: string; error: string }> = [];
  let created = 0;
  for (const trial of sweep.trials) {
    const jobId = trial.jobIds.at(-1);
    if (trial.status !== 'running' || !jobId || jobs.has(jobId)) continue;
    try {
      await createTrialJob(sweep, trial, jobId);
      created++;
    } catch (error) {
      // Over quota: the trial keeps its place and the next advance (the reconciler's, at the latest) tries again.
      if (error instanceof DomainError && error.status === 429) continue;
      if (error instanceof DomainError) failed.push({ trialId: trial.id, error: error.message });
      else throw error;
    }
  }
  return { created, failed };
}

async function failTrials(sweep: Sweep, failed: Array<{ trialId: string; error: string }>): Promise<void> {
  const errors = new Map(failed.map((f) => [f.trialId, f.error]));
  const trials = sweep.trials.map((t) =>
    errors.has(t.id) ? { ...t, status: 'failed' as const, error: errors.get(t.id)! } : t,
  );
  await writeSweep(sweep, { ...sweep, trials });
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

/**
 * The trial's job for its current rung, with the id the sweep gave it: a derived solver (the point
 * applied, max_iter the rung) and a training job resuming the trial's previous job at the rung before.
 */
async function createTrialJob(sweep: Sweep, trial: SweepTrial, jobId: string): Promise<void> {
  const maxIter = sweep.rungs[trial.rung]!;
  const solverId = `sv_${jobId.slice('tj_'.length)}`;
  if (!(await records.find('solvers', sweep.tenantId, solverId))) {
    const base = await records.find('solvers', sweep.tenantId, sweep.solverId);
    if (!base) throw new UnprocessableError(`solver ${sweep.solverId} of the sweep was deleted`);
    const applied = applyPoint({ solver: base.solver, net: base.net }, trial.parameters);
    const solverText = forRung(applied.solver, maxIter);
    const now = new Date().toISOString();
    const solver: Solver = {
      id: solverId,
      tenantId: sweep.tenantId,
      name: `${sweep.name ?? sweep.id} ${trial.id} to ${maxIter}`,
      datasetId: base.datasetId,
      solver: solverText,
      net: applied.net,
      solverType: summarizeSolver(solverText).type,
      maxIterations: maxIter,
      status: 'ready',
      sweepId: sweep.id,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await records.putNew('solvers', solver);
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  const previous = trial.jobIds.at(-2);
  try {
    await createTrainingJob(
      sweep.tenantId,
      {
        solverId,
        name: `${sweep.name ?? sweep.id} ${trial.id}`,
        ...(sweep.resources ? { resources: sweep.resources } : {}),
        ...(previous ? { resumeFrom: { trainingJobId: previous, iteration: sweep.rungs[trial.rung - 1] } } : {}),
      },
      { id: jobId, sweepId: sweep.id, trialId: trial.id },
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

async function cancelJobs(sweep: Sweep, jobs: Map<string, TrainingJob>): Promise<void> {
  for (const job of jobs.values()) {
    if (!unfinishedJob(job)) continue;
    try {
      await cancelTrainingJob(sweep.tenantId, job.id);
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error; // it finished meanwhile
    }
  }
}

/** Advances the sweep a training job belongs to (the Batch state change handler, when a job ends). */
export async function advanceSweepOfJob(tenantId: string, jobId: string): Promise<void> {
  const job = await records.find('training-jobs', tenantId, jobId);
  if (job?.sweepId && !unfinishedJob(job)) await advanceSweep(tenantId, job.sweepId);
}

/** Advances every running sweep (the reconciler): a lost event or a crash only delays a sweep. */
export async function advanceRunningSweeps(): Promise<number> {
  const running = await records.findByStatus('sweeps', 'running');
  for (const sweep of running) await advanceSweep(sweep.tenantId, sweep.id);
  return running.length;
}

/** Cancels a running sweep: no trial starts any more, and every queued or running job of it is cancelled. */
export async function cancelSweep(tenantId: string, id: string): Promise<Sweep> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const sweep = await records.get('sweeps', tenantId, id);
    if (sweep.status !== 'running')
      throw new ConflictError(`sweep ${id} is already ${sweep.status}; only a running sweep can be cancelled`);
    const now = new Date().toISOString();
    const trials = sweep.trials.map((t) =>
      ['pending', 'running', 'waiting'].includes(t.status) ? { ...t, status: 'cancelled' as const } : t,
    );
    const cancelled = await writeSweep(sweep, {
      ...sweep,
      trials,
      status: 'cancelled',
      cancelledAt: now,
      finishedAt: now,
    });
    if (!cancelled) continue;
    await cancelJobs(cancelled, await lastJobs(cancelled));
    return cancelled;
  }
  throw new ConflictError(`sweep ${id} keeps changing; retry the cancel`);
}

/** Deletes a finished sweep: its trials' jobs (with their artifacts), its derived solvers, then the sweep. */
export async function deleteSweep(tenantId: string, id: string): Promise<void> {
  const sweep = await records.get('sweeps', tenantId, id);
  if (sweep.status === 'running')
    throw new ConflictError(`sweep ${id} is running; cancel it (POST /v1/sweeps/${id}/cancel) before deleting it`);
  // Latest rung first: a job another job resumed from is deleted after that one.
  for (const trial of sweep.trials)
    for (const jobId of [...trial.jobIds].reverse()) {
      if (await records.find('training-jobs', tenantId, jobId))
        await deleteTrainingJob(tenantId, jobId, { sweep: true });
      await records.remove('solvers', tenantId, `sv_${jobId.slice('tj_'.length)}`);
    }
  await records.remove('sweeps', tenantId, id);
}
