/**
 * A sweep as its page shows it: the leaderboard's rows, each trial's curves across its jobs (a
 * trial's later jobs resume the one before at a rung, so their metrics continue the same curve),
 * which jobs' metrics still need reading while the sweep runs, and the usage and cost it reports.
 * Plain functions, unit-tested without a browser.
 */
import type { Sweep, TrainingJobMetrics } from '@elastic-caffe/sdk';
import type { ChartSeries } from './contracts';

/** What the sweep and each trial used (summed over their jobs), and what stopping trials early saved. */
export type Usage = NonNullable<Sweep['usage']>;
export type Saved = NonNullable<Sweep['saved']>;
export type Trial = Sweep['trials'][number];
export type SweepView = Sweep;

const finalTrial = new Set(['succeeded', 'stopped', 'failed', 'cancelled']);
/** True once the trial trains no more (its jobs all ended). */
export const trialEnded = (trial: Pick<Trial, 'status'>): boolean => finalTrial.has(trial.status);

/** A trial's name on the page and in the charts' legends: its place in the sweep, from 1. */
export const trialName = (sweep: Pick<SweepView, 'trials'>, trialId: string): string =>
  `Trial ${sweep.trials.findIndex((t) => t.id === trialId) + 1}`;

/** `base_lr 0.01, momentum 0.9`: a trial's point in the search space. */
export const formatParameters = (parameters: Record<string, number | string | boolean>): string =>
  Object.entries(parameters)
    .map(([name, value]) => `${name} ${typeof value === 'number' ? formatNumber(value) : String(value)}`)
    .join(', ');

/** Short but exact enough to tell 0.0005 from 0.005. */
export const formatNumber = (value: number): string =>
  Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();

export interface LeaderboardRow {
  trial: Trial;
  name: string;
  /** 1 for the best objective; trials without an objective yet have none. */
  rank?: number;
  best: boolean;
  /** The rung the trial's last job trains to, from 1, and how many rungs there are. */
  rung: { at: number; of: number };
}

/**
 * The trials best first (by the objective and its goal); trials without an objective follow in the
 * sweep's order. The best is the one the API names (`best.trialId`).
 */
export function leaderboard(sweep: SweepView): LeaderboardRow[] {
  const sign = sweep.objective.goal === 'maximize' ? -1 : 1;
  const order = sweep.trials.map((trial, index) => ({ trial, index }));
  order.sort((a, b) => {
    const x = a.trial.objective;
    const y = b.trial.objective;
    if (x === null && y === null) return a.index - b.index;
    if (x === null) return 1;
    if (y === null) return -1;
    return sign * (x - y) || a.index - b.index;
  });
  let rank = 0;
  return order.map(({ trial, index }) => ({
    trial,
    name: `Trial ${index + 1}`,
    ...(trial.objective !== null ? { rank: ++rank } : {}),
    best: sweep.best?.trialId === trial.id,
    rung: { at: trial.rung + 1, of: sweep.rungs.length },
  }));
}

/** Each trial's metrics as the API answers them: one curve across the trial's jobs (GET …/trials/{trialId}). */
export type MetricsByTrial = ReadonlyMap<string, TrainingJobMetrics>;

/** Each trial's loss and objective-output curves, one series per trial, for overlaid charts. */
export function trialCurves(
  sweep: SweepView,
  metrics: MetricsByTrial,
): { loss: ChartSeries[]; objective: ChartSeries[] } {
  const output = sweep.objective.output;
  const loss: ChartSeries[] = [];
  const objective: ChartSeries[] = [];
  sweep.trials.forEach((trial, index) => {
    const m = metrics.get(trial.id);
    const label = `Trial ${index + 1} (${formatParameters(trial.parameters)})`;
    loss.push({ label, points: (m?.train ?? []).map((t) => [t.iteration, t.loss] as const) });
    objective.push({
      label,
      points: (m?.test ?? [])
        .filter((t) => output in t.outputs)
        .map((t) => [t.iteration, t.outputs[output] ?? null] as const),
    });
  });
  return { loss, objective };
}

/**
 * The trials whose curves to read now: every one that has a job, until it has been read after it
 * ended (then its curve no longer changes: `settled`).
 */
export const trialsToRead = (sweep: SweepView, settled: ReadonlySet<string>): string[] =>
  sweep.trials.filter((t) => t.jobIds.length > 0 && !settled.has(t.id)).map((t) => t.id);

/** `€1.23` in the reader's locale, or `1.23 XYZ` for a currency the browser does not know. */
export function formatCost(cost: { amount: number; currency: string } | undefined): string | undefined {
  if (!cost) return undefined;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: cost.currency }).format(cost.amount);
  } catch {
    return `${cost.amount.toFixed(2)} ${cost.currency}`;
  }
}
