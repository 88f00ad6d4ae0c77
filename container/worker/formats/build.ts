/** What every format's builder produces: one LMDB per side and the facts recorded on the dataset. */
import type { Dataset } from '../../../core/records/types';
import type { WorkerContext } from '../context';
import type { Side } from '../split';
import type { DatumShape } from './mean';

export interface BuildInput {
  ctx: WorkerContext;
  dataset: Dataset;
  sameDatafile: boolean;
  seed: number;
  shuffle: boolean;
}

export interface BuiltSides {
  /** Database folders: LMDBs (each holding data.mdb), or the LevelDBs of a leveldb datafile. */
  dbs: Record<Side, string>;
  /** The images each LMDB was converted from and their list, kept for ImageData layers (image builds only). */
  images?: Record<Side, { root: string; listFile: string }>;
  /** Or those images already packed as the tar ImageData layers read (formats/image-archive.ts). */
  imageTars?: Record<Side, string>;
  labels?: string[];
  counts?: Record<Side, Record<string, number>>;
  shape: DatumShape;
  grayscale: boolean;
  resized: boolean;
  /** The training mean, when the builder computed it while converting (else compute_image_mean runs). */
  mean?: { file: string; shape: DatumShape };
}

/** Per-label counts of one side. */
export const countsOf = <T>(part: Map<string, T[]>): Record<string, number> =>
  Object.fromEntries([...part].map(([label, items]) => [label, items.length]));
