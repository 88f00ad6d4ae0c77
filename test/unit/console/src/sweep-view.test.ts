import type { TrainingJobMetrics } from '@elastic-caffe/sdk';
import {
  formatCost,
  formatParameters,
  leaderboard,
  type SweepView,
  trialCurves,
  trialsToRead,
} from '../../../../console/src/sweep-view';

type Trial = SweepView['trials'][number];
const trial = (id: string, over: Partial<Trial> = {}): Trial => ({
  id,
  parameters: { base_lr: 0.01 },
  status: 'succeeded',
  rung: 0,
  iteration: 20,
  objective: null,
  objectives: [],
  jobIds: [],
  ...over,
});
const sweep = (trials: Trial[], over: Partial<SweepView> = {}): SweepView => ({
  id: 'sw_1',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  solverId: 'sv_1',
  datasetId: 'ds_1',
  status: 'running',
  strategy: 'asha',
  parameters: { base_lr: { values: [0.01, 0.1] } },
  maxTrials: trials.length,
  maxParallel: 2,
  objective: { output: 'accuracy', goal: 'maximize' },
  rungs: [20, 40],
  trials,
  ...over,
});

describe('leaderboard', () => {
  it('ranks trials by the objective and its goal, trials without one last in the sweep order, the best marked', () => {
    const s = sweep(
      [
        trial('a', { objective: 0.5 }),
        trial('b', { objective: null, status: 'running' }),
        trial('c', { objective: 0.8, rung: 1 }),
        trial('d', { objective: null, status: 'pending' }),
        trial('e', { objective: 0.5 }),
      ],
      { best: { trialId: 'c', objective: 0.8, parameters: { base_lr: 0.01 } } },
    );
    const rows = leaderboard(s);
    expect(rows.map((r) => [r.name, r.rank, r.best])).toEqual([
      ['Trial 3', 1, true],
      ['Trial 1', 2, false],
      ['Trial 5', 3, false],
      ['Trial 2', undefined, false],
      ['Trial 4', undefined, false],
    ]);
    expect(rows[0]!.rung).toEqual({ at: 2, of: 2 });
    expect(rows[1]!.rung).toEqual({ at: 1, of: 2 });
  });

  it('puts the lowest first when the goal is to minimize', () => {
    const rows = leaderboard(
      sweep([trial('a', { objective: 0.9 }), trial('b', { objective: 0.1 })], {
        objective: { output: 'loss', goal: 'minimize' },
      }),
    );
    expect(rows.map((r) => r.trial.id)).toEqual(['b', 'a']);
    expect(rows.every((r) => !r.best)).toBe(true); // no best named by the API yet
  });
});

describe('trialCurves', () => {
  it("gives one loss and one objective series per trial, from the trial's curve as the API joins it", () => {
    const s = sweep([
      trial('a', { jobIds: ['tj_1', 'tj_2'], parameters: { base_lr: 0.0005 } }),
      trial('b', { jobIds: ['tj_3'], parameters: { base_lr: 0.02, type: 'Adam' } }),
      trial('c', { jobIds: [], status: 'pending' }),
    ]);
    const metrics = new Map<string, TrainingJobMetrics>([
      [
        'a',
        {
          train: [
            { iteration: 0, loss: 2.3 },
            { iteration: 20, loss: 1.8 },
            { iteration: 40, loss: 1.2 },
          ],
          test: [
            { iteration: 20, outputs: { accuracy: 0.4, loss: 1.8 } },
            { iteration: 40, outputs: { accuracy: 0.6 } },
            { iteration: 50, outputs: { loss: 1 } },
          ],
        },
      ],
    ]);
    const curves = trialCurves(s, metrics);
    expect(curves.loss).toEqual([
      {
        label: 'Trial 1 (base_lr 0.0005)',
        points: [
          [0, 2.3],
          [20, 1.8],
          [40, 1.2],
        ],
      },
      { label: 'Trial 2 (base_lr 0.02, type Adam)', points: [] },
      { label: 'Trial 3 (base_lr 0.01)', points: [] },
    ]);
    expect(curves.objective[0]!.points).toEqual([
      [20, 0.4],
      [40, 0.6],
    ]);
  });
});

describe('which curves to read', () => {
  it('every trial with a job until it was read after it ended; none for a trial not started', () => {
    const s = sweep([
      trial('a', { status: 'running', jobIds: ['tj_1', 'tj_2'] }),
      trial('b', { status: 'stopped', jobIds: ['tj_3'] }),
      trial('c', { status: 'pending', jobIds: [] }),
    ]);
    expect(trialsToRead(s, new Set())).toEqual(['a', 'b']);
    expect(trialsToRead(s, new Set(['b']))).toEqual(['a']);
  });
});

test('parameters and costs as text', () => {
  expect(formatParameters({ base_lr: 0.000123456, 'layer[conv1].convolution_param.num_output': 20, x: true })).toBe(
    'base_lr 0.0001235, layer[conv1].convolution_param.num_output 20, x true',
  );
  expect(formatCost(undefined)).toBeUndefined();
  expect(formatCost({ amount: 1.5, currency: 'USD' })).toMatch(/1\.50/);
  expect(formatCost({ amount: 1.5, currency: 'not a currency' })).toBe('1.50 not a currency');
});
