/** `ecaffe datasets create|samples`: a dataset from one or two datafiles, waited for until ready; its samples. */
import type { DatasetSamples } from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from '../cli';
import { table } from '../output';
import { parseSize, waitShowing } from './shared';

interface CreateFlags {
  train: string;
  test?: string;
  split?: number;
  gray?: boolean;
  resize?: string;
  name?: string;
  wait: boolean;
}

export async function create(cli: Cli, _args: string[], options: CreateFlags): Promise<void> {
  if (options.test && options.split !== undefined)
    throw new CliError('--split divides the training datafile; with --test both are used whole', exitCodes.usage);
  const split = options.split ?? 0.8;
  const transform = {
    ...(options.gray ? { grayscale: true } : {}),
    ...(options.resize ? { ...parseSize(options.resize), resizeMode: 'stretch' as const } : {}),
  };
  let dataset = await cli.client.datasets.create({
    name: options.name ?? 'dataset',
    training: { datafileId: options.train, splitPercentage: options.test ? 0 : split },
    testing: options.test
      ? { datafileId: options.test, splitPercentage: 0 }
      : { datafileId: options.train, splitPercentage: Math.round((1 - split) * 1e6) / 1e6 },
    ...(Object.keys(transform).length ? { transform } : {}),
  });
  if (options.wait) dataset = await waitShowing(cli, dataset, 'dataset');
  if (cli.json) return cli.emit(dataset);
  cli.print(dataset.id);
  if (dataset.labels)
    cli.say(`dataset ${dataset.id} ready: ${dataset.labels.length} labels, shape ${JSON.stringify(dataset.shape)}`);
}

/** Each class as a row (index, label, training count, samples), then each sample's URL under its label. */
export function samplesText(answer: DatasetSamples): string {
  const rows = answer.classes.map((c) => [String(c.index), c.label, String(c.count), String(c.samples.length)]);
  const urls = answer.classes.flatMap((c) =>
    c.samples.map((sample) => `${c.label}\t${sample.width}x${sample.height}\t${sample.url}`),
  );
  return [table(['INDEX', 'LABEL', 'COUNT', 'SAMPLES'], rows), ...(urls.length ? ['', ...urls] : [])].join('\n');
}

export async function samples(cli: Cli, [id]: string[], options: { perClass?: number }): Promise<void> {
  const answer = await cli.client.datasets.samples(id!, options.perClass === undefined ? {} : options);
  if (cli.json) return cli.emit(answer);
  cli.print(samplesText(answer));
}
