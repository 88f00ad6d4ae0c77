/**
 * `ecaffe train DATA --net --solver`: upload (a folder packed on the fly), build the dataset, store
 * the solver, queue the job and follow it — `train()` of the SDK with live output. Exit 3 when a
 * step ends failed or cancelled; Ctrl-C while following asks whether to cancel (exit 130).
 */
import * as path from 'node:path';
import {
  RecordFailedError,
  UploadError,
  isAbort,
  type CreateDatafile,
  type TrainEvent,
  type TrainingJob,
} from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from '../cli';
import { followJob, trapInterrupt } from '../follow';
import { dataArgument, downloadBundle, parseSize, readPrototxt, recordReporter, uploadReporter } from './shared';

interface TrainFlags {
  net: string;
  solver: string;
  test?: string;
  split?: number;
  format?: CreateDatafile['format'];
  gray?: boolean;
  resize?: string;
  cpu?: boolean;
  gpus?: '1' | '2' | '4' | '8';
  name?: string;
  maxRuntime?: number;
  follow: boolean;
  logs?: boolean;
  download?: string;
  weights?: string;
}

export async function train(cli: Cli, [data]: string[], options: TrainFlags): Promise<void> {
  dataArgument(data!, 'DATA');
  if (options.test) dataArgument(options.test, '--test', /^df_[0-9a-z]{26}$/);
  if (options.test && options.split !== undefined)
    throw new CliError('give --test or --split, not both', exitCodes.usage);
  if (data!.startsWith('ds_') && (options.test || options.split !== undefined))
    throw new CliError('a dataset (ds_…) already has its test data: leave out --test and --split', exitCodes.usage);
  const net = await readPrototxt(cli, 'net', options.net);
  const solver = await readPrototxt(cli, 'solver', options.solver);
  const name = options.name ?? (data!.match(/^(df|ds)_/) ? 'train' : path.basename(path.resolve(data!)));

  // Setup (uploads, dataset build) stops at Ctrl-C; the job, once queued, is followed by followJob (which asks).
  const setup = new AbortController();
  const trap = trapInterrupt(() => setup.abort());
  const uploads = uploadReporter(cli);
  const records = recordReporter(cli, (r) => `${r.id.startsWith('df_') ? 'datafile' : 'dataset'} ${r.id} ${r.status}`);
  let queued: TrainingJob | undefined;
  const onProgress = (event: TrainEvent) => {
    if (event.stage === 'upload') return uploads.onProgress(event.side, event.progress);
    uploads.stop();
    if (event.stage === 'datafile' || event.stage === 'dataset') return records.update(event.record);
    if (event.stage === 'solver')
      return cli.json
        ? cli.emit(event.record)
        : cli.say(`solver ${event.record.id}: ${event.record.solverType}, ${event.record.maxIterations} iterations`);
    queued = event.record;
  };
  try {
    await cli.client.train({
      data: data!,
      ...(options.test ? { testData: options.test } : {}),
      ...(options.split !== undefined ? { split: options.split } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(options.gray ? { grayscale: true } : {}),
      ...(options.resize ? { resize: parseSize(options.resize) } : {}),
      net,
      solver,
      name,
      job: {
        ...(options.cpu ? { resources: { type: 'CPU' as const } } : {}),
        ...(options.gpus ? { resources: { type: 'GPU' as const, count: Number(options.gpus) as 1 | 2 | 4 | 8 } } : {}),
        ...(options.maxRuntime ? { maxRuntimeSeconds: options.maxRuntime } : {}),
        ...(options.weights ? { weightsFrom: { modelId: options.weights } } : {}),
      },
      follow: false,
      onProgress,
      signal: setup.signal,
    });
  } catch (error) {
    if (error instanceof RecordFailedError) throw error;
    if (trap.interrupted && (isAbort(error) || error instanceof UploadError))
      throw new CliError(
        'interrupted before the job was queued',
        exitCodes.interrupted,
        'nothing is training; run the command again to start over',
      );
    throw error;
  } finally {
    trap.release();
    uploads.stop();
    records.stop();
  }
  const job = queued!;
  if (!options.follow) {
    if (cli.json) return cli.emit(job);
    cli.print(job.id);
    return cli.say(`training job ${job.id} queued; follow it with: ecaffe jobs watch ${job.id}`);
  }
  if (!cli.json) cli.say(`training job ${job.id} queued (Ctrl-C to stop following)`);
  await finish(cli, await followJob(cli, job.id, { logs: options.logs === true }), options.download);
}

/** After following: exit 3 unless it succeeded; download the model when asked. */
export async function finish(cli: Cli, job: TrainingJob, download?: string): Promise<void> {
  if (job.status !== 'succeeded')
    throw new CliError(
      `training job ${job.id} ${job.status}${job.error ? `: ${job.error}` : ''}`,
      exitCodes.failed,
      `its log: ecaffe jobs logs ${job.id}`,
    );
  const accuracy = job.progress.testOutputs.accuracy;
  if (!cli.json)
    cli.say(
      `training job ${job.id} succeeded at iteration ${job.progress.iteration}` +
        (accuracy !== undefined ? `, test accuracy ${(accuracy * 100).toFixed(1)}%` : ''),
    );
  if (download) {
    const files = await downloadBundle(cli, job.id, download);
    if (!cli.json) cli.say(`model bundle in ${download}: ${files.join(', ')}`);
  }
  if (!cli.json) cli.print(job.id);
}
