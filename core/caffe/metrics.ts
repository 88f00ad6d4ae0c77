/**
 * The time series in a `caffe train` log, for plotting: the smoothed train loss at every display
 * step (with the learning rate Caffe prints beside it) and every test output at every test
 * interval. Built from the same line parser as live progress (log.ts), so the two never disagree.
 */
import { parseCaffeLine, parseGlogTime, testOutputName } from './log';

export interface TrainPoint {
  iteration: number;
  loss: number;
  learningRate?: number;
  /** When Caffe logged it (ISO 8601). */
  at?: string;
}

export interface TestPoint {
  iteration: number;
  /** Each named output of the test net(s), e.g. `accuracy`, `loss`. */
  outputs: Record<string, number>;
  at?: string;
}

export interface CaffeMetrics {
  train: TrainPoint[];
  test: TestPoint[];
}

/** `Iteration 500, Testing net (#0)`: the test outputs that follow belong to iteration 500. */
const TESTING = /\] Iteration (\d+), Testing net \(#(\d+)\)/;

/** Collects metrics from log lines fed in order. */
export class CaffeMetricsCollector {
  private readonly metrics: CaffeMetrics = { train: [], test: [] };
  private testing?: TestPoint;
  private testNet = 0;

  /** @param year the year the log was written in (glog lines carry none). */
  constructor(private readonly year?: number) {}

  feed(line: string): void {
    const testing = TESTING.exec(line);
    if (testing) {
      const iteration = Number(testing[1]);
      this.testNet = Number(testing[2]);
      // Several test nets (one per test_iter) test at the same iteration: one point holds them all.
      if (this.testing?.iteration !== iteration || this.testNet === 0) {
        this.testing = { iteration, outputs: {}, ...this.time(line) };
        this.metrics.test.push(this.testing);
      }
      return;
    }
    const event = parseCaffeLine(line);
    if (event?.type === 'testOutput' && this.testing) {
      this.testing.outputs[testOutputName(event.name, this.testNet)] = event.value;
    } else if (event?.type === 'iteration') {
      // Any other iteration line ends the test block.
      this.testing = undefined;
      const last = this.metrics.train.at(-1);
      if (event.loss !== undefined)
        this.metrics.train.push({ iteration: event.iteration, loss: event.loss, ...this.time(line) });
      else if (event.learningRate !== undefined && last?.iteration === event.iteration)
        last.learningRate = event.learningRate;
    }
  }

  result(): CaffeMetrics {
    return this.metrics;
  }

  private time(line: string): { at?: string } {
    const at = parseGlogTime(line, this.year);
    return at ? { at: at.toISOString() } : {};
  }
}

/** Metrics of a whole log given as lines (streamed or in memory). */
export async function collectMetrics(
  lines: AsyncIterable<string> | Iterable<string>,
  year?: number,
): Promise<CaffeMetrics> {
  const collector = new CaffeMetricsCollector(year);
  for await (const line of lines) collector.feed(line);
  return collector.result();
}
