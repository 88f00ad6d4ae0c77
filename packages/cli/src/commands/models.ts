/**
 * `ecaffe models upload FILE | import URL | publish JOB_ID`: register pretrained weights, and wait
 * until the service's Caffe check (uploads and imports) says ready or failed.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UploadError, isAbort, type CreateModel, type Model } from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from '../cli';
import { trapInterrupt } from '../follow';
import { uploadReporter, waitShowing } from './shared';

interface DescribeFlags {
  deploy?: string;
  labels?: string;
  name?: string;
  wait?: boolean;
}

/** The deploy net and labels (one per line) from files, as the API takes them. */
async function described(options: DescribeFlags): Promise<Pick<CreateModel, 'deploy' | 'labels'>> {
  const read = async (file: string) => {
    if (!existsSync(file)) throw new CliError(`${file}: no such file`, exitCodes.usage);
    return readFile(file, 'utf8');
  };
  const labels = options.labels ? (await read(options.labels)).split('\n').map((l) => l.trim()) : undefined;
  return {
    ...(options.deploy ? { deploy: await read(options.deploy) } : {}),
    ...(labels ? { labels: labels.filter(Boolean) } : {}),
  };
}

function report(cli: Cli, model: Model): void {
  if (cli.json) {
    cli.emit(model);
    return;
  }
  cli.print(model.id);
  cli.say(`model ${model.id} ${model.status}${model.labels ? `: ${model.labels.length} labels` : ''}`);
}

export async function upload(cli: Cli, [file]: string[], options: DescribeFlags & { resume?: string }): Promise<void> {
  if (!existsSync(file!)) throw new CliError(`${file}: no such file`, exitCodes.usage);
  const stop = new AbortController();
  const trap = trapInterrupt(() => stop.abort());
  const reporter = uploadReporter(cli);
  let model: Model;
  try {
    model = await cli.client.uploadModel(file!, {
      name: options.name ?? path.basename(file!),
      model: await described(options),
      ...(options.resume ? { resume: options.resume } : {}),
      onProgress: (progress) => reporter.onProgress(path.basename(file!), progress),
      signal: stop.signal,
    });
  } catch (error) {
    if (error instanceof UploadError && (trap.interrupted || isAbort(error.cause))) {
      const hint = error.resumable
        ? `resume with: ecaffe models upload ${file} --resume ${error.datafileId}`
        : 'nothing was kept; upload again';
      throw new CliError(`interrupted: the upload of ${error.datafileId} is incomplete`, exitCodes.interrupted, hint);
    }
    throw error;
  } finally {
    reporter.stop();
    trap.release();
  }
  if (options.wait !== false) model = await waitShowing(cli, model, 'model');
  report(cli, model);
}

export async function importUrl(cli: Cli, [url]: string[], options: DescribeFlags): Promise<void> {
  const name = options.name ?? (path.basename(new URL(url!).pathname) || 'model');
  let model = (await cli.client.models.create({ name, url: url!, ...(await described(options)) })) as Model;
  if (options.wait !== false) model = await waitShowing(cli, model, 'model');
  report(cli, model);
}

export async function publish(
  cli: Cli,
  [jobId]: string[],
  options: { iteration?: number; name?: string },
): Promise<void> {
  const model = (await cli.client.models.create({
    trainingJobId: jobId!,
    ...(options.iteration ? { iteration: options.iteration } : {}),
    ...(options.name ? { name: options.name } : {}),
  })) as Model;
  report(cli, model);
}
