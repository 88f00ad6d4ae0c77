/** `ecaffe classify CLASSIFIER_ID PATH...`: files or folders of images; many go through a classify job. */
import { existsSync } from 'node:fs';
import { CliError, exitCodes, type Cli } from '../cli';
import { StatusLine } from '../progress';

export async function classify(cli: Cli, [classifierId, ...paths]: string[], options: { top?: number }): Promise<void> {
  for (const target of paths)
    if (!existsSync(target)) throw new CliError(`${target}: no such file or folder`, exitCodes.usage);
  const { imagesFromPaths } = require('@elastic-caffe/sdk/node') as typeof import('@elastic-caffe/sdk/node');
  const images = await imagesFromPaths(paths);
  if (!images.length)
    throw new CliError(`no images (png, jpg, bmp, gif, webp, tif) in ${paths.join(', ')}`, exitCodes.usage);
  const status = cli.interactive && !cli.options.quiet ? new StatusLine(cli.stderr) : undefined;
  const results = await cli.client.classify(classifierId!, images, {
    ...(options.top ? { topK: options.top } : {}),
    onProgress: (p) =>
      status?.update(`classified ${p.classified}/${p.total}${p.jobId ? ` (classify job ${p.jobId})` : ''}`),
  });
  status?.clear();
  if (cli.json) return cli.emit({ results });
  for (const result of results) {
    const top = result.top?.map((t) => `${t.label} ${(t.probability * 100).toFixed(1)}%`).join(', ');
    cli.print(`${result.image}\t${top ?? `error: ${result.error}`}`);
  }
}
