/** `ecaffe jobs watch|logs|metrics|cancel|download|resume`. */
import * as path from 'node:path';
import type { TrainingJobMetrics } from '@elastic-caffe/sdk';
import type { Cli } from '../cli';
import { followJob, trapInterrupt } from '../follow';
import { table } from '../output';
import { downloadBundle } from './shared';
import { finish } from './train';

export async function watch(cli: Cli, [id]: string[], options: { logs?: boolean }): Promise<void> {
  await finish(cli, await followJob(cli, id!, { logs: options.logs === true }));
}

export async function logs(cli: Cli, [id]: string[], options: { follow?: boolean }): Promise<void> {
  if (cli.json && !options.follow) {
    // One document for a one-shot command: the whole log as it is now.
    const lines: string[] = [];
    for await (const line of cli.client.followLogs(id!, { follow: false })) lines.push(line);
    return cli.emit({ id, log: lines.join('\n') });
  }
  const stop = new AbortController();
  const trap = options.follow ? trapInterrupt(() => stop.abort()) : undefined;
  try {
    for await (const line of cli.client.followLogs(id!, { follow: options.follow === true, signal: stop.signal })) {
      if (cli.json) cli.emit({ log: line });
      else cli.print(line);
    }
  } catch (error) {
    if (!trap?.interrupted) throw error;
  } finally {
    trap?.release();
  }
  if (trap?.interrupted) {
    cli.say(`stopped following; job ${id} goes on (ecaffe jobs watch ${id})`);
    process.exitCode = 130;
    return;
  }
  if (cli.json && options.follow) cli.emit(await cli.client.trainingJobs.get(id!));
}

export async function metrics(cli: Cli, [id]: string[]): Promise<void> {
  const result = await cli.client.trainingJobs.metrics(id!);
  if (cli.json) return cli.emit(result);
  cli.print(metricsTable(result));
}

/** Train and test points by iteration: loss, learning rate and each test output. */
export function metricsTable(result: TrainingJobMetrics): string {
  const names = [...new Set(result.test.flatMap((t) => Object.keys(t.outputs)))].sort();
  const testAt = new Map(result.test.map((t) => [t.iteration, t.outputs]));
  const iterations = [...new Set([...result.train.map((t) => t.iteration), ...testAt.keys()])].sort((a, b) => a - b);
  const trainAt = new Map(result.train.map((t) => [t.iteration, t]));
  const cell = (value: number | null | undefined) =>
    value === undefined ? '' : value === null ? 'NaN' : String(Number(value.toPrecision(4)));
  return table(
    ['ITERATION', 'LOSS', 'LR', ...names.map((n) => `TEST ${n.toUpperCase()}`)],
    iterations.map((i) => [
      String(i),
      cell(trainAt.get(i)?.loss),
      cell(trainAt.get(i)?.learningRate),
      ...names.map((n) => cell(testAt.get(i)?.[n])),
    ]),
  );
}

export async function cancel(cli: Cli, [id]: string[]): Promise<void> {
  const job = await cli.client.trainingJobs.cancel(id!);
  if (cli.json) return cli.emit(job);
  cli.say(`training job ${job.id} ${job.status}`);
}

export async function download(cli: Cli, [id]: string[], options: { output?: string }): Promise<void> {
  const dir = options.output ?? id!;
  const files = await downloadBundle(cli, id!, dir);
  if (cli.json) return cli.emit({ id, dir: path.resolve(dir), files });
  cli.print(path.resolve(dir));
  cli.say(`${files.join(', ')}`);
}

/** The solver text with `max_iter` set to `maxIter` (added when absent). */
export function withMaxIter(solver: string, maxIter: number): string {
  const pattern = /^(\s*max_iter\s*:\s*)\d+/m;
  return pattern.test(solver) ? solver.replace(pattern, `$1${maxIter}`) : `${solver.trimEnd()}\nmax_iter: ${maxIter}\n`;
}

export async function resume(
  cli: Cli,
  [id]: string[],
  options: { maxIter: number; follow: boolean; logs?: boolean },
): Promise<void> {
  const client = cli.client;
  const source = await client.trainingJobs.get(id!);
  const solver = await client.solvers.get(source.solverId);
  // The API continues from solver state with a solver whose max_iter is higher: a copy with the new one.
  const copy = await client.solvers.create({
    name: `${solver.name ?? 'solver'}-to-${options.maxIter}`,
    datasetId: solver.datasetId,
    net: solver.net,
    solver: withMaxIter(solver.solver, options.maxIter),
  });
  const job = await client.trainingJobs.create({
    solverId: copy.id,
    name: `${source.name ?? source.id}-resumed`,
    resumeFrom: { trainingJobId: source.id },
    ...(source.resources ? { resources: source.resources } : {}),
  });
  if (!options.follow) {
    if (cli.json) return cli.emit(job);
    cli.print(job.id);
    return cli.say(
      `training job ${job.id} continues ${source.id} to iteration ${options.maxIter}; ` +
        `follow it with: ecaffe jobs watch ${job.id}`,
    );
  }
  if (!cli.json)
    cli.say(`training job ${job.id} continues ${source.id} to iteration ${options.maxIter} (Ctrl-C to stop following)`);
  await finish(cli, await followJob(cli, job.id, { logs: options.logs === true }));
}
