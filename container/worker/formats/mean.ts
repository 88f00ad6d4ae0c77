/**
 * The mean image of a database of Caffe Datums, by Caffe's own `compute_image_mean`. Reading every
 * Datum also proves the database opens and holds Datums of one shape, so an uploaded LMDB or
 * LevelDB is validated the same way; the shape and count come from the tool's output.
 */
import { readFile } from 'node:fs/promises';
import { runCaffeTool } from '../../../core/caffe/tools';
import { PermanentFailure } from '../errors';
import { logStep } from './steps';

export interface DatumShape {
  channels: number;
  height: number;
  width: number;
}

/** Reads the legacy num/channels/height/width varints (fields 1–4) of a BlobProto; skips the rest. */
export function blobProtoShape(data: Buffer): DatumShape {
  const fields: Record<number, number> = {};
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = data[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (offset < data.length) {
    const tag = varint();
    const [field, wire] = [Math.floor(tag / 8), tag & 7];
    if (wire === 0) fields[field] = varint();
    else if (wire === 2) {
      const length = varint();
      offset += length;
    }
    else if (wire === 5) offset += 4;
    else if (wire === 1) offset += 8;
    else throw new Error(`unexpected wire type ${wire}`);
  }
  return { channels: fields[2] ?? 0, height: fields[3] ?? 0, width: fields[4] ?? 0 };
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
  const result = await runCaffeTool('compute_image_mean', [`--backend=${backend}`, db, out], caffePrefix ? { prefix: caffePrefix } : {});
  if (result.code !== 0) {
    const reason = result.output.split('\n').reverse().find((line) => /Check failed|Error|error|FAILED|Aborted/.test(line)) ?? `exit ${result.code ?? result.signal}`;
    throw new PermanentFailure(`${what} is not a readable ${backend} database of Caffe Datums of one shape: ${reason.trim()}`);
  }
  // Whatever follows (a dataset's uploads and record) shows in the log as the time after this mark.
  logStep('compute_image_mean done');
  const processed = [...result.output.matchAll(/Processed (\d+) files/g)].at(-1);
  const shape = blobProtoShape(await readFile(out));
  return { ...shape, count: processed ? Number(processed[1]) : 0 };
}
