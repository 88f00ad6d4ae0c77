/**
 * A sweep as GET /v1/sweeps/{id} shows it: with what its trials' jobs used, summed per trial and for
 * the sweep, and what stopping trials early saved. Summed when read rather than kept on the sweep:
 * a job's usage is written when its Batch job ends, which may be after the sweep has moved on (or
 * finished), and a sum kept elsewhere would miss it. A sweep has at most a few hundred jobs.
 */
import * as records from '../records/store';
import type { Sweep, SweepTrial, TrainingJob } from '../records/types';
import { savedAtRate, totalOf, type Usage, type UsageTotal } from '../usage';

export type SweepWithUsage = Omit<Sweep, 'trials'> & {
  trials: Array<SweepTrial & { usage?: UsageTotal }>;
  usage?: UsageTotal;
  saved?: ReturnType<typeof savedAtRate>;
};

/** The sweep with its usage, given its jobs' usage by job id (pure). */
export function withUsage(sweep: Sweep, usageByJob: Map<string, Usage>): SweepWithUsage {
  const trials = sweep.trials.map((trial) => {
    const usage = totalOf(trial.jobIds.flatMap((id) => usageByJob.get(id) ?? []));
    return usage ? { ...trial, usage } : trial;
  });
  const usage = totalOf(sweep.trials.flatMap((trial) => trial.jobIds.flatMap((id) => usageByJob.get(id) ?? [])));
  if (!usage) return { ...sweep, trials };
  const { trained, everyTrialToTheEnd } = sweep.iterations ?? { trained: 0, everyTrialToTheEnd: 0 };
  return { ...sweep, trials, usage, saved: savedAtRate(usage, trained, Math.max(0, everyTrialToTheEnd - trained)) };
}

/** The tenant's sweep with what its jobs used, and those jobs by id (the trial route reads them too), read now. */
export async function sweepWithJobs(
  tenantId: string,
  id: string,
): Promise<{ sweep: SweepWithUsage; jobs: Map<string, TrainingJob> }> {
  const sweep = await records.get('sweeps', tenantId, id);
  const found = await records.findMany(
    'training-jobs',
    tenantId,
    sweep.trials.flatMap((trial) => trial.jobIds),
  );
  const usage = new Map(found.flatMap((job) => (job.usage ? [[job.id, job.usage] as const] : [])));
  return { sweep: withUsage(sweep, usage), jobs: new Map(found.map((job) => [job.id, job])) };
}

/** The tenant's sweep with what its jobs used, read now. */
export const sweepWithUsageOf = async (tenantId: string, id: string): Promise<SweepWithUsage> =>
  (await sweepWithJobs(tenantId, id)).sweep;
