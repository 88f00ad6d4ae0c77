/** Datasets: training and testing LMDBs built by the worker from one or two datafiles. */
import type { z } from 'zod';
import { UnprocessableError, ValidationError } from '../errors';
import { newId } from '../ids';
import * as records from '../records/store';
import type { Dataset } from '../records/types';
import type { createDatasetBody } from '../api/datasets';
import { currentDatafile } from './datafiles';
import { enqueueOrFail } from './work';

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
        `training and testing take ${training.splitPercentage} + ${testing.splitPercentage} of the same datafile, more than all of it`,
        [{ field: 'testing.splitPercentage', message: 'training + testing must be at most 1' }],
      );
  }
}

/** Creates the dataset record and queues its preparation. */
export async function createDataset(tenantId: string, input: Input): Promise<Dataset> {
  checkSplit(input);
  for (const side of ['training', 'testing'] as const) {
    const datafile = await currentDatafile(tenantId, input[side].datafileId);
    if (datafile.status !== 'ready')
      throw new UnprocessableError(`datafile ${datafile.id} is ${datafile.status}; upload its archive before building a dataset from it`);
  }
  const now = new Date().toISOString();
  const dataset: Dataset = {
    id: newId('datasets'),
    tenantId,
    name: input.name,
    status: 'pending',
    training: input.training,
    testing: input.testing,
    ...(input.transform ? { transform: input.transform } : {}),
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('datasets', dataset);
  await enqueueOrFail('datasets', dataset, 'prepare-dataset');
  return dataset;
}
