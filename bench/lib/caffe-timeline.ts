/**
 * The moments of a `caffe train` run that benchmarks care about, read from glog timestamps in its
 * log: when Caffe logged anything, when it reached its first iteration, its training-display
 * lines (`Iteration N (… iter/s, …), loss = …`) and "Optimization Done.".
 *
 * glog prints local time without a year; core/caffe/log.ts reads it as this process's local time,
 * which is right as long as Caffe and the benchmark share a time zone (same machine, same TZ).
 * Times are epoch milliseconds (glog's microseconds are truncated).
 */
import { parseCaffeLine, parseGlogTime } from '../../core/caffe/log';

export interface IterationMark {
  iteration: number;
  at: number;
}

export interface CaffeTimeline {
  /** First glog line: the process is up and logging (libraries loaded, flags parsed). */
  firstLine?: number;
  /**
   * First `Iteration N` line of any kind (with the default test_initialization this is
   * "Iteration 0, Testing net"): net set up, data open.
   */
  firstIteration?: number;
  /** First and last training-display lines (`Iteration N …, loss = X`). */
  firstLoss?: IterationMark;
  lastLoss?: IterationMark;
  /** Last "Optimization Done." line. */
  done?: number;
  lastLine?: number;
  /** Iterations between the first and last training-display lines. */
  iterations?: number;
  /** Caffe's own training rate: `iterations` over the time between those two lines, in iterations per second. */
  throughput?: number;
}

export function caffeTimeline(log: string): CaffeTimeline {
  const t: CaffeTimeline = {};
  for (const line of log.split(/\r?\n/)) {
    const at = parseGlogTime(line)?.getTime();
    if (at === undefined) continue;
    t.firstLine ??= at;
    t.lastLine = at;
    const event = parseCaffeLine(line);
    if (!event) continue;
    if (event.type === 'iteration') {
      t.firstIteration ??= at;
      if (event.loss !== undefined) {
        t.firstLoss ??= { iteration: event.iteration, at };
        t.lastLoss = { iteration: event.iteration, at };
      }
    } else if (event.type === 'done') {
      t.done = at;
    }
  }
  if (t.firstLoss && t.lastLoss && t.lastLoss.at > t.firstLoss.at) {
    t.iterations = t.lastLoss.iteration - t.firstLoss.iteration;
    t.throughput = t.iterations / ((t.lastLoss.at - t.firstLoss.at) / 1000);
  }
  return t;
}
