/** What every format's builder produces: one LMDB per side and the facts recorded on the dataset. */
import { sampleQuota } from '../../../core/dataset-samples';
import type { Dataset } from '../../../core/records/types';
import type { WorkerContext } from '../context';
import { PermanentFailure } from '../errors';
import { splitSides, type Side } from '../split';
import { logStep } from './steps';
import type { SampleImage } from '../thumbnails';
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
  /** A few training images of each label for the dataset's thumbnails (dataset-samples.ts); none for databases. */
  samples?: Map<string, SampleImage[]>;
  /** The training mean, when the builder computed it while converting (else compute_image_mean runs). */
  mean?: { file: string; shape: DatumShape };
}

/** Per-label counts of one side. */
export const countsOf = <T>(part: Map<string, T[]>): Record<string, number> =>
  Object.fromEntries([...part].map(([label, items]) => [label, items.length]));

/**
 * The dataset's split of labelled images (seeded and stratified; one datafile split by the
 * percentages, or two paired) and its labels, sorted: every builder of image folders starts here.
 * The testing side may not bring a label the training side lacks.
 */
export function splitLabelled<T>(
  input: BuildInput,
  byLabel: Record<Side, Map<string, T[]>>,
): { parts: Record<Side, Map<string, T[]>>; labels: string[] } {
  const { dataset } = input;
  logStep('split');
  const parts = splitSides(
    byLabel,
    { training: dataset.training.splitPercentage, testing: dataset.testing.splitPercentage },
    input.sameDatafile,
    input.seed,
  );
  const labels = [...parts.training.keys()].sort();
  const unknown = [...parts.testing.keys()].find((label) => !labels.includes(label));
  if (unknown)
    throw new PermanentFailure(`the testing data has a label folder "${unknown}" that the training data lacks`);
  return { parts, labels };
}

/**
 * The training images each label shows as samples: the first few of its split (already in a seeded
 * random order), as many as core/dataset-samples.ts's quota allows for this many labels.
 */
export function pickSamples<T>(training: Map<string, T[]>, labels: readonly string[]): Map<string, T[]> {
  const { perClass, classesWithSamples } = sampleQuota(labels.length);
  return new Map(
    labels.slice(0, classesWithSamples).map((label) => [label, (training.get(label) ?? []).slice(0, perClass)]),
  );
}
