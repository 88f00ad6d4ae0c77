/**
 * The mean image of a database of Caffe Datums, by Caffe's own `compute_image_mean`. Reading every
 * Datum also proves the database opens and holds Datums of one shape, so an uploaded LMDB or
 * LevelDB is validated the same way; the shape and count come from the tool's output.
 */
import { readFile } from 'node:fs/promises';
import { readBlobProto } from '../../../core/caffe/mean';
import { runCaffeTool } from '../../../core/caffe/tools';
import { PermanentFailure } from '../errors';
import { logStep } from './steps';

export interface DatumShape {
  channels: number;
  height: number;
  width: number;
}

/** Computes the mean image of `db` into `out`; returns the Datum shape and how many Datums there are. */
export async function computeMean(
  db: string,
  backend: 'lmdb' | 'leveldb',
  out: string,
  what: string,
  caffePrefix?: string,
): Promise<DatumShape & { count: number }> {
  logStep('compute_image_mean');
  const result = await runCaffeTool(
    'compute_image_mean',
    [`--backend=${backend}`, db, out],
    caffePrefix ? { prefix: caffePrefix } : {},
  );
  if (result.code !== 0) {
    const reason =
      result.output
        .split('\n')
        .reverse()
        .find((line) => /Check failed|Error|error|FAILED|Aborted/.test(line)) ?? `exit ${result.code ?? result.signal}`;
    throw new PermanentFailure(
      `${what} is not a readable ${backend} database of Caffe Datums of one shape: ${reason.trim()}`,
    );
  }
  // Whatever follows (a dataset's uploads and record) shows in the log as the time after this mark.
  logStep('compute_image_mean done');
  const processed = [...result.output.matchAll(/Processed (\d+) files/g)].at(-1);
  const { channels, height, width } = readBlobProto(await readFile(out));
  const shape = { channels, height, width };
  return { ...shape, count: processed ? Number(processed[1]) : 0 };
}
