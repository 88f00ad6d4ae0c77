/**
 * What a benchmark ran on, recorded next to its numbers: the same figures mean little without
 * the CPU, the core count and how busy the machine was.
 */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';

export interface MachineInfo {
  hostname: string;
  platform: string;
  kernel: string;
  cpuModel: string;
  nproc: number;
  memoryGiB: number;
  node: string;
  timeZone: string;
  date: string;
  loadAverage: number[];
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // not Linux: fall back to what Node knows
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(): MachineInfo {
  return {
    hostname: os.hostname(),
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    cpuModel: cpuModel(),
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    date: new Date().toISOString(),
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Cumulative CPU time of the whole machine from /proc/stat (clock ticks); undefined off Linux. */
export interface CpuTimes {
  busy: number;
  idle: number;
  steal: number;
  total: number;
}

export function cpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const busy = user + nice + system + irq + softirq;
    return { busy, idle: idle + iowait, steal, total: busy + idle + iowait + steal };
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc times (USER_HZ; 100 on every Linux Node supports). */
export const TICKS_PER_SECOND = 100;

/** utime, stime, cutime, cstime of a process, in clock ticks, from /proc/PID/stat. */
function statTicks(pid: number | 'self'): number[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses start at field 3 (state); 14–17 are the times.
    const rest = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return rest.slice(11, 15);
  } catch {
    return undefined;
  }
}

const sum = (ticks: number[]) => ticks.reduce((total, t) => total + t, 0);

/**
 * CPU time of this process and of every child it has reaped (and their reaped children), in clock
 * ticks, from /proc/self/stat (utime + stime + cutime + cstime). Children still running are not in it.
 */
export function ownTicks(): number | undefined {
  const ticks = statTicks('self');
  return ticks && sum(ticks);
}

/** utime + stime of a running process so far, in clock ticks; undefined once it is gone. */
export function cpuTicks(pid: number): number | undefined {
  const ticks = statTicks(pid);
  return ticks && sum(ticks.slice(0, 2));
}

/** User + system CPU seconds of running processes so far (0 for one that is gone). */
export const processesCpuSeconds = (pids: number[]): number =>
  pids.reduce((total, pid) => total + (cpuTicks(pid) ?? 0) / TICKS_PER_SECOND, 0);

export interface CpuReading {
  machine?: CpuTimes;
  own?: number;
}

export const cpuReading = (): CpuReading => ({ machine: cpuTimes(), own: ownTicks() });

export interface CpuUsage {
  /** Fraction of all cores' time that was busy. */
  busy: number;
  /** Fraction stolen by the hypervisor. */
  steal: number;
  /**
   * Cores' worth of CPU used by everything that is not this process or a child it reaped in the
   * meantime: other people's work on the machine (plus the local SQS emulator, a long-lived child).
   */
  othersCores?: number;
}

/** How busy the machine was between two readings (taken around a run whose processes have all been reaped). */
export function cpuUsage(before: CpuReading, after: CpuReading, cores: number): CpuUsage | undefined {
  const b = before.machine;
  const a = after.machine;
  if (!b || !a) return undefined;
  const total = a.total - b.total;
  if (total <= 0) return undefined;
  const usage: CpuUsage = { busy: (a.busy - b.busy) / total, steal: (a.steal - b.steal) / total };
  if (before.own !== undefined && after.own !== undefined) {
    usage.othersCores = Math.max(0, ((a.busy - b.busy - (after.own - before.own)) / total) * cores);
  }
  return usage;
}
