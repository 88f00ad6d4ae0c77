/** A sweep view as GET /v1/sweeps/{id} answers it, for the leaderboard and command tests. */
import type { SweepView, Trial } from '../../../../../packages/cli/src/leaderboard';

export const conv = 'layer[conv1].convolution_param.num_output';

export const trial = (id: string, over: Partial<Trial> = {}): Trial => ({
  id,
  parameters: { base_lr: 0.01, [conv]: 20 },
  status: 'pending',
  rung: 0,
  iteration: 0,
  objective: null,
  objectives: [],
  jobIds: [],
  ...over,
});

/** An ASHA sweep over two rungs: t1 promoted and done, t2 stopped at the first rung, t3 running. */
export const ashaSweep = (over: Partial<SweepView> = {}): SweepView => ({
  id: 'sw_1',
  name: 'lr',
  createdAt: '2026-12-07T03:00:00.000Z',
  updatedAt: '2026-12-07T03:05:00.000Z',
  solverId: 'sv_1',
  datasetId: 'ds_1',
  status: 'running',
  strategy: 'asha',
  parameters: { base_lr: { logUniform: [0.001, 0.1] }, [conv]: { intUniform: [10, 50] } },
  maxTrials: 3,
  maxParallel: 2,
  objective: { output: 'accuracy', goal: 'maximize' },
  asha: { minIterations: 100, reductionFactor: 3 },
  rungs: [100, 300],
  seed: 7,
  trials: [
    trial('t1', {
      parameters: { base_lr: 0.0031234, [conv]: 32 },
      status: 'succeeded',
      rung: 1,
      iteration: 300,
      objective: 0.8512,
      objectives: [0.7, 0.8512],
      jobIds: ['tj_a', 'tj_b'],
    }),
    trial('t2', {
      parameters: { base_lr: 0.08, [conv]: 12 },
      status: 'stopped',
      iteration: 100,
      objective: 0.61,
      objectives: [0.61],
      jobIds: ['tj_c'],
    }),
    trial('t3', { parameters: { base_lr: 0.001, [conv]: 45 }, status: 'running', iteration: 40, jobIds: ['tj_d'] }),
  ],
  best: { trialId: 't1', objective: 0.8512, parameters: { base_lr: 0.0031234, [conv]: 32 } },
  iterations: { trained: 440, everyTrialToTheEnd: 900 },
  ...over,
});
