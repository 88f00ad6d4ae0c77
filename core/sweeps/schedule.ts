/**
 * What a sweep does next, decided from its trials alone (pure). Grid and random sweeps are the
 * one-rung case: every trial trains once to the solver's max_iter. ASHA (asynchronous successive
 * halving, Li et al. 2020) trains trials to rungs minIterations·η^k (the last rung the solver's
 * max_iter); whenever a place is free, the highest rung's best waiting trial that ranks in the top
 * 1/η of the trials that reached that rung is promoted (it continues from its own snapshot),
 * otherwise a new trial starts. Once nothing runs and nothing can start or be promoted, the
 * waiting trials stop and the sweep is done.
 */

export type Goal = 'maximize' | 'minimize';

/** pending: not started; running: a job trains it; waiting: its rung is done, awaiting promotion. */
export type TrialStatus = 'pending' | 'running' | 'waiting' | 'succeeded' | 'stopped' | 'failed' | 'cancelled';

/** What the decisions read of a trial. */
export interface TrialState {
  id: string;
  status: TrialStatus;
  /** The rung (index) its last job trains to. */
  rung: number;
  /** The objective at the end of each rung it completed (null: the job reported none). */
  objectives: Array<number | null>;
}

export interface SchedulePlan {
  rungs: number[];
  reductionFactor: number;
  goal: Goal;
  maxParallel: number;
}

export type Decision = { kind: 'start'; trialId: string } | { kind: 'promote'; trialId: string; rung: number };

export interface Step {
  decisions: Decision[];
  /** Waiting trials that will never be promoted (the sweep is done). */
  stop: string[];
  done: boolean;
}

/** The rungs' iterations: minIterations·η^k below max_iter, then max_iter itself. */
export function rungsOf(minIterations: number, reductionFactor: number, maxIter: number): number[] {
  const rungs: number[] = [];
  for (let at = minIterations; at < maxIter; at *= reductionFactor) rungs.push(Math.round(at));
  return [...rungs, maxIter];
}

/** Better first; trials without an objective last. */
function ranked(trials: TrialState[], rung: number, goal: Goal): TrialState[] {
  const score = (t: TrialState) => t.objectives[rung] ?? null;
  return [...trials].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    if (sa === null || sb === null) return sa === null ? (sb === null ? 0 : 1) : -1;
    return goal === 'maximize' ? sb - sa : sa - sb;
  });
}

/** A waiting trial that may go on to the next rung, highest rung first, or undefined. */
function promotable(trials: TrialState[], plan: SchedulePlan): TrialState | undefined {
  for (let rung = plan.rungs.length - 2; rung >= 0; rung--) {
    const reached = trials.filter((t) => t.objectives.length > rung);
    const top = ranked(reached, rung, plan.goal).slice(0, Math.floor(reached.length / plan.reductionFactor));
    const found = top.find((t) => t.status === 'waiting' && t.rung === rung && t.objectives[rung] !== null);
    if (found) return found;
  }
  return undefined;
}

/** The next step: which trials start or are promoted into the free places, and whether the sweep is done. */
export function nextStep(trials: TrialState[], plan: SchedulePlan): Step {
  const state = trials.map((t) => ({ ...t, objectives: [...t.objectives] }));
  const decisions: Decision[] = [];
  let free = plan.maxParallel - state.filter((t) => t.status === 'running').length;
  while (free > 0) {
    const promote = promotable(state, plan);
    const next = promote ?? state.find((t) => t.status === 'pending');
    if (!next) break;
    if (promote) {
      promote.rung += 1;
      decisions.push({ kind: 'promote', trialId: promote.id, rung: promote.rung });
    } else decisions.push({ kind: 'start', trialId: next.id });
    next.status = 'running';
    free--;
  }
  const done = !state.some((t) => t.status === 'running' || t.status === 'pending');
  return { decisions, stop: done ? state.filter((t) => t.status === 'waiting').map((t) => t.id) : [], done };
}

/** A trial's objective at the latest rung that reported one (null: none did). */
export function latestObjective(trial: Pick<TrialState, 'objectives'>): number | null {
  for (let r = trial.objectives.length - 1; r >= 0; r--) if (trial.objectives[r] !== null) return trial.objectives[r]!;
  return null;
}

/** The best trial so far by its latest objective (a later rung beats an earlier one at an equal score). */
export function bestTrial<T extends TrialState>(trials: T[], goal: Goal): T | undefined {
  const scored = trials.filter((t) => latestObjective(t) !== null);
  return [...scored].sort((a, b) => {
    const diff =
      goal === 'maximize' ? latestObjective(b)! - latestObjective(a)! : latestObjective(a)! - latestObjective(b)!;
    return diff || b.objectives.length - a.objectives.length;
  })[0];
}
