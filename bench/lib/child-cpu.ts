/**
 * A command run to its end with the CPU time it and this process used meanwhile, so a comparison
 * of two clients survives a busy machine: wall time depends on what else runs, CPU time much less.
 * The child's user and system time come from GNU time (`/usr/bin/time -o FILE -f '%U %S'`; without
 * it they are missing); this process's (the local cloud's, in a benchmark) from `process.cpuUsage()`, with
 * its helper processes' (the local S3 and SQS) from /proc/PID/stat; the rest of the machine's from /proc/stat.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { cpuTimes, processesCpuSeconds } from './machine';

const run = promisify(execFile);
const gnuTime = '/usr/bin/time';

export interface TimedRun {
  seconds: number;
  stdout: string;
  /** The command's own user + system CPU seconds (its children included), if GNU time is there. */
  childCpuSeconds?: number;
  /** CPU seconds of this process (all its threads) and of the `helpers` processes during the run. */
  ownCpuSeconds: number;
  /** Cores' worth of CPU used by everything else on the machine during the run, if /proc/stat is there. */
  othersCores?: number;
  /** The 1-minute load average when the run started. */
  loadAverage: number;
}

/**
 * Runs `command` (it must exit 0) from `cwd`, timing it and counting CPU as above; `helpers` are processes
 * counted with this one (the local cloud's own: `LocalCloud.processIds`).
 */
export async function timedWithCpu(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  helpers: number[] = [],
) {
  const measureChild = existsSync(gnuTime);
  const dir = measureChild ? await mkdtemp(path.join(os.tmpdir(), 'bench-cpu-')) : undefined;
  const timeFile = dir && path.join(dir, 'time');
  const [file, argv] = timeFile ? [gnuTime, ['-o', timeFile, '-f', '%U %S', command, ...args]] : [command, args];
  const loadAverage = os.loadavg()[0]!;
  const machineBefore = cpuTimes();
  const ownBefore = process.cpuUsage();
  const helpersBefore = processesCpuSeconds(helpers);
  const started = process.hrtime.bigint();
  try {
    const { stdout } = await run(file, argv, { env: { ...process.env, ...env }, cwd, maxBuffer: 64 * 1024 * 1024 });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const own = process.cpuUsage(ownBefore);
    const machineAfter = cpuTimes();
    const ownCpuSeconds = (own.user + own.system) / 1e6 + processesCpuSeconds(helpers) - helpersBefore;
    const result: TimedRun = { seconds, stdout, ownCpuSeconds, loadAverage };
    if (timeFile) {
      const [user, system] = (await readFile(timeFile, 'utf8')).trim().split('\n').at(-1)!.split(' ').map(Number);
      result.childCpuSeconds = user! + system!;
    }
    if (machineBefore && machineAfter && machineAfter.total > machineBefore.total) {
      const ticksPerSecond = (machineAfter.total - machineBefore.total) / os.cpus().length / seconds;
      const busySeconds = (machineAfter.busy - machineBefore.busy) / ticksPerSecond;
      const ours = result.ownCpuSeconds + (result.childCpuSeconds ?? 0);
      result.othersCores = Math.max(0, (busySeconds - ours) / seconds);
    }
    return result;
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}
