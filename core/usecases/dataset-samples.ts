/**
 * A ready dataset's classes with presigned thumbnails of a few training images each: the labels
 * and counts from the record, the thumbnails from the index the worker wrote (core/dataset-samples.ts).
 */
import { parseSamplesIndex, type SamplesIndex } from '../dataset-samples';
import { ConflictError } from '../errors';
import { keys, presignDownload, readText } from '../objects';
import * as records from '../records/store';
import type { Dataset } from '../records/types';

/** Thumbnails are looked at now, not kept: their URLs expire sooner than downloads of artifacts. */
export const sampleUrlSeconds = 15 * 60;

export interface DatasetSamples {
  classes: Array<{
    label: string;
    index: number;
    count: number;
    samples: Array<{ url: string; width: number; height: number }>;
  }>;
}

/** Where each class's thumbnails are, by label index (empty without an index). */
function samplesByIndex(index: SamplesIndex | undefined): Map<number, SamplesIndex['classes'][number]['samples']> {
  return new Map((index?.classes ?? []).map((entry) => [entry.index, entry.samples]));
}

/** Each label of the dataset, its training count and up to `perClass` presigned thumbnails. */
export async function datasetSamples(tenantId: string, id: string, perClass: number): Promise<DatasetSamples> {
  const dataset: Dataset = await records.get('datasets', tenantId, id);
  if (dataset.status !== 'ready')
    throw new ConflictError(`dataset ${id} is ${dataset.status}; its samples exist once it is ready`);
  const labels = dataset.labels ?? [];
  // An lmdb or leveldb dataset has no labels and no thumbnails: nothing to read.
  const index = labels.length ? parseSamplesIndex(await readText(keys.datasetSamplesIndex(tenantId, id))) : undefined;
  const thumbnails = samplesByIndex(index);
  const classes = await Promise.all(
    labels.map(async (label, labelIndex) => ({
      label,
      index: labelIndex,
      count: dataset.counts?.training[label] ?? 0,
      samples: await Promise.all(
        (thumbnails.get(labelIndex) ?? []).slice(0, perClass).map(async ({ file, width, height }) => ({
          url: await presignDownload(tenantId, keys.datasetSample(tenantId, id, file), undefined, sampleUrlSeconds),
          width,
          height,
        })),
      ),
    })),
  );
  return { classes };
}
