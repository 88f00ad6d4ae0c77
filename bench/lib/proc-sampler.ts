/**
 * Samples the CPU time of this process and its descendants (and of the whole machine) from /proc,
 * so a benchmark can say who used the cores during a window: Caffe, the worker around it, the
 * local cloud in this process, or other work on the machine. Linux only; elsewhere it records
 * nothing. Reading a handful of /proc files once a second costs well under a millisecond.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuTicks, cpuTimes, TICKS_PER_SECOND, type CpuTimes } from './machine';

interface Sample {
  at: number;
  machine?: CpuTimes;
  /** pid → cumulative utime + stime ticks. */
  ticks: Map<number, number>;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const task of tasks) {
    for (const child of (read(`/proc/${pid}/task/${task}/children`) ?? '').trim().split(/\s+/))
      if (child) children.push(Number(child));
  }
  return children;
}

/** The local cloud's own processes by command line: its S3 and SQS stand-ins and the Batch worker. */
export function localCloudKind(cmdline: string[]): 's3' | 'sqs' | 'worker' | undefined {
  const line = cmdline.join(' ');
  if (line.includes('s3-server.ts')) return 's3';
  if (line.includes('sqs-server.mjs')) return 'sqs';
  if (line.includes('worker.js')) return 'worker';
  return undefined;
}

export interface WindowUsage {
  /** Length of the window actually covered by samples. */
  seconds: number;
  /** Cores' worth of CPU per kind of process (sum over processes of that kind). */
  cores: Record<string, number>;
  /** Cores used by everything else on the machine (busy time minus the process tree's). */
  othersCores?: number;
}

export class ProcessTreeSampler {
  private readonly samples: Sample[] = [];
  private readonly kinds = new Map<number, string>();
  private readonly cmdlines = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;

  /** `classify` names a process by its command line (called again when it changes); the root is `self`. */
  constructor(
    private readonly classify: (cmdline: string[], pid: number) => string,
    private readonly root = process.pid,
  ) {}

  start(intervalMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  sample(): void {
    const ticks = new Map<number, number>();
    const pending = [this.root];
    while (pending.length) {
      const pid = pending.pop()!;
      const t = cpuTicks(pid);
      if (t === undefined) continue;
      ticks.set(pid, t);
      // Classified again when its command line changes: a child seen between fork and exec still
      // shows its parent's command line (a worker's Caffe would otherwise count as the worker).
      const cmdline = read(`/proc/${pid}/cmdline`) ?? '';
      if (this.cmdlines.get(pid) !== cmdline) {
        this.cmdlines.set(pid, cmdline);
        this.kinds.set(pid, pid === this.root ? 'self' : this.classify(cmdline.split('\0').filter(Boolean), pid));
      }
      pending.push(...childrenOf(pid));
    }
    this.samples.push({ at: Date.now(), machine: cpuTimes(), ticks });
  }

  /**
   * CPU use between the first sample at or after `from` and the last at or before `to`. A process
   * that exits inside the window loses its time since the sample before (at most one interval).
   */
  usage(from: number, to: number, cores: number): WindowUsage | undefined {
    const inside = this.samples.filter((s) => s.at >= from && s.at <= to);
    const first = inside[0];
    const last = inside.at(-1);
    if (!first || !last || last.at - first.at < 1000) return undefined;
    const seconds = (last.at - first.at) / 1000;
    // Each process's last reading inside the window; processes born inside it start from 0.
    const lastTicks = new Map<number, number>();
    for (const s of inside) for (const [pid, t] of s.ticks) lastTicks.set(pid, t);
    const byKind: Record<string, number> = {};
    let ours = 0;
    for (const [pid, t] of lastTicks) {
      const used = t - (first.ticks.get(pid) ?? 0);
      const kind = this.kinds.get(pid) ?? 'unknown';
      byKind[kind] = (byKind[kind] ?? 0) + used;
      ours += used;
    }
    const result: WindowUsage = {
      seconds,
      cores: Object.fromEntries(Object.entries(byKind).map(([k, t]) => [k, t / TICKS_PER_SECOND / seconds])),
    };
    if (first.machine && last.machine) {
      const total = last.machine.total - first.machine.total;
      const busy = last.machine.busy - first.machine.busy;
      if (total > 0) result.othersCores = Math.max(0, ((busy - ours) / total) * cores);
    }
    return result;
  }
}
