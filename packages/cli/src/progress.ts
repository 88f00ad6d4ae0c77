/**
 * Live output on a terminal (stderr): progress bars for uploads (bytes, rate, ETA), a one-line
 * status that redraws in place (dataset builds, a running job), with log lines scrolling above it.
 */
import type { TrainingJob } from '@elastic-caffe/sdk';
import { bytes, duration } from './output';

/** One line at the bottom of the terminal, redrawn in place; lines logged scroll above it. */
export class StatusLine {
  private text = '';
  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(text: string): void {
    const width = this.stream.columns || 120;
    this.text = text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text;
    this.stream.write(`\r\x1b[2K${this.text}`);
  }

  log(line: string): void {
    this.stream.write(`\r\x1b[2K${line}\n${this.text}`);
  }

  /** Leaves the last status on its own line. */
  done(): void {
    if (this.text) this.stream.write('\n');
    this.text = '';
  }

  /** Clears the status (before a question or a message). */
  clear(): void {
    if (this.text) this.stream.write('\r\x1b[2K');
    this.text = '';
  }
}

const number = (value: number | null | undefined, digits = 4) =>
  value === undefined || value === null ? '–' : Number(value.toPrecision(digits)).toString();

/** `running  iter 450/1000  loss 0.28  lr 0.0097  test accuracy 0.82 loss 0.49  31.8 it/s  ETA 17s  attempt 1`. */
export function jobStatus(job: TrainingJob): string {
  const p = job.progress;
  const parts = [job.status.padEnd(9), `iter ${p.iteration}/${p.maxIterations}`];
  if (p.loss !== undefined) parts.push(`loss ${number(p.loss)}`);
  if (p.learningRate !== undefined) parts.push(`lr ${number(p.learningRate, 3)}`);
  const tests = Object.entries(p.testOutputs);
  if (tests.length) parts.push(`test ${tests.map(([name, value]) => `${name} ${number(value)}`).join(' ')}`);
  if (p.iterationsPerSecond !== undefined) parts.push(`${number(p.iterationsPerSecond, 3)} it/s`);
  if (p.etaSeconds !== undefined && job.status === 'running') parts.push(`ETA ${duration(p.etaSeconds)}`);
  if (job.attempts > 1) parts.push(`attempt ${job.attempts}`);
  if (job.resumes?.length)
    parts.push(`resumed ×${job.resumes.length} (last from iter ${job.resumes.at(-1)!.iteration})`);
  if (job.error) parts.push(`— ${job.error}`);
  return parts.join('  ');
}

type BarsModule = typeof import('cli-progress');

/** Upload bars, one per file being sent (cli-progress), on stderr. */
export class UploadBars {
  private readonly multi: InstanceType<BarsModule['MultiBar']>;
  private readonly bars = new Map<string, ReturnType<InstanceType<BarsModule['MultiBar']>['create']>>();
  private readonly started = new Map<string, { at: number; from: number }>();

  constructor(stream: NodeJS.WriteStream) {
    const progress = require('cli-progress') as BarsModule;
    this.multi = new progress.MultiBar(
      {
        stream,
        format: '{label} [{bar}] {percentage}% {sent}/{size} {rate}/s ETA {eta_formatted}',
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        etaBuffer: 50,
        fps: 8,
      },
      progress.Presets.shades_classic,
    );
  }

  update(label: string, sent: number, total: number): void {
    let bar = this.bars.get(label);
    if (!bar) {
      bar = this.multi.create(total, sent, { label, sent: bytes(sent), size: bytes(total), rate: '–' });
      this.bars.set(label, bar);
      this.started.set(label, { at: Date.now(), from: sent });
    }
    const start = this.started.get(label)!;
    const seconds = (Date.now() - start.at) / 1000;
    const rate = seconds > 0.2 ? bytes((sent - start.from) / seconds) : '–';
    bar.update(sent, { label, sent: bytes(sent), size: bytes(total), rate });
  }

  stop(): void {
    this.multi.stop();
  }
}

/** A block of lines on the terminal (the sweep leaderboard), redrawn in place over its last drawing. */
export class LiveBlock {
  private drawn = 0;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** Room for a drawing: one line less than the terminal, so the block never scrolls itself away. */
  get size(): { width: number; height: number } {
    return { width: this.stream.columns || 120, height: Math.max(5, (this.stream.rows || 40) - 1) };
  }

  update(lines: string[]): void {
    const { width } = this.size;
    const cut = lines.map((l) => (l.length > width - 1 ? `${l.slice(0, width - 2)}…` : l));
    // Up to the block's first line (ESC [ n F), clear to the end of the screen (ESC [ J), draw again.
    const up = this.drawn ? `\x1b[${this.drawn}F` : '';
    this.stream.write(`${up}\x1b[J${cut.join('\n')}\n`);
    this.drawn = cut.length;
  }
}
