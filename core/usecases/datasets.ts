/**
 * Datasets: training and testing databases (LMDBs, or LevelDBs used as uploaded) built by the worker from one or two
 * datafiles.
 */
import type { z } from 'zod';
import { ConflictError, NotFoundError, UnprocessableError, ValidationError } from '../errors';
import { newId } from '../ids';
import { keys, objectSize, presignDownload } from '../objects';
import * as records from '../records/store';
import type { DatafileFormat, Dataset } from '../records/types';
import type { createDatasetBody } from '../api/datasets';
import { currentDatafile } from './datafiles';
import { enqueueOrFail } from './work/dispatch';

type Input = z.infer<typeof createDatasetBody>;

/**
 * Seed semantics: the same datafile on both sides is split by the two fractions (which must not
 * overlap); two different datafiles are used whole when the fraction is 0.
 */
function checkSplit(input: Input): void {
  const { training, testing } = input;
  if (training.datafileId === testing.datafileId) {
    if (training.splitPercentage <= 0 || testing.splitPercentage <= 0)
      throw new ValidationError('splitting one datafile needs both splitPercentage values above 0 (e.g. 0.8 and 0.2)', [
        { field: 'training.splitPercentage', message: 'must be > 0 when training and testing use the same datafile' },
      ]);
    if (training.splitPercentage + testing.splitPercentage > 1 + 1e-9)
      throw new ValidationError(
        `training and testing take ${training.splitPercentage} + ${testing.splitPercentage} of the ` +
          `same datafile, more than all of it`,
        [{ field: 'testing.splitPercentage', message: 'training + testing must be at most 1' }],
      );
  }
}

/**
 * What each format allows: image folders and IDX are split and transformed image by image; an
 * archived database of Datums (lmdb, leveldb) is used whole, as stored (re-encoding Datums is not offered).
 */
function checkFormat(input: Input, formats: { training: DatafileFormat; testing: DatafileFormat }): void {
  if (formats.training !== formats.testing)
    throw new ValidationError(
      `training is ${formats.training} and testing is ${formats.testing}; both sides must be the same format`,
      [{ field: 'testing.datafileId', message: `must be a ${formats.training} datafile like training` }],
    );
  const format = formats.training;
  if (format !== 'lmdb' && format !== 'leveldb') return;
  const errors = (['training', 'testing'] as const)
    .filter((side) => input[side].splitPercentage !== 0)
    .map((side) => ({
      field: `${side}.splitPercentage`,
      message: `must be 0 (use the whole database): ${format} datafiles cannot be split`,
    }));
  if (input.transform && Object.keys(input.transform).some((key) => key !== 'shuffle' && key !== 'seed'))
    errors.push({
      field: 'transform',
      message: `${format} datafiles are used as stored: no resize or grayscale/colour conversion`,
    });
  if (errors.length)
    throw new ValidationError(
      `${format} datafiles are used whole and as stored: pair two of them with splitPercentage 0 and no transform`,
      errors,
    );
}

/** Creates the dataset record and queues its preparation. */
export async function createDataset(tenantId: string, input: Input): Promise<Dataset> {
  checkSplit(input);
  const formats = { training: 'image-folders', testing: 'image-folders' } as {
    training: DatafileFormat;
    testing: DatafileFormat;
  };
  for (const side of ['training', 'testing'] as const) {
    const datafile = await currentDatafile(tenantId, input[side].datafileId);
    // A datafile still being inspected or imported is fine: the dataset's worker waits for it to be ready.
    if (datafile.status === 'failed')
      throw new UnprocessableError(
        `datafile ${datafile.id} failed (${datafile.error ?? 'no reason recorded'}); a dataset cannot be built from it`,
      );
    if (datafile.status === 'awaiting-upload')
      throw new UnprocessableError(
        `datafile ${datafile.id} is awaiting-upload; upload its archive before building a dataset from it`,
      );
    formats[side] = datafile.format;
  }
  checkFormat(input, formats);
  const now = new Date().toISOString();
  const dataset: Dataset = {
    id: newId('datasets'),
    tenantId,
    name: input.name,
    status: 'pending',
    training: input.training,
    testing: input.testing,
    ...(input.transform ? { transform: input.transform } : {}),
    ...(input.testingMean ? { testingMean: true } : {}),
    format: formats.training,
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('datasets', dataset);
  await enqueueOrFail('datasets', dataset, 'prepare-dataset');
  return dataset;
}

/** A presigned download of a split's mean image, with its shape and per-channel means. */
export async function datasetMean(tenantId: string, id: string, split: 'training' | 'testing') {
  const dataset = await records.get('datasets', tenantId, id);
  if (dataset.status !== 'ready' || !dataset.shape) {
    throw new ConflictError(`dataset ${id} is ${dataset.status}; its mean image exists once it is ready`);
  }
  const key = keys.datasetMean(tenantId, id, split);
  const bytes = split === 'testing' && !dataset.testingMean ? undefined : await objectSize(key);
  if (bytes === undefined) {
    const hint = split === 'testing' ? 'create the dataset with testingMean: true to have one' : undefined;
    throw new NotFoundError(`the ${split} mean image of dataset`, id, hint);
  }
  const mean = dataset.mean?.[split];
  const url = await presignDownload(tenantId, key, `${id}-${split}-mean.binaryproto`);
  return { split, url, bytes, shape: dataset.shape, ...(mean ? { mean } : {}) };
}
