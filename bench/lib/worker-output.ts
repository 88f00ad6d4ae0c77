/**
 * Lines the worker printed, with their arrival times: the local cloud (started with `echoWorkers`)
 * echoes them as `[worker <Batch job id prefix>] line` through console.log, which this captures.
 */
import { EventEmitter } from 'node:events';

export interface WorkerLine {
  at: number;
  job: string;
  line: string;
}

export class WorkerOutput extends EventEmitter {
  readonly lines: WorkerLine[] = [];
  private original = console.log;

  /** Starts capturing; with `verbose` the lines are still printed. */
  capture(verbose: boolean): void {
    const original = this.original;
    console.log = (...args: unknown[]) => {
      const first = args[0];
      const m = typeof first === 'string' ? /^\[worker ([0-9a-f]{8})\] (.*)$/s.exec(first) : null;
      if (m) {
        const entry = { at: Date.now(), job: m[1]!, line: m[2]! };
        this.lines.push(entry);
        this.emit('line', entry);
        if (!verbose) return;
      }
      original.apply(console, args);
    };
  }

  release(): void {
    console.log = this.original;
  }

  /** Every line of one Batch job, in arrival order. */
  of(batchJobId: string): WorkerLine[] {
    return this.lines.filter((l) => batchJobId.startsWith(l.job));
  }

  /** When a Batch job's worker printed a line matching `pattern` (first match). */
  timeOf(batchJobId: string, pattern: RegExp): number | undefined {
    return this.of(batchJobId).find((l) => pattern.test(l.line))?.at;
  }
}
