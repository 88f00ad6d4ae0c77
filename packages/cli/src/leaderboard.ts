/**
 * A sweep as people read it: the leaderboard (one row per trial, best first, the best marked), the
 * lines that say what changed between two polls (for logs and pipes), and the closing summary.
 * Pure functions of the Sweep view, so they are tested without a terminal (follow-sweep.ts draws them).
 */
import type { Sweep } from '@elastic-caffe/sdk';
import { duration, table } from './output';

/** What compute cost, as the sweep, its trials and its savings carry it. */
export interface Usage {
  billableSeconds: number;
  estimatedCost?: Cost;
}
export interface Cost {
  amount: number;
  currency: string;
}
export type SweepView = Sweep;
export type Trial = Sweep['trials'][number];

export const isSweepFinal = (sweep: { status: string }): boolean => sweep.status !== 'running';

const number = (value: number | null | undefined): string =>
  value === undefined || value === null ? '–' : String(Number(value.toPrecision(4)));

const parameterValue = (value: number | string | boolean): string =>
  typeof value === 'number' ? number(value) : String(value);

export const money = (cost: Cost | undefined): string => {
  if (!cost) return '';
  const amount =
    cost.amount >= 1 || cost.amount === 0 ? cost.amount.toFixed(2) : String(Number(cost.amount.toPrecision(2)));
  return cost.currency === 'USD' ? `$${amount}` : `${amount} ${cost.currency}`;
};

const usageText = (usage: Usage | undefined): string =>
  usage ? [duration(usage.billableSeconds), money(usage.estimatedCost)].filter(Boolean).join(' ') : '';

/** `layer[conv1].convolution_param.num_output` → `conv1.num_output`; solver fields as they are. */
function shortName(name: string): string {
  const layer = /^layer\[([^\]]+)\]\..*?([^.]+)$/.exec(name);
  return layer ? `${layer[1]}.${layer[2]}` : name;
}

/** Column headers for the parameters: short, unless two would read the same. */
function parameterHeaders(names: string[]): string[] {
  const short = names.map(shortName);
  return new Set(short).size === short.length ? short : names;
}

export const parametersText = (parameters: Record<string, number | string | boolean>): string =>
  Object.entries(parameters)
    .map(([name, value]) => `${name}=${parameterValue(value)}`)
    .join(' ');

const statusOrder = ['running', 'waiting', 'pending', 'succeeded', 'stopped', 'failed', 'cancelled'];

/** Trials best first: those with an objective by it (the sweep's goal), then the rest by status, then as drawn. */
export function rankTrials(sweep: SweepView): Trial[] {
  const sign = sweep.objective.goal === 'maximize' ? -1 : 1;
  const drawn = new Map(sweep.trials.map((t, i) => [t.id, i]));
  return [...sweep.trials].sort((a, b) => {
    const scoredA = a.objective !== null;
    const scoredB = b.objective !== null;
    if (scoredA !== scoredB) return scoredA ? -1 : 1;
    if (scoredA && scoredB && a.objective !== b.objective) return sign * (a.objective! - b.objective!);
    if (!scoredA && a.status !== b.status) return statusOrder.indexOf(a.status) - statusOrder.indexOf(b.status);
    return drawn.get(a.id)! - drawn.get(b.id)!;
  });
}

/** `asha running · objective accuracy (maximize) · rungs 100 300 900 · trials 3/9 ended, 2 running`. */
function headline(sweep: SweepView, elapsedSeconds?: number): string {
  const ended = sweep.trials.filter((t) => !['pending', 'running', 'waiting'].includes(t.status)).length;
  const running = sweep.trials.filter((t) => t.status === 'running').length;
  return [
    `sweep ${sweep.id}${sweep.name ? ` "${sweep.name}"` : ''} ${sweep.strategy} ${sweep.status}`,
    `objective ${sweep.objective.output} (${sweep.objective.goal})`,
    ...(sweep.rungs.length > 1 ? [`rungs ${sweep.rungs.join(' ')}`] : [`${sweep.rungs[0] ?? '?'} iterations`]),
    `trials ${ended}/${sweep.trials.length} ended${running ? `, ${running} running` : ''}`,
    ...(elapsedSeconds !== undefined ? [duration(elapsedSeconds)] : []),
  ].join(' · ');
}

/** `trained 1200 iterations of the 27000 … (4 %) · billed 4m02s $0.05 · saved …`, from what the sweep carries. */
export function spending(sweep: SweepView): string {
  const parts: string[] = [];
  if (sweep.iterations) {
    const { trained, everyTrialToTheEnd } = sweep.iterations;
    const share = everyTrialToTheEnd > 0 ? ` (${Math.round((100 * trained) / everyTrialToTheEnd)} %)` : '';
    parts.push(`trained ${trained} iterations of the ${everyTrialToTheEnd} every trial to the end would take${share}`);
  }
  if (sweep.usage) parts.push(`billed ${usageText(sweep.usage)}`);
  // Nothing saved (a grid run to its end) says nothing.
  if (sweep.saved?.iterations) {
    const { iterations, billableSeconds, estimatedCost } = sweep.saved;
    const saved = usageText({ billableSeconds, ...(estimatedCost ? { estimatedCost } : {}) });
    parts.push(`saved ${iterations} iterations, ${saved}`);
  }
  return parts.join(' · ');
}

export interface LeaderboardOptions {
  /** Terminal columns: longer lines are cut (a wrapped line would break redrawing in place). */
  width?: number;
  /** Most lines in all; trials beyond them are counted in a last line. */
  maxLines?: number;
  /** Shown in the headline while following. */
  elapsedSeconds?: number;
}

/** The leaderboard: a headline, a table of trials best first (`*` marks the sweep's best), and the spending. */
export function leaderboard(sweep: SweepView, options: LeaderboardOptions = {}): string[] {
  const names = Object.keys(sweep.parameters);
  const multiRung = sweep.rungs.length > 1;
  const billed = sweep.trials.some((t) => t.usage);
  const headers = [
    '',
    'TRIAL',
    ...parameterHeaders(names),
    'STATUS',
    ...(multiRung ? ['RUNG'] : []),
    'ITER',
    sweep.objective.output.toUpperCase(),
    ...(billed ? ['BILLED'] : []),
  ];
  const ranked = rankTrials(sweep);
  const footer = [
    ...(sweep.best
      ? [
          `best ${sweep.best.trialId}: ${sweep.objective.output} ${number(sweep.best.objective)}  ` +
            parametersText(sweep.best.parameters),
        ]
      : []),
    ...(spending(sweep) ? [spending(sweep)] : []),
    ...(sweep.error ? [`error: ${sweep.error}`] : []),
  ];
  // Headline, table header and footer are always shown; the trials get what is left.
  const room = options.maxLines !== undefined ? Math.max(1, options.maxLines - 2 - footer.length) : ranked.length;
  const shown = ranked.length > room ? ranked.slice(0, room - 1) : ranked;
  const rows = shown.map((t) => [
    // A blank marker keeps the column when there is no best yet, so rows do not shift once there is.
    t.id === sweep.best?.trialId ? '*' : ' ',
    t.id,
    ...names.map((n) => (t.parameters[n] === undefined ? '' : parameterValue(t.parameters[n]!))),
    t.status + (t.error ? ` (${t.error})` : ''),
    ...(multiRung ? [`${t.rung + 1}/${sweep.rungs.length}`] : []),
    String(t.iteration),
    t.objectives.length ? number(t.objective) : '',
    ...(billed ? [usageText(t.usage)] : []),
  ]);
  const lines = [
    headline(sweep, options.elapsedSeconds),
    ...table(headers, rows).split('\n'),
    ...(shown.length < ranked.length ? [`… ${ranked.length - shown.length} more trials`] : []),
    ...footer,
  ];
  const width = options.width;
  return width ? lines.map((l) => (l.length > width - 1 ? `${l.slice(0, width - 2)}…` : l)) : lines;
}

const trialLine = (sweep: SweepView, t: Trial): string =>
  [
    `trial ${t.id} ${t.status}`,
    ...(sweep.rungs.length > 1 ? [`rung ${t.rung + 1}/${sweep.rungs.length}`] : []),
    `iter ${t.iteration}`,
    ...(t.objectives.length ? [`${sweep.objective.output} ${number(t.objective)}`] : []),
    ...(t.usage ? [`billed ${usageText(t.usage)}`] : []),
    parametersText(t.parameters),
    ...(t.error ? [`— ${t.error}`] : []),
  ].join('  ');

/**
 * What changed from `before` to `after`, a line each (no terminal needed): the sweep's start and
 * end, each trial whose status, rung or objective moved, and a new best.
 */
export function sweepChanges(before: SweepView | undefined, after: SweepView): string[] {
  const lines: string[] = [];
  if (!before)
    lines.push(
      `sweep ${after.id} ${after.status}: ${after.strategy} over ${Object.keys(after.parameters).join(', ')}; ` +
        `${after.trials.length} trials, ${after.maxParallel} at once; ` +
        `${after.rungs.length > 1 ? `rungs ${after.rungs.join(' ')}` : `${after.rungs[0]} iterations`}`,
    );
  const previous = new Map(before?.trials.map((t) => [t.id, t]));
  for (const trial of after.trials) {
    const was = previous.get(trial.id);
    if (
      !was ||
      was.status !== trial.status ||
      was.rung !== trial.rung ||
      was.objectives.length !== trial.objectives.length ||
      was.objective !== trial.objective
    )
      lines.push(trialLine(after, trial));
  }
  if (after.best && (after.best.trialId !== before?.best?.trialId || after.best.objective !== before.best.objective))
    lines.push(
      `best ${after.best.trialId}: ${after.objective.output} ${number(after.best.objective)}  ` +
        parametersText(after.best.parameters),
    );
  if (before && before.status !== after.status)
    lines.push(`sweep ${after.id} ${after.status}${after.error ? `: ${after.error}` : ''}`);
  return lines;
}

/** The closing lines: the best trial's parameters and objective, and what the sweep trained and spent. */
export function sweepSummary(sweep: SweepView): string[] {
  const { output, goal } = sweep.objective;
  const lines: string[] = [];
  if (sweep.best) {
    const trial = sweep.trials.find((t) => t.id === sweep.best!.trialId);
    lines.push(
      `best trial ${sweep.best.trialId}: ${output} ${number(sweep.best.objective)} (${goal})` +
        (trial ? ` at iteration ${trial.iteration}` : ''),
      `  ${parametersText(sweep.best.parameters)}`,
    );
    if (trial?.jobIds.length) lines.push(`  its model: ecaffe jobs download ${trial.jobIds.at(-1)}`);
  } else lines.push(`no trial reported ${output}`);
  const spent = spending(sweep);
  if (spent) lines.push(spent);
  return lines;
}
