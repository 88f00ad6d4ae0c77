/**
 * Following a training job until it ends: the live status line (or, with --json, one JSON line per
 * update and the final record last), Caffe's log with --logs, and Ctrl-C: on a terminal it asks
 * whether to cancel the job or leave it running; with --json or no terminal it leaves it running.
 * Either way the exit code is 130. A sweep is followed the same way with a live leaderboard, and
 * Ctrl-C only stops following it (cancelling a whole sweep is not a question to answer in a hurry).
 */
import { createInterface } from 'node:readline';
import { isFinal, type TrainingJob } from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from './cli';
import { isSweepFinal, leaderboard, sweepChanges, type SweepView } from './leaderboard';
import { jobStatus, LiveBlock, StatusLine } from './progress';

/** Calls `onInterrupt` on the first Ctrl-C (SIGINT) until `release()`. */
export function trapInterrupt(onInterrupt: () => void): { release(): void; readonly interrupted: boolean } {
  let interrupted = false;
  const handler = () => {
    interrupted = true;
    onInterrupt();
  };
  process.on('SIGINT', handler);
  return {
    release: () => void process.off('SIGINT', handler),
    get interrupted() {
      return interrupted;
    },
  };
}

/** Asks a yes/no question on the terminal; no (or a second Ctrl-C, or end of input) is the default. */
export async function confirm(cli: Cli, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: cli.stderr, terminal: true });
  try {
    return await new Promise<boolean>((resolve) => {
      rl.on('SIGINT', () => resolve(false));
      rl.on('close', () => resolve(false));
      rl.question(question, (answer) => resolve(/^y(es)?$/i.test(answer.trim())));
    });
  } finally {
    rl.close();
  }
}

/** What to do after Ctrl-C while following `jobId`: ask (terminal) or leave it running; always exit 130. */
export async function afterInterrupt(cli: Cli, jobId: string): Promise<never> {
  const again = `follow it again with: ecaffe jobs watch ${jobId}`;
  if (cli.interactive && process.stdin.isTTY) {
    cli.stderr.write('\n');
    if (await confirm(cli, `Cancel training job ${jobId}? [y/N] `)) {
      const job = await cli.client.trainingJobs.cancel(jobId);
      throw new CliError(`training job ${jobId} is ${job.status}`, exitCodes.interrupted);
    }
  }
  throw new CliError(`interrupted; training job ${jobId} is still running`, exitCodes.interrupted, again);
}

/** Follows the job to its end and returns the final record (the caller turns failure into exit 3). */
export async function followJob(cli: Cli, jobId: string, options: { logs?: boolean } = {}): Promise<TrainingJob> {
  const stop = new AbortController();
  const trap = trapInterrupt(() => stop.abort());
  const status = cli.interactive ? new StatusLine(cli.stderr) : undefined;
  let last: TrainingJob | undefined;
  let lastStatus = '';
  const logs = async () => {
    if (!options.logs) return;
    for await (const line of cli.client.followLogs(jobId, { signal: stop.signal })) {
      if (cli.json) cli.emit({ log: line });
      else if (status) status.log(line);
      else cli.stderr.write(`${line}\n`);
    }
  };
  const updates = async () => {
    for await (const job of cli.client.watch(jobId, { signal: stop.signal })) {
      last = job;
      // With --json the final record is written last, after any log line.
      if (cli.json && !isFinal(job)) cli.emit(job);
      else if (status) status.update(jobStatus(job));
      else if (job.status !== lastStatus) cli.say(jobStatus(job));
      lastStatus = job.status;
    }
  };
  try {
    const watching = updates();
    await Promise.all([watching, logs()]);
  } catch (error) {
    if (!trap.interrupted) throw error;
  } finally {
    trap.release();
    status?.done();
  }
  if (trap.interrupted) return afterInterrupt(cli, jobId);
  if (cli.json) cli.emit(last);
  return last!;
}

/** Waits `ms`, or rejects when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The promise, or a rejection as soon as `signal` aborts (a request in flight does not hold up Ctrl-C). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    }),
  ]);
}

/** Polling a sweep: soon after a change (trials move in bursts), then less often while nothing does. */
export const sweepPolling = { firstMs: 1000, maxMs: 5000 };

/**
 * Follows the sweep until it ends and returns the final view: on a terminal a leaderboard redrawn in
 * place, otherwise a line per change (`sweepChanges`), with --json the view on each change and last.
 * Ctrl-C stops following and leaves the sweep running (exit 130, saying how to cancel it).
 */
export async function followSweep(cli: Cli, sweepId: string, first?: SweepView): Promise<SweepView> {
  const stop = new AbortController();
  const trap = trapInterrupt(() => stop.abort());
  const block = cli.interactive && !cli.options.quiet ? new LiveBlock(cli.stderr) : undefined;
  const started = Date.now();
  let last: SweepView | undefined;
  const draw = () =>
    last &&
    block?.update(
      leaderboard(last, {
        width: block.size.width,
        maxLines: block.size.height,
        elapsedSeconds: (Date.now() - started) / 1000,
      }),
    );
  // The headline's clock moves between polls too.
  const timer = block ? setInterval(draw, 1000) : undefined;
  let interval = sweepPolling.firstMs;
  let seen = '';
  try {
    let current = first ?? (await abortable(cli.client.sweeps.get(sweepId), stop.signal));
    for (;;) {
      const text = JSON.stringify(current);
      if (text !== seen) {
        if (cli.json) {
          if (!isSweepFinal(current)) cli.emit(current);
        } else if (!block) for (const line of sweepChanges(last, current)) cli.say(line);
        interval = sweepPolling.firstMs;
      } else interval = Math.min(interval * 1.5, sweepPolling.maxMs);
      seen = text;
      last = current;
      draw();
      if (isSweepFinal(current)) break;
      await sleep(interval, stop.signal);
      current = await abortable(cli.client.sweeps.get(sweepId), stop.signal);
    }
  } catch (error) {
    if (!trap.interrupted) throw error;
  } finally {
    trap.release();
    clearInterval(timer);
  }
  if (trap.interrupted)
    throw new CliError(
      `stopped following; sweep ${sweepId} goes on`,
      exitCodes.interrupted,
      `follow it again with: ecaffe sweeps watch ${sweepId}\ncancel it with: ecaffe sweeps cancel ${sweepId}`,
    );
  if (cli.json) cli.emit(last);
  return last!;
}
