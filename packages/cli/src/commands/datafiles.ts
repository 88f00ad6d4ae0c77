/**
 * `ecaffe datafiles upload PATH`: a file as is, a folder as a plain tar made on the fly; multipart
 * uploads resume with --resume.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { UploadError, isAbort, type CreateDatafile, type Datafile } from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from '../cli';
import { trapInterrupt } from '../follow';
import { uploadReporter, waitShowing } from './shared';

interface UploadFlags {
  format?: CreateDatafile['format'];
  name?: string;
  resume?: string;
  wait: boolean;
}

export async function upload(cli: Cli, [target]: string[], options: UploadFlags): Promise<void> {
  if (!existsSync(target!)) throw new CliError(`${target}: no such file or folder`, exitCodes.usage);
  const stop = new AbortController();
  const trap = trapInterrupt(() => stop.abort());
  const reporter = uploadReporter(cli);
  let datafile: Datafile;
  try {
    datafile = await cli.client.upload(target!, {
      name: options.name ?? path.basename(path.resolve(target!)),
      ...(options.format ? { format: options.format } : {}),
      ...(options.resume ? { resume: options.resume } : {}),
      onProgress: (progress) => reporter.onProgress(path.basename(target!), progress),
      signal: stop.signal,
    });
  } catch (error) {
    if (error instanceof UploadError && (trap.interrupted || isAbort(error.cause))) {
      const hint = error.resumable
        ? `resume with: ecaffe datafiles upload ${target} --resume ${error.datafileId}`
        : 'nothing was kept; upload again';
      throw new CliError(`interrupted: the upload of ${error.datafileId} is incomplete`, exitCodes.interrupted, hint);
    }
    throw error;
  } finally {
    reporter.stop();
    trap.release();
  }
  if (options.wait) datafile = await waitShowing(cli, datafile, 'datafile');
  if (cli.json) return cli.emit(datafile);
  cli.print(datafile.id);
  cli.say(
    `datafile ${datafile.id} ${datafile.status}` +
      (datafile.labels ? `: ${datafile.labels.length} labels, ${datafile.entries} entries` : ''),
  );
}
