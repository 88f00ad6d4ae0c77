/**
 * Runs a Batch job attempt inside a locally built container image instead of as a host process:
 * the emulator's image map points the image name at {@link imageEntrypoint}, and this file, run as
 * that entrypoint, does what ECS does with a container:
 *
 * - a fresh container from the image for every attempt (`buildah from`), removed afterwards;
 * - the image's ENTRYPOINT with the job's command as arguments, the image's USER, WORKDIR and ENV,
 *   plus the job's environment (`buildah config --env`, so values stay out of `ps` listings);
 * - `buildah run --isolation chroot --network host`: the emulators listen on 127.0.0.1;
 * - SIGTERM (and SIGINT) go to the container's main process only, as `docker stop` sends them to
 *   PID 1: buildah itself answers any signal by SIGKILLing what it runs, so it lives in a process
 *   group of its own that the emulator's group-wide SIGTERM never reaches;
 * - when this process dies (the emulator's SIGKILL after the grace period) a watchdog kills that
 *   group and removes the container, so nothing outlives the attempt.
 *
 * The exit code is the main process's (`buildah run` passes it on), so the retry strategy sees the
 * worker's own codes. One difference from ECS: a main process killed by a signal shows as exit 1,
 * not 128 + signal (buildah reports it that way); both mean "retry" to the job definition.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { run } from '../../scripts/container/worker-image';

/** Exit code when the container cannot be created or started (Docker's for "the runtime failed"). */
export const cannotStartExitCode = 125;

/** The emulator image-map entry (an argv) that runs jobs inside `image`, a name `buildah from` knows. */
export function imageEntrypoint(image: string): string[] {
  return [process.execPath, '--import', require.resolve('tsx'), __filename, image];
}

/** Variables the emulator takes from its own environment for host processes; the image defines its own. */
const hostOnlyEnv = new Set(['PATH', 'HOME']);

interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
}

async function main(image: string, command: string[]): Promise<number> {
  // A stop can arrive while the container is still being created: remember it, start nothing.
  let container: ChildProcess | undefined;
  let stopSignal: NodeJS.Signals | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => (container ? forwardToMainProcess(container, signal) : (stopSignal ??= signal)));

  const jobId = process.env.AWS_BATCH_JOB_ID ?? `${process.pid}`;
  const name = `elastic-caffe-job-${jobId}-${process.env.AWS_BATCH_JOB_ATTEMPT ?? '1'}`;
  let config: ImageConfig;
  let imageId: string;
  try {
    const inspected = JSON.parse(await run('buildah', ['inspect', '--type', 'image', image])) as { FromImageID: string; OCIv1: { config?: ImageConfig } };
    config = inspected.OCIv1.config ?? {};
    imageId = inspected.FromImageID;
    // A leftover of the same attempt (an emulator killed with its jobs) must not block the name.
    await run('buildah', ['rm', name]).catch(() => undefined);
    await run('buildah', ['from', '--pull=never', '--name', name, image]);
  } catch (error) {
    // A group-wide SIGTERM also reaches the buildah commands above; then this is a stop, not a start failure.
    await run('buildah', ['rm', name]).catch(() => undefined);
    if (stopSignal !== undefined) return 128 + constants.signals[stopSignal];
    console.error(`[image runner] CannotPullContainerError: ${(error as Error).message}`);
    return cannotStartExitCode;
  }
  const argv = [...(config.Entrypoint ?? []), ...(command.length > 0 ? command : (config.Cmd ?? []))];
  console.error(`[image runner] ${image} (image ${imageId.slice(0, 12)}) as container ${name}: ${argv.join(' ')}`);
  try {
    const env = Object.entries(process.env).filter(([key, value]) => value !== undefined && !hostOnlyEnv.has(key));
    if (env.length > 0) await run('buildah', ['config', ...env.flatMap(([key, value]) => ['--env', `${key}=${value}`]), name]);
  } catch (error) {
    console.error(`[image runner] cannot configure the container: ${(error as Error).message}`);
    await run('buildah', ['rm', name]).catch(() => undefined);
    return cannotStartExitCode;
  }

  if (stopSignal !== undefined) {
    console.error(`[image runner] ${stopSignal} before the container started: not starting it`);
    await run('buildah', ['rm', name]).catch(() => undefined);
    return 128 + constants.signals[stopSignal];
  }

  const started = spawn('buildah', ['run', '--isolation', 'chroot', '--network', 'host', name, '--', ...argv], {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  container = started;
  const group = started.pid;
  const watchdog = group === undefined ? undefined : startWatchdog(group, name);

  const exitCode = await new Promise<number>((resolve) => {
    started.on('error', (error) => {
      console.error(`[image runner] cannot start buildah: ${error.message}`);
      resolve(cannotStartExitCode);
    });
    started.on('exit', (code, signal) => resolve(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
  });
  watchdog?.kill('SIGKILL');
  if (group !== undefined) killGroup(group);
  await run('buildah', ['rm', name]).catch((error: Error) => console.error(`[image runner] ${error.message}`));
  return exitCode;
}

/**
 * A process outside both groups that waits for this one to die (its stdin pipe closes, even on
 * SIGKILL), then kills the container's group and removes the container.
 */
function startWatchdog(group: number, name: string): ChildProcess {
  const watchdog = spawn('sh', ['-c', 'read _ignored; kill -KILL "-$0" 2>/dev/null; buildah rm "$1" >/dev/null 2>&1', String(group), name], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
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

function mainProcessOf(group: number): number | undefined {
  const processes = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => ({ pid: Number(entry), ...statOf(entry) }))
    .filter((p) => p.group === group);
  const helpers = new Set(processes.filter((p) => cmdlineOf(p.pid).startsWith('buildah-chroot-exec')).map((p) => p.pid));
  return processes.find((p) => helpers.has(p.parent))?.pid;
}

function statOf(pid: string): { parent: number; group: number } {
  try {
    // After the command name (in parentheses, may hold spaces): state, ppid, pgrp.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [, parent, group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { parent: Number(parent), group: Number(group) };
  } catch {
    return { parent: -1, group: -1 };
  }
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

if (require.main === module) {
  const [image, ...command] = process.argv.slice(2);
  if (image === undefined) {
    console.error('usage: image-runner <image> [command…]');
    process.exit(cannotStartExitCode);
  }
  main(image, command).then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`[image runner] ${error.stack ?? error.message}`);
      process.exit(1);
    },
  );
}
