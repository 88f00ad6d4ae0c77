/**
 * `ecaffe sweeps create|get|trial|watch|cancel` (`ls` and `rm` are records.ts'): hyperparameter searches
 * over a solver, followed with a live leaderboard. A sweep that ends failed or cancelled exits 3,
 * like a job; Ctrl-C while following leaves it running (exit 130).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { CreateSweep } from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from '../cli';
import { followSweep } from '../follow';
import { leaderboard, sweepSummary, type SweepView } from '../leaderboard';
import { sweepBody, type CreateFlags } from '../sweep-spec';
import { metricsTable } from './jobs';

/** A `--spec` file: a JSON object with (some of) the POST body. */
async function readSpec(file: string): Promise<Partial<CreateSweep>> {
  if (!existsSync(file)) throw new CliError(`--spec ${file}: no such file`, exitCodes.usage);
  let spec: unknown;
  try {
    spec = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(`--spec ${file}: not JSON (${(error as Error).message})`, exitCodes.usage);
  }
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new CliError(`--spec ${file}: expected a JSON object, the body of POST /v1/sweeps`, exitCodes.usage);
  // The API checks every field; the flags only need the object.
  return spec as Partial<CreateSweep>;
}

export async function create(
  cli: Cli,
  _args: string[],
  options: CreateFlags & { spec?: string; follow: boolean },
): Promise<void> {
  const body = sweepBody(options, options.spec ? await readSpec(options.spec) : {});
  const sweep: SweepView = await cli.client.sweeps.create(body);
  if (!options.follow) {
    if (cli.json) return cli.emit(sweep);
    cli.print(sweep.id);
    return cli.say(
      `sweep ${sweep.id} started: ${sweep.trials.length} trials, ${sweep.maxParallel} at once; ` +
        `follow it with: ecaffe sweeps watch ${sweep.id}`,
    );
  }
  if (!cli.json) cli.say(`sweep ${sweep.id} started (Ctrl-C to stop following; the sweep goes on)`);
  await finishSweep(cli, await followSweep(cli, sweep.id, sweep));
}

export async function watch(cli: Cli, [id]: string[]): Promise<void> {
  await finishSweep(cli, await followSweep(cli, id!));
}

/** After following: the best trial and what was trained; exit 3 unless the sweep succeeded. */
export async function finishSweep(cli: Cli, sweep: SweepView): Promise<void> {
  if (!cli.json) for (const line of sweepSummary(sweep)) cli.say(line);
  if (sweep.status !== 'succeeded')
    throw new CliError(
      `sweep ${sweep.id} ${sweep.status}${sweep.error ? `: ${sweep.error}` : ''}`,
      exitCodes.failed,
      `its trials: ecaffe sweeps get ${sweep.id}`,
    );
  if (!cli.json) cli.print(sweep.id);
}

export async function get(cli: Cli, [id]: string[]): Promise<void> {
  const sweep: SweepView = await cli.client.sweeps.get(id!);
  if (cli.json) return cli.emit(sweep);
  cli.print(leaderboard(sweep).join('\n'));
}

/** One trial: its jobs (each later one resumed at a rung) on stderr, its curve across them as a table. */
export async function trial(cli: Cli, [id, trialId]: string[]): Promise<void> {
  const view = await cli.client.sweeps.trial(id!, trialId!);
  if (cli.json) return cli.emit(view);
  const parameters = Object.entries(view.parameters)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  const jobs = view.jobs
    .map((job) => `${job.id} ${job.status}${job.resumeFrom ? ` (from iteration ${job.resumeFrom.iteration})` : ''}`)
    .join(' → ');
  cli.say(`trial ${view.id} of ${view.sweepId} ${view.status}: ${parameters}`);
  cli.say(`jobs: ${jobs || 'none yet'}`);
  cli.print(metricsTable(view.metrics));
}

export async function cancel(cli: Cli, [id]: string[]): Promise<void> {
  const sweep = await cli.client.sweeps.cancel(id!);
  if (cli.json) return cli.emit(sweep);
  cli.say(`sweep ${sweep.id} ${sweep.status}; its queued and running trial jobs are cancelled`);
}
