import type { TrainingJobMetrics } from '@elastic-caffe/sdk';
import {
  concatenateCurves as concatenate,
  endedJobs,
  formatCost,
  formatParameters,
  jobsToRead,
  leaderboard,
  type SweepView,
  trialCurves,
  unknownJobs,
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

describe('concatenate', () => {
  it('continues a curve with the next job from its first iteration on, the resumed job winning at the rung', () => {
    expect(
      concatenate([
        [
          [0, 2.3],
          [10, 1.5],
          [20, 1.2],
        ],
        [
          [20, 1.1],
          [30, null],
          [40, 0.9],
        ],
      ]),
    ).toEqual([
      [0, 2.3],
      [10, 1.5],
      [20, 1.1],
      [30, null],
      [40, 0.9],
    ]);
  });

  it("drops an earlier job's points past the rung the next resumed at; keeps it whole while the next has none", () => {
    const first = [
      [0, 2],
      [20, 1],
      [30, 0.5],
    ] as const;
    expect(concatenate([first, [[20, 0.9]]])).toEqual([
      [0, 2],
      [20, 0.9],
    ]);
    expect(concatenate([first, []])).toEqual(first);
    expect(concatenate([])).toEqual([]);
  });
});

describe('trialCurves', () => {
  it("gives one loss and one objective series per trial, spanning the trial's jobs in order", () => {
    const s = sweep([
      trial('a', { jobIds: ['tj_1', 'tj_2'], parameters: { base_lr: 0.0005 } }),
      trial('b', { jobIds: ['tj_3'], parameters: { base_lr: 0.02, type: 'Adam' } }),
      trial('c', { jobIds: [], status: 'pending' }),
    ]);
    const metrics = new Map<string, TrainingJobMetrics>([
      [
        'tj_1',
        {
          train: [
            { iteration: 0, loss: 2.3 },
            { iteration: 20, loss: 1.9 },
          ],
          test: [{ iteration: 20, outputs: { accuracy: 0.4, loss: 1.8 } }],
        },
      ],
      [
        'tj_2',
        {
          train: [
            { iteration: 20, loss: 1.8 },
            { iteration: 40, loss: 1.2 },
          ],
          test: [
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

describe('which metrics to read', () => {
  const s = sweep([
    trial('a', { status: 'running', jobIds: ['tj_1', 'tj_2'] }),
    trial('b', { status: 'stopped', jobIds: ['tj_3'] }),
    trial('c', { status: 'waiting', jobIds: ['tj_4'] }),
    trial('d', { status: 'running', jobIds: ['tj_5'] }),
    trial('e', { status: 'pending', jobIds: [] }),
  ]);

  it("settles a training trial's earlier jobs and every job of an ended trial", () => {
    expect(endedJobs(s)).toEqual(['tj_1', 'tj_3']);
    expect(jobsToRead(s, new Set(endedJobs(s)), new Set(['tj_2', 'tj_5']))).toEqual(['tj_2', 'tj_4', 'tj_5']);
  });

  it("reads a training trial's last job only once it is known to exist (the sweep names it before creating it)", () => {
    expect(unknownJobs(s, new Set())).toEqual(['tj_2', 'tj_5']);
    expect(jobsToRead(s, new Set(), new Set())).toEqual(['tj_1', 'tj_3', 'tj_4']);
    expect(unknownJobs(s, new Set(['tj_2']))).toEqual(['tj_5']);
    expect(jobsToRead(s, new Set(), new Set(['tj_2']))).toEqual(['tj_1', 'tj_2', 'tj_3', 'tj_4']);
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
