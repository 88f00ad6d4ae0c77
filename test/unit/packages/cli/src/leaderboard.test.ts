/** The sweep leaderboard, its change lines and its summary: pure text from a Sweep view. */
import {
  leaderboard,
  money,
  rankTrials,
  sweepChanges,
  sweepSummary,
} from '../../../../../packages/cli/src/leaderboard';
import { ashaSweep, conv, trial } from './sweep-fixture';

describe('leaderboard', () => {
  test('a headline, the trials best first with the best marked, the best parameters and what was trained', () => {
    expect(leaderboard(ashaSweep())).toEqual([
      'sweep sw_1 "lr" asha running · objective accuracy (maximize) · rungs 100 300 · trials 2/3 ended, 1 running',
      '   TRIAL  base_lr   conv1.num_output  STATUS     RUNG  ITER  ACCURACY',
      '*  t1     0.003123  32                succeeded  2/2   300   0.8512',
      '   t2     0.08      12                stopped    1/2   100   0.61',
      '   t3     0.001     45                running    1/2   40',
      `best t1: accuracy 0.8512  base_lr=0.003123 ${conv}=32`,
      'trained 440 iterations of the 900 every trial to the end would take (49 %)',
    ]);
  });

  test('minimizing ranks the lowest first; unscored trials follow by status, running before pending', () => {
    const sweep = ashaSweep({
      objective: { output: 'loss', goal: 'minimize' },
      trials: [
        trial('t1', { status: 'pending' }),
        trial('t2', { status: 'succeeded', objective: 0.9, objectives: [0.9] }),
        trial('t3', { status: 'running' }),
        trial('t4', { status: 'succeeded', objective: 0.2, objectives: [0.2] }),
      ],
    });
    expect(rankTrials(sweep).map((t) => t.id)).toEqual(['t4', 't2', 't3', 't1']);
  });

  test('one rung (grid, random) has no RUNG column; a rung that reported no objective shows –', () => {
    const lines = leaderboard(
      ashaSweep({
        strategy: 'grid',
        rungs: [300],
        trials: [trial('t1', { status: 'failed', iteration: 300, objectives: [null], error: 'NaN loss' })],
        best: undefined,
        iterations: undefined,
        status: 'failed',
        error: 'no trial reported accuracy',
      }),
    );
    expect(lines).toEqual([
      'sweep sw_1 "lr" grid failed · objective accuracy (maximize) · 300 iterations · trials 1/1 ended',
      '   TRIAL  base_lr  conv1.num_output  STATUS             ITER  ACCURACY',
      '   t1     0.01     20                failed (NaN loss)  300   –',
      'error: no trial reported accuracy',
    ]);
  });

  test('on a small terminal lines are cut to its width and the trials that do not fit are counted', () => {
    const lines = leaderboard(ashaSweep(), { width: 40, maxLines: 6, elapsedSeconds: 63 });
    expect(lines).toHaveLength(6);
    expect(lines.every((l) => l.length <= 39)).toBe(true);
    expect(lines[2]).toMatch(/^\* {2}t1 /);
    expect(lines[3]).toBe('… 2 more trials');
    expect(leaderboard(ashaSweep(), { elapsedSeconds: 63 })[0]).toMatch(/ · 1m03s$/);
  });

  const cost = (amount: number) => ({
    amount,
    currency: 'USD' as const,
    market: 'spot' as const,
    pricesTakenOn: '2026-12-01',
  });

  test("usage when the view has it: each trial's billed time and cost, the sweep's, and what stopping saved", () => {
    const base = ashaSweep();
    const sweep = {
      ...base,
      trials: base.trials.map((t, i) => ({
        ...t,
        usage: { billableSeconds: 60 * (i + 1), jobs: 1, estimatedCost: cost(0.0123 * (i + 1)) },
      })),
      usage: { billableSeconds: 360, jobs: 3, estimatedCost: cost(0.0738) },
      saved: { iterations: 460, billableSeconds: 380, estimatedCost: { amount: 0.08, currency: 'USD' as const } },
    };
    const lines = leaderboard(sweep);
    expect(lines[1]).toMatch(/ACCURACY {2}BILLED$/);
    expect(lines[2]).toMatch(/0\.8512 {4}1m00s \$0\.012$/);
    expect(lines.at(-1)).toBe(
      'trained 440 iterations of the 900 every trial to the end would take (49 %) · billed 6m00s $0.074 · ' +
        'saved 460 iterations, 6m20s $0.08',
    );
    expect(sweepChanges(undefined, sweep)[1]).toContain('billed 1m00s $0.012');
  });

  test('money: cents from a dollar up, two significant digits below, other currencies by code', () => {
    expect(money({ amount: 12.345, currency: 'USD' })).toBe('$12.35');
    expect(money({ amount: 0.004567, currency: 'USD' })).toBe('$0.0046');
    expect(money({ amount: 0, currency: 'USD' })).toBe('$0.00');
    expect(money({ amount: 3, currency: 'EUR' })).toBe('3.00 EUR');
  });
});

describe('sweepChanges', () => {
  test('the first view says what the sweep is and lists every trial', () => {
    expect(sweepChanges(undefined, ashaSweep())).toEqual([
      `sweep sw_1 running: asha over base_lr, ${conv}; 3 trials, 2 at once; rungs 100 300`,
      `trial t1 succeeded  rung 2/2  iter 300  accuracy 0.8512  base_lr=0.003123 ${conv}=32`,
      `trial t2 stopped  rung 1/2  iter 100  accuracy 0.61  base_lr=0.08 ${conv}=12`,
      `trial t3 running  rung 1/2  iter 40  base_lr=0.001 ${conv}=45`,
      `best t1: accuracy 0.8512  base_lr=0.003123 ${conv}=32`,
    ]);
  });

  test('later only what moved: a trial that reached a rung, a new best, the end', () => {
    const before = ashaSweep();
    const after = ashaSweep({
      status: 'succeeded',
      trials: [
        before.trials[0]!,
        before.trials[1]!,
        // Iterations alone are no change worth a line; a completed rung is.
        { ...before.trials[2]!, status: 'succeeded', iteration: 100, objective: 0.9, objectives: [0.9] },
      ],
      best: { trialId: 't3', objective: 0.9, parameters: before.trials[2]!.parameters },
    });
    expect(sweepChanges(before, after)).toEqual([
      `trial t3 succeeded  rung 1/2  iter 100  accuracy 0.9  base_lr=0.001 ${conv}=45`,
      `best t3: accuracy 0.9  base_lr=0.001 ${conv}=45`,
      'sweep sw_1 succeeded',
    ]);
    const moved = ashaSweep({ trials: before.trials.map((t) => (t.id === 't3' ? { ...t, iteration: 80 } : t)) });
    expect(sweepChanges(before, moved)).toEqual([]);
  });
});

describe('sweepSummary', () => {
  test("the best trial's objective and parameters, where its model is, and what was trained", () => {
    expect(sweepSummary(ashaSweep())).toEqual([
      'best trial t1: accuracy 0.8512 (maximize) at iteration 300',
      `  base_lr=0.003123 ${conv}=32`,
      '  its model: ecaffe jobs download tj_b',
      'trained 440 iterations of the 900 every trial to the end would take (49 %)',
    ]);
  });

  test('without a best it says no trial reported the objective', () => {
    expect(sweepSummary(ashaSweep({ best: undefined, iterations: undefined }))).toEqual(['no trial reported accuracy']);
  });
});
