/**
 * Runs one job attempt as a local process standing in for a container: its own process group
 * (so signals reach everything it started, like a container's PID namespace), output into a log
 * file, and the whole group killed once the main process exits, as a stopping container would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

/** What to run for one attempt. */
export interface AttemptSpec {
  argv: string[];
  env: Record<string, string>;
  logFile: string;
  /** Receives each output line (stdout and stderr). */
  echo?: (line: string) => void;
}

/** How an attempt's process ended. */
export interface AttemptOutcome {
  /** Exit status; a signal death is reported as 128 + signal number, as Docker does. */
  exitCode?: number;
  signal?: NodeJS.Signals;
  /** The process could not be started at all. */
  error?: Error;
}

/** A started attempt. */
export interface AttemptProcess {
  /**
   * SIGTERM to the main process, then SIGKILL to the group after `graceMs` unless it has exited:
   * what `docker stop` does (SIGTERM reaches the container's PID 1 only; its children are the main
   * process's to stop, e.g. the worker asks Caffe to snapshot first).
   */
  stop(graceMs: number): void;
  /** A signal to the main process alone (a crash, the OOM killer); the group goes when it exits. */
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL to the group at once. */
  kill(): void;
  /** Settles after the process exited and its output reached the log file. */
  readonly finished: Promise<AttemptOutcome>;
}

/** After the main process exits, how long to wait for its output pipes to close before giving up on them. */
const pipeDrainMs = 2000;

/** Starts an attempt; `onSpawn` runs once the process exists (the job is then RUNNING). */
export function runAttempt(spec: AttemptSpec, onSpawn: () => void): AttemptProcess {
  const log = createWriteStream(spec.logFile, { flags: 'a' });
  let settle!: (outcome: AttemptOutcome) => void;
  const settled = new Promise<AttemptOutcome>((resolve) => (settle = resolve));
  let done: AttemptOutcome | undefined;
  // A log that cannot be written (disk full, logDir removed) must not stop the job's bookkeeping.
  log.on('error', (err) => {
    console.error(`[batch emulator] cannot write ${spec.logFile}: ${err.message}`);
    if (done) settle(done);
  });
  const finish = (outcome: AttemptOutcome): void => {
    if (done) return;
    done = outcome;
    if (outcome.error) log.write(`[batch emulator] ${outcome.error.message}\n`);
    if (log.destroyed) settle(outcome);
    else log.end(() => settle(outcome));
  };

  const [command, ...args] = spec.argv;
  let child: ChildProcess | undefined;
  try {
    if (command === undefined) throw new Error('the image has no entrypoint and the job no command');
    child = spawn(command, args, { env: spec.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    finish({ error: new Error(`CannotStartContainerError: ${err instanceof Error ? err.message : String(err)}`) });
    return { stop: () => undefined, signal: () => undefined, kill: () => undefined, finished: settled };
  }

  const proc = child;
  let exited = false;
  let killTimer: NodeJS.Timeout | undefined;
  let exitOutcome: AttemptOutcome | undefined;
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (proc.pid === undefined) return;
    try {
      process.kill(-proc.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };

  pipeOutput(proc.stdout, log, spec.echo);
  pipeOutput(proc.stderr, log, spec.echo);
  proc.once('spawn', onSpawn);
  proc.on('error', (err) => {
    // Spawn failures (ENOENT, EACCES) leave no pid; later errors (failed kill) change nothing.
    if (proc.pid === undefined) finish({ error: new Error(`CannotStartContainerError: ${err.message}`) });
  });
  proc.once('exit', (code, signal) => {
    exited = true;
    clearTimeout(killTimer);
    exitOutcome = signal ? { exitCode: 128 + (constants.signals[signal] ?? 0), signal } : { exitCode: code ?? 0 };
    signalGroup('SIGKILL');
    // A descendant that escaped the group could hold the pipes open forever.
    setTimeout(() => {
      proc.stdout?.destroy();
      proc.stderr?.destroy();
      if (exitOutcome) finish(exitOutcome);
    }, pipeDrainMs).unref();
  });
  proc.once('close', () => {
    if (exitOutcome) finish(exitOutcome);
  });

  return {
    stop(graceMs) {
      if (exited || killTimer !== undefined) return;
      proc.kill('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
    },
    signal(signal) {
      if (!exited) proc.kill(signal);
    },
    kill() {
      if (!exited) signalGroup('SIGKILL');
    },
    finished: settled,
  };
}

/** Copies a child's output stream into the log, and line by line to `echo`. */
function pipeOutput(stream: Readable | null, log: WriteStream, echo: ((line: string) => void) | undefined): void {
  if (stream === null) return;
  let partial = '';
  const emit = (line: string): void => {
    try {
      echo?.(line);
    } catch {
      // Mirroring output is best effort; it must never break the job.
    }
  };
  stream.on('data', (chunk: Buffer) => {
    if (!log.writableEnded && !log.destroyed) log.write(chunk);
    if (echo === undefined) return;
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) emit(line);
  });
  stream.on('end', () => {
    if (partial !== '') emit(partial);
  });
}
