/** How a sweep moves on from what its trials' jobs did (the pure part of advanceSweep). */
import type { Sweep, SweepTrial, TrainingJob } from '../../../../core/records/types';
import { advanced } from '../../../../core/usecases/sweeps';
import { withUsage } from '../../../../core/usecases/sweep-usage';

const at = '2026-12-07T00:00:00.000Z';

const trial = (id: string, fields: Partial<SweepTrial> = {}): SweepTrial => ({
  id,
  parameters: { base_lr: 0.01 },
  status: 'pending',
  rung: 0,
  jobIds: [],
  objectives: [],
  objective: null,
  iteration: 0,
  ...fields,
});

const sweepOf = (trials: SweepTrial[]): Sweep => ({
  id: 'sw_1',
  tenantId: 't',
  name: 'lr',
  solverId: 'sv_1',
  datasetId: 'ds_1',
  status: 'running',
  strategy: 'asha',
  parameters: { base_lr: { values: [0.01] } },
  maxTrials: trials.length,
  maxParallel: 2,
  objective: { output: 'accuracy', goal: 'maximize' },
  asha: { minIterations: 20, reductionFactor: 2 },
  rungs: [20, 40],
  trials,
  revision: 3,
  createdAt: at,
  updatedAt: at,
});

const jobOf = (id: string, status: TrainingJob['status'], iteration: number, accuracy?: number): TrainingJob => ({
  id,
  tenantId: 't',
  solverId: 'sv_x',
  datasetId: 'ds_1',
  status,
  attempts: 1,
  progress: { iteration, maxIterations: 40, testOutputs: accuracy === undefined ? {} : { accuracy } },
  createdAt: at,
  updatedAt: at,
});

const jobs = (...list: TrainingJob[]) => new Map(list.map((j) => [j.id, j]));

describe('advanced', () => {
  it('starts the first trials up to maxParallel, minting each one job id', () => {
    const next = advanced(sweepOf([trial('t1'), trial('t2'), trial('t3')]), jobs());
    expect(next.trials.map((t) => t.status)).toEqual(['running', 'running', 'pending']);
    expect(next.trials[0]!.jobIds).toEqual([expect.stringMatching(/^tj_/)]);
    expect(next.trials[0]!.jobIds[0]).not.toBe(next.trials[1]!.jobIds[0]);
    expect(next.status).toBe('running');
  });

  it("records ended rungs' objectives, promotes the better trial with a second job and starts the next", () => {
    const sweep = sweepOf([
      trial('t1', { status: 'running', jobIds: ['tj_a'] }),
      trial('t2', { status: 'running', jobIds: ['tj_b'] }),
      trial('t3'),
    ]);
    const next = advanced(sweep, jobs(jobOf('tj_a', 'succeeded', 20, 0.4), jobOf('tj_b', 'succeeded', 20, 0.6)));
    const [t1, t2, t3] = next.trials;
    expect(t1).toMatchObject({ status: 'waiting', objectives: [0.4], objective: 0.4, iteration: 20 });
    expect(t2).toMatchObject({ status: 'running', rung: 1, objectives: [0.6], jobIds: ['tj_b', expect.any(String)] });
    expect(t3).toMatchObject({ status: 'running', rung: 0 });
    expect(next.best).toEqual({ trialId: 't2', objective: 0.6, parameters: { base_lr: 0.01 } });
    expect(next.iterations).toEqual({ trained: 40, everyTrialToTheEnd: 120 });
  });

  it('follows a running job’s iterations and fails a trial whose job failed', () => {
    const sweep = sweepOf([
      trial('t1', { status: 'running', jobIds: ['tj_a'] }),
      trial('t2', { status: 'running', jobIds: ['tj_b'] }),
    ]);
    const failed = { ...jobOf('tj_b', 'failed', 5), error: 'Caffe diverged' };
    const next = advanced(sweep, jobs(jobOf('tj_a', 'running', 12), failed));
    expect(next.trials[0]).toMatchObject({ status: 'running', iteration: 12 });
    expect(next.trials[1]).toMatchObject({ status: 'failed', error: 'Caffe diverged' });
  });

  it('finishes once every trial ended, stopping those left waiting', () => {
    const sweep = sweepOf([
      trial('t1', { status: 'waiting', objectives: [0.4], objective: 0.4, iteration: 20, jobIds: ['tj_a'] }),
      trial('t2', { status: 'running', rung: 1, objectives: [0.6], jobIds: ['tj_b', 'tj_c'] }),
    ]);
    const next = advanced(sweep, jobs(jobOf('tj_c', 'succeeded', 40, 0.7)));
    expect(next.trials.map((t) => t.status)).toEqual(['stopped', 'succeeded']);
    expect(next.trials[1]).toMatchObject({ objectives: [0.6, 0.7], objective: 0.7, iteration: 40 });
    expect(next).toMatchObject({ status: 'succeeded', finishedAt: expect.any(String), best: { trialId: 't2' } });
  });

  it('fails a sweep none of whose trials reported the objective', () => {
    const sweep = { ...sweepOf([trial('t1', { status: 'running', jobIds: ['tj_a'] })]), rungs: [40] };
    const next = advanced(sweep, jobs(jobOf('tj_a', 'succeeded', 40)));
    expect(next).toMatchObject({ status: 'failed', error: 'no trial reported its objective' });
  });

  it('changes nothing while its jobs run and no place is free', () => {
    const sweep = sweepOf([
      trial('t1', { status: 'running', jobIds: ['tj_a'], iteration: 3 }),
      trial('t2', { status: 'running', jobIds: ['tj_b'], iteration: 3 }),
      trial('t3'),
    ]);
    const next = advanced(sweep, jobs(jobOf('tj_a', 'running', 3), jobOf('tj_b', 'queued', 3)));
    expect(next).toEqual({ ...sweep, iterations: { trained: 6, everyTrialToTheEnd: 120 } });
  });
});

describe('withUsage', () => {
  const usage = (billableSeconds: number) => ({ attempts: [], billableSeconds });
  const sweep = {
    ...sweepOf([
      trial('t1', { status: 'succeeded', jobIds: ['tj_a', 'tj_b'], iteration: 40 }),
      trial('t2', { status: 'stopped', jobIds: ['tj_c'], iteration: 20 }),
      trial('t3', { status: 'running', jobIds: ['tj_d'] }),
    ]),
    iterations: { trained: 60, everyTrialToTheEnd: 120 },
  };

  it("sums each trial's jobs and the sweep's, and rates what was not trained", () => {
    const shown = withUsage(
      sweep,
      new Map([
        ['tj_a', usage(20)],
        ['tj_b', usage(20)],
        ['tj_c', usage(20)],
      ]),
    );
    expect(shown.trials.map((t) => t.usage)).toEqual([
      { billableSeconds: 40, jobs: 2 },
      { billableSeconds: 20, jobs: 1 },
      undefined, // its job has not run yet
    ]);
    expect(shown.usage).toEqual({ billableSeconds: 60, jobs: 3 });
    expect(shown.saved).toEqual({ iterations: 60, billableSeconds: 60 });
  });

  it('shows no usage before any job ran', () => {
    const shown = withUsage(sweep, new Map());
    expect(shown.usage).toBeUndefined();
    expect(shown.saved).toBeUndefined();
  });
});
