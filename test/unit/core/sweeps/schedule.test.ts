import { bestTrial, nextStep, rungsOf, type SchedulePlan, type TrialState } from '../../../../core/sweeps/schedule';

const trial = (id: string, fields: Partial<TrialState> = {}): TrialState => ({
  id,
  status: 'pending',
  rung: 0,
  objectives: [],
  ...fields,
});
const waiting = (id: string, ...objectives: Array<number | null>) =>
  trial(id, { status: 'waiting', rung: objectives.length - 1, objectives });

const asha: SchedulePlan = { rungs: [20, 40], reductionFactor: 2, goal: 'maximize', maxParallel: 2 };

describe('rungsOf', () => {
  it('multiplies by the reduction factor up to max_iter', () => {
    expect(rungsOf(20, 2, 40)).toEqual([20, 40]);
    expect(rungsOf(10, 3, 100)).toEqual([10, 30, 90, 100]);
    expect(rungsOf(100, 2, 50)).toEqual([50]);
  });
});

describe('nextStep', () => {
  it('starts pending trials up to maxParallel', () => {
    const step = nextStep([trial('t1'), trial('t2'), trial('t3')], asha);
    expect(step.decisions).toEqual([
      { kind: 'start', trialId: 't1' },
      { kind: 'start', trialId: 't2' },
    ]);
    expect(step.done).toBe(false);
  });

  it('counts running trials against maxParallel', () => {
    const step = nextStep([trial('t1', { status: 'running' }), trial('t2', { status: 'running' }), trial('t3')], asha);
    expect(step.decisions).toEqual([]);
  });

  it('promotes the top 1/η of the trials that reached a rung, and starts new ones in the other places', () => {
    const step = nextStep([waiting('t1', 0.5), waiting('t2', 0.7), trial('t3'), trial('t4')], asha);
    expect(step.decisions).toEqual([
      { kind: 'promote', trialId: 't2', rung: 1 },
      { kind: 'start', trialId: 't3' },
    ]);
  });

  it('does not promote before enough trials reached the rung', () => {
    const step = nextStep([waiting('t1', 0.9), trial('t2', { status: 'running' }), trial('t3')], asha);
    expect(step.decisions).toEqual([{ kind: 'start', trialId: 't3' }]);
  });

  it('minimizes when the goal says so, and ranks trials without an objective last', () => {
    const plan: SchedulePlan = { ...asha, goal: 'minimize', maxParallel: 1 };
    const step = nextStep([waiting('t1', 0.5), waiting('t2', 0.2), waiting('t3', null), waiting('t4', 0.9)], plan);
    expect(step.decisions).toEqual([{ kind: 'promote', trialId: 't2', rung: 1 }]);
  });

  it('promotes from the highest rung first', () => {
    const plan: SchedulePlan = { rungs: [10, 20, 40], reductionFactor: 2, goal: 'maximize', maxParallel: 1 };
    const trials = [waiting('t1', 0.5, 0.8), waiting('t2', 0.6, 0.7), waiting('t3', 0.1), waiting('t4', 0.2)];
    expect(nextStep(trials, plan).decisions).toEqual([{ kind: 'promote', trialId: 't1', rung: 2 }]);
  });

  it('stops the trials left waiting once nothing runs and nothing can start', () => {
    const trials = [
      waiting('t1', 0.5),
      trial('t2', { status: 'succeeded', rung: 1, objectives: [0.7, 0.8] }),
      waiting('t3', 0.4),
      waiting('t4', 0.6, 0.75),
    ];
    const step = nextStep(trials, asha);
    // t4 reached the last rung's waiting only in this hand-made state; rung 0's top 2 (t2, t4) are already promoted.
    expect(step.decisions).toEqual([]);
    expect(step.done).toBe(true);
    expect(step.stop).toEqual(['t1', 't3', 't4']);
  });

  it('is a plain run-to-the-end for grid and random sweeps (one rung)', () => {
    const plan: SchedulePlan = { rungs: [40], reductionFactor: 2, goal: 'maximize', maxParallel: 3 };
    const trials = [
      trial('t1', { status: 'succeeded', objectives: [0.5] }),
      trial('t2', { status: 'failed' }),
      trial('t3'),
    ];
    const step = nextStep(trials, plan);
    expect(step.decisions).toEqual([{ kind: 'start', trialId: 't3' }]);
    expect(nextStep([trials[0]!, trials[1]!], plan)).toEqual({ decisions: [], stop: [], done: true });
  });
});

describe('bestTrial', () => {
  it('chooses by the latest objective', () => {
    const trials = [waiting('t1', 0.5), trial('t2', { status: 'succeeded', objectives: [0.6, 0.8] }), waiting('t3')];
    expect(bestTrial(trials, 'maximize')?.id).toBe('t2');
    expect(bestTrial(trials, 'minimize')?.id).toBe('t1');
    expect(bestTrial([trial('t1')], 'maximize')).toBeUndefined();
    // A trial whose last rung reported nothing is ranked by the rung before.
    expect(bestTrial([waiting('t1', 0.5), waiting('t2', 0.9, null)], 'maximize')?.id).toBe('t2');
  });
});
