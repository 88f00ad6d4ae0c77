/** What several commands do: read prototxt files, show uploads and waits, download a model bundle. */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isFailure, isFinal, type UploadProgress, type WorkRecord } from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from '../cli';
import { StatusLine, UploadBars } from '../progress';
import { duration } from '../output';

/** Reads a prototxt file and remembers it, so the API's errors in it print as file:line:column. */
export async function readPrototxt(cli: Cli, field: 'net' | 'solver', file: string): Promise<string> {
  if (!existsSync(file)) throw new CliError(`--${field} ${file}: no such file`, exitCodes.usage);
  const text = await readFile(file, 'utf8');
  cli.sources.set(field, { path: file, text });
  return text;
}

export const parseSize = (text: string): { width: number; height: number } => {
  const [width, height] = text.split('x').map(Number) as [number, number];
  return { width, height };
};

/** A local path or an id: ids are passed through, anything else must exist. */
export function dataArgument(text: string, what: string, ids = /^(df|ds)_[0-9a-z]{26}$/): string {
  if (ids.test(text) || existsSync(text)) return text;
  throw new CliError(
    `${what} ${text}: no such file or folder, and not a datafile (df_…) or dataset (ds_…) id`,
    exitCodes.usage,
  );
}

/** Upload progress: bars on a terminal, JSON lines with --json, nothing otherwise. */
export function uploadReporter(cli: Cli): {
  onProgress: (label: string, progress: UploadProgress) => void;
  stop(): void;
} {
  let bars: UploadBars | undefined;
  let lastEmit = 0;
  return {
    onProgress(label, progress) {
      if (cli.json) {
        // A line per update would flood: at most ten a second, and the last one.
        const now = Date.now();
        if (now - lastEmit < 100 && progress.sentBytes < progress.totalBytes) return;
        lastEmit = now;
        return cli.emit({ event: 'upload', file: label, ...progress });
      }
      if (!cli.interactive || cli.options.quiet) return;
      bars ??= new UploadBars(cli.stderr);
      bars.update(label, progress.sentBytes, progress.totalBytes);
    },
    stop: () => bars?.stop(),
  };
}

/** A record's updates while something waits for it: a status line on a terminal, JSON lines with --json. */
export function recordReporter(
  cli: Cli,
  label: (record: WorkRecord) => string,
): { update(record: WorkRecord): void; stop(): void } {
  const line = cli.interactive && !cli.options.quiet ? new StatusLine(cli.stderr) : undefined;
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  let last: WorkRecord | undefined;
  let lastStatus = '';
  const draw = () => last && line?.update(`${label(last)}  ${duration((Date.now() - started) / 1000)}`);
  return {
    update(record) {
      last = record;
      if (cli.json) return cli.emit(record);
      if (line) {
        draw();
        timer ??= setInterval(draw, 1000);
        if (isFinal(record)) {
          clearInterval(timer);
          line.done();
        }
      } else if (record.status !== lastStatus) cli.say(label(record));
      lastStatus = record.status ?? '';
    },
    stop() {
      if (timer) clearInterval(timer);
      line?.done();
    },
  };
}

/** Waits for a datafile or dataset with live output; exit 3 when it failed. */
export async function waitShowing<R extends WorkRecord>(cli: Cli, record: R, noun: string): Promise<R> {
  const records = recordReporter(cli, (r) => `${noun} ${r.id} ${r.status}`);
  const done = await cli.client.waitFor(record, { onUpdate: records.update }).finally(() => records.stop());
  if (isFailure(done))
    throw new CliError(
      `${noun} ${done.id} failed: ${(done as { error?: string }).error ?? 'no reason given'}`,
      exitCodes.failed,
    );
  return done;
}

/** Downloads a succeeded job's model bundle and unpacks it into `dir`. */
export async function downloadBundle(cli: Cli, jobId: string, dir: string): Promise<string[]> {
  const artifacts = await cli.client.trainingJobs.artifacts(jobId);
  if (!artifacts.bundle)
    throw new CliError(
      `training job ${jobId} has no model bundle (it has not succeeded)`,
      exitCodes.refused,
      `see its status: ecaffe jobs get ${jobId}`,
    );
  const response = await fetch(artifacts.bundle.url);
  if (!response.ok || !response.body)
    throw new CliError(
      `the bundle download answered ${response.status}`,
      exitCodes.refused,
      `try again: ecaffe jobs download ${jobId}`,
    );
  await mkdir(dir, { recursive: true });
  const { x } = require('tar') as typeof import('tar');
  const files: string[] = [];
  await pipeline(
    Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
    x({ cwd: dir, onReadEntry: (entry) => void files.push(entry.path) }),
  );
  return files;
}
