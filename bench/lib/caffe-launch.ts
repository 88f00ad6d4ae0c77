/**
 * How a Caffe process was started: its command line and the BLAS/OpenMP tuning it saw, read from
 * /proc while it runs. A comparison between two ways of running Caffe (bare `caffe train` against
 * a job through the API) only means something when both started the same binary with the same
 * flags and the same tuning: a held-out run once measured 0.77× where the benchmark said 0.99,
 * because the API's jobs lost the host's OPENBLAS_* settings. So benchmarks record each arm's
 * launch and refuse to report a ratio when they differ.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { tuningEnv } from '../../core/caffe/tuning-env';

export interface CaffeLaunch {
  /** The command line, as /proc/<pid>/cmdline has it (the dynamic loader first when run from a prefix). */
  argv: string[];
  /** The OPENBLAS_* and OMP_* variables of its environment, in name order. */
  tuningEnv: Record<string, string>;
}

/** Whether a command line starts a Caffe binary (directly or through the prefix's loader). */
export function isCaffeCommand(argv: string[]): boolean {
  // The program itself, not a flag's value that happens to name a folder called caffe.
  return argv.some((arg) => !arg.startsWith('-') && /(^|\/)caffe(\.bin)?$/.test(arg));
}

/** The launch of a running process, or undefined when it is gone or not readable. */
export function readLaunch(pid: number): CaffeLaunch | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
    const env: Record<string, string> = {};
    for (const entry of environ) {
      const at = entry.indexOf('=');
      if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1);
    }
    return { argv, tuningEnv: tuningEnv(env) };
  } catch {
    return undefined;
  }
}

/**
 * Flags whose value is a per-run file: only the file's name is compared (each arm writes its
 * solver in its own scratch folder). Every other argument, the prefix's loader and library path
 * included, must be identical.
 */
const perRunFileFlags = new Set(['--solver', '--weights', '--snapshot']);

/** The command line with per-run paths reduced to file names, so two runs of one setup compare equal. */
export function comparableArgv(argv: string[]): string[] {
  return argv.map((arg) => {
    const match = /^(--[\w-]+)=(.*)$/.exec(arg);
    if (!match || !perRunFileFlags.has(match[1]!)) return arg;
    return `${match[1]}=…/${path.basename(match[2]!)}`;
  });
}

/** What differs between two launches, one sentence each; empty when they are comparable. */
export function launchDifferences(a: CaffeLaunch, b: CaffeLaunch, names = ['A', 'B']): string[] {
  const differences: string[] = [];
  const argvA = comparableArgv(a.argv).join(' ');
  const argvB = comparableArgv(b.argv).join(' ');
  if (argvA !== argvB) differences.push(`command lines differ: ${names[0]} \`${argvA}\`, ${names[1]} \`${argvB}\``);
  const variables = [...new Set([...Object.keys(a.tuningEnv), ...Object.keys(b.tuningEnv)])].sort();
  for (const name of variables) {
    const valueA = a.tuningEnv[name];
    const valueB = b.tuningEnv[name];
    if (valueA !== valueB)
      differences.push(
        `${name} differs: ${names[0]} ${valueA === undefined ? 'unset' : `"${valueA}"`}, ` +
          `${names[1]} ${valueB === undefined ? 'unset' : `"${valueB}"`}`,
      );
  }
  return differences;
}
