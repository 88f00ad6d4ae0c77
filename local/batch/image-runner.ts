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
import { constants } from 'node:os';
import {
  cannotStartExitCode,
  createContainer,
  inspectImage,
  removeContainer,
  startContainer,
  type RunningContainer,
} from '../../packaging/images/container';

/** The emulator image-map entry (an argv) that runs jobs inside `image`, a name `buildah from` knows. */
export function imageEntrypoint(image: string): string[] {
  return [process.execPath, '--import', require.resolve('tsx'), __filename, image];
}

/** Variables the emulator takes from its own environment for host processes; the image defines its own. */
const hostOnlyEnv = new Set(['PATH', 'HOME']);

async function main(image: string, command: string[]): Promise<number> {
  // A stop can arrive while the container is still being created: remember it, start nothing.
  let container: RunningContainer | undefined;
  let stopSignal: NodeJS.Signals | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => (container ? container.signal(signal) : (stopSignal ??= signal)));

  const jobId = process.env.AWS_BATCH_JOB_ID ?? `${process.pid}`;
  const name = `elastic-caffe-job-${jobId}-${process.env.AWS_BATCH_JOB_ATTEMPT ?? '1'}`;
  let argv: string[];
  try {
    const { id, config } = await inspectImage(image);
    argv = [...(config.Entrypoint ?? []), ...(command.length > 0 ? command : (config.Cmd ?? []))];
    console.error(`[image runner] ${image} (image ${id.slice(0, 12)}) as container ${name}: ${argv.join(' ')}`);
    const env = Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !hostOnlyEnv.has(entry[0]),
    );
    await createContainer(image, name, Object.fromEntries(env));
  } catch (error) {
    // A group-wide SIGTERM also reaches the buildah commands above; then this is a stop, not a start failure.
    if (stopSignal !== undefined) return 128 + constants.signals[stopSignal];
    console.error(`[image runner] CannotPullContainerError: ${(error as Error).message}`);
    return cannotStartExitCode;
  }

  if (stopSignal !== undefined) {
    console.error(`[image runner] ${stopSignal} before the container started: not starting it`);
    await removeContainer(name);
    return 128 + constants.signals[stopSignal];
  }

  container = startContainer(name, argv);
  const exitCode = await container.exited;
  await container.remove();
  return exitCode;
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
