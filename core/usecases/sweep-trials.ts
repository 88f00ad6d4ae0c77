/**
 * One trial of a sweep on its own: the trial as its sweep holds it (with its usage), its jobs in
 * order and one curve across them. A trial is stored inside its sweep (every scheduling decision is
 * one conditional write of the sweep: core/usecases/sweeps.ts) but read like a record of its own.
 */
import { NotFoundError } from '../errors';
import { concatenate } from '../sweeps/curves';
import { sweepWithJobs } from './sweep-usage';
import { metricsOfJob } from './training-job-metrics';

export async function sweepTrial(tenantId: string, sweepId: string, trialId: string) {
  // One read of the sweep's jobs gives both the usage sums and this trial's jobs.
  const { sweep, jobs: found } = await sweepWithJobs(tenantId, sweepId);
  const trial = sweep.trials.find((t) => t.id === trialId);
  if (!trial)
    throw new NotFoundError(
      'trial',
      trialId,
      `sweep ${sweepId} has trials ${sweep.trials.map((t) => t.id).join(', ')}`,
    );
  const jobs = trial.jobIds.flatMap((id) => found.get(id) ?? []);
  const metrics = await Promise.all(jobs.map(metricsOfJob));
  const iterationOf = (point: { iteration: number }) => point.iteration;
  return {
    ...trial,
    sweepId,
    jobs: jobs.map((job) => ({
      id: job.id,
      status: job.status,
      iteration: job.progress.iteration,
      ...(job.resumeFrom ? { resumeFrom: job.resumeFrom } : {}),
    })),
    metrics: {
      train: concatenate(
        metrics.map((m) => m.train),
        iterationOf,
      ),
      test: concatenate(
        metrics.map((m) => m.test),
        iterationOf,
      ),
    },
  };
}
