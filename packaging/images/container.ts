/**
 * One container's life under buildah, as a container runtime gives it to a task (the local Batch
 * emulator's image runner, local/batch/image-runner.ts) or to a function (the Lambda-like runner,
 * local/lambda-container.ts): a fresh container from the image, its environment set, its main
 * process started with `buildah run --isolation chroot --network host` (the emulators listen on
 * 127.0.0.1), and nothing left behind — even when the process that started it is SIGKILLed.
 *
 * buildah answers any signal by SIGKILLing what it runs, so the container runs in a process group
 * of its own; a stop signal goes to its main process only (mainProcessOf), as `docker stop` sends it
 * to PID 1.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { run } from './buildah';

/** The parts of an image's config a runtime reads. */
export interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
}

/** The image's id and config (`buildah inspect`). */
export async function inspectImage(image: string): Promise<{ id: string; config: ImageConfig }> {
  const inspected = JSON.parse(await run('buildah', ['inspect', '--type', 'image', image])) as {
    FromImageID: string;
    OCIv1: { config?: ImageConfig };
  };
  return { id: inspected.FromImageID, config: inspected.OCIv1.config ?? {} };
}

/**
 * A fresh container `name` from `image` with `env` added to the image's ENV (`buildah config --env`,
 * so values stay out of `ps` listings). A leftover of the same name (a runner killed with its
 * container) is removed first; on failure nothing is left.
 */
export async function createContainer(image: string, name: string, env: Record<string, string>): Promise<void> {
  await removeContainer(name);
  try {
    await run('buildah', ['from', '--pull=never', '--name', name, image]);
    const entries = Object.entries(env);
    if (entries.length > 0)
      await run('buildah', ['config', ...entries.flatMap(([key, value]) => ['--env', `${key}=${value}`]), name]);
  } catch (error) {
    await removeContainer(name);
    throw error;
  }
}

export async function removeContainer(name: string): Promise<void> {
  await run('buildah', ['rm', name]).catch(() => undefined);
}

export interface StartOptions {
  /** Extra `buildah run` options (user, mounts), before the container's name. */
  runOptions?: string[];
  /** The main process's stdio (stdin is always ignored). */
  stdio?: StdioOptions;
}

export interface RunningContainer {
  /** The `buildah run` process; its pid is the container's process group. */
  process: ChildProcess;
  /** The main process's exit code (128 + signal when killed by one), once it ended. */
  exited: Promise<number>;
  /** Sends `signal` to the container's main process (retrying until it exists). */
  signal(signal: NodeJS.Signals): void;
  /** CPU time (user + system, s) its processes used so far, buildah's own not counted. */
  cpuSeconds(): number;
  /** Kills whatever is left in the container's group and removes the container. */
  remove(): Promise<void>;
}

/** Exit code when the container cannot be started (Docker's for "the runtime failed"). */
export const cannotStartExitCode = 125;

/** Starts `argv` in the container; a watchdog removes it should this process die first. */
export function startContainer(name: string, argv: string[], options: StartOptions = {}): RunningContainer {
  const started = spawn(
    'buildah',
    ['run', '--isolation', 'chroot', '--network', 'host', ...(options.runOptions ?? []), name, '--', ...argv],
    {
      stdio: options.stdio ?? ['ignore', 'inherit', 'inherit'],
      detached: true,
    },
  );
  const group = started.pid;
  const watchdog = group === undefined ? undefined : startWatchdog(group, name);
  const exited = new Promise<number>((resolve) => {
    started.on('error', (error) => {
      console.error(`[container] cannot start buildah: ${error.message}`);
      resolve(cannotStartExitCode);
    });
    started.on('exit', (code, signal) => resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
  });
  return {
    process: started,
    exited,
    signal: (signal) => forwardToMainProcess(started, signal),
    cpuSeconds: () => (group === undefined ? 0 : cpuSecondsOf(group)),
    async remove() {
      watchdog?.kill('SIGKILL');
      if (group !== undefined) killGroup(group);
      await exited;
      await run('buildah', ['rm', name]).catch((error: Error) => console.error(`[container] ${error.message}`));
    },
  };
}

/**
 * A process outside both groups that waits for this one to die (its stdin pipe closes, even on
 * SIGKILL), then kills the container's group and removes the container.
 */
function startWatchdog(group: number, name: string): ChildProcess {
  const watchdog = spawn(
    'sh',
    ['-c', 'read _ignored; kill -KILL "-$0" 2>/dev/null; buildah rm "$1" >/dev/null 2>&1', String(group), name],
    {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    },
  );
  watchdog.unref();
  return watchdog;
}

function killGroup(group: number): void {
  try {
    process.kill(-group, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in it.
  }
}

/**
 * Sends `signal` to the container's main process: the child of buildah's `buildah-chroot-exec`
 * helper inside the container's process group. Until it exists, keeps looking.
 */
function forwardToMainProcess(container: ChildProcess, signal: NodeJS.Signals): void {
  const attempt = (): boolean => {
    if (container.exitCode !== null || container.signalCode !== null || container.pid === undefined) return true;
    const main = mainProcessOf(container.pid);
    if (main === undefined) return false;
    try {
      process.kill(main, signal);
    } catch {
      // It exited meanwhile.
    }
    return true;
  };
  if (attempt()) return;
  const timer = setInterval(() => attempt() && clearInterval(timer), 100);
}

const processesIn = (group: number) =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => ({ pid: Number(entry), ...statOf(entry) }))
    .filter((p) => p.group === group);

function mainProcessOf(group: number): number | undefined {
  const processes = processesIn(group);
  const helpers = new Set(
    processes.filter((p) => cmdlineOf(p.pid).startsWith('buildah-chroot-exec')).map((p) => p.pid),
  );
  return processes.find((p) => helpers.has(p.parent))?.pid;
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

/** The group's processes' CPU time, with their waited-for children's; buildah's processes left out. */
function cpuSecondsOf(group: number): number {
  const ticks = processesIn(group)
    .filter((p) => !cmdlineOf(p.pid).startsWith('buildah'))
    .reduce((sum, p) => sum + p.ticks, 0);
  return ticks / ticksPerSecond;
}

function statOf(pid: string): { parent: number; group: number; ticks: number } {
  try {
    // After the command name (in parentheses, may hold spaces): state, ppid, pgrp, …, and from the
    // 12th on utime, stime, cutime, cstime.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
    return { parent: Number(fields[1]), group: Number(fields[2]), ticks };
  } catch {
    return { parent: -1, group: -1, ticks: 0 };
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}
