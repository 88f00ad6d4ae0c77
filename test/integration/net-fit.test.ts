/**
 * A net against its dataset through the HTTP API (no training: the datasets are records written
 * straight to the table). A ready dataset checks the net at solver create (400 with line and
 * column, or 201 with warnings); a solver stored while its dataset was being built is checked when
 * a job is queued (422, nothing queued). Also the mean-image route's answers before and without a mean.
 */
import { newId } from '../../core/ids';
import * as records from '../../core/records/store';
import type { Dataset } from '../../core/records/types';
import type { ApiError, ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(2 * 60_000);

const tenant = 'tenant-net-fit';
let tc: TestCloud;
let api: ElasticCaffeClient;

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as(tenant);
});
afterAll(async () => tc?.stop());

/** A dataset record as the worker leaves it (ready: grey 28x28, 10 labels), or still pending. */
async function datasetRecord(status: 'ready' | 'pending'): Promise<string> {
  const now = new Date().toISOString();
  const dataset: Dataset = {
    id: newId('datasets'),
    tenantId: tenant,
    name: `fit-${status}`,
    status,
    attempts: 1,
    createdAt: now,
    updatedAt: now,
    training: { datafileId: 'df_x', splitPercentage: 0.8 },
    testing: { datafileId: 'df_x', splitPercentage: 0.2 },
    ...(status === 'ready'
      ? { shape: { channels: 1, height: 28, width: 28 }, labels: Array.from({ length: 10 }, (_, i) => `l${i}`) }
      : {}),
  };
  await records.putNew('datasets', dataset);
  return dataset.id;
}

const narrowNet = tinyNet().replace('num_output: 10', 'num_output: 4');
/** tinyNet's `num_output` line and column. */
const numOutput = { line: 25, column: 25 };

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error as ApiError,
  );

test('a ready dataset: too few outputs for its labels answers 400 at line and column, naming the dataset', async () => {
  const datasetId = await datasetRecord('ready');
  const error = await failure(
    api.request('POST', '/v1/solvers', { name: 'narrow', datasetId, solver: tinySolver(), net: narrowNet }),
  );
  expect(error.status).toBe(400);
  expect(error.body).toMatchObject({
    detail:
      `the net does not fit dataset ${datasetId} (grey 28x28 images, 10 labels): net 25:25: num_output 4 is less ` +
      'than the dataset\'s 10 labels: the SoftmaxWithLoss layer "loss" reads labels up to 9 from it; ' +
      'set num_output to 10',
    errors: [{ field: 'net', ...numOutput, message: expect.stringContaining('set num_output to 10') }],
  });
  expect((await api.request<{ items: unknown[] }>('GET', '/v1/solvers')).items).toEqual([]);
});

test('a larger output is stored, with a warning at its line', async () => {
  const datasetId = await datasetRecord('ready');
  const solver = await api.request<{ id: string; warnings?: unknown[] }>('POST', '/v1/solvers', {
    name: 'wide',
    datasetId,
    solver: tinySolver(),
    net: tinyNet().replace('num_output: 10', 'num_output: 1000'),
  });
  expect(solver.warnings).toEqual([
    {
      field: 'net',
      ...numOutput,
      message: expect.stringMatching(/^num_output 1000 is more than the dataset's 10 labels/),
    },
  ]);
  expect((await api.request<{ warnings?: unknown[] }>('GET', `/v1/solvers/${solver.id}`)).warnings).toEqual(
    solver.warnings,
  );
});

test('a solver stored while its dataset was built is checked when a job is queued: 422, nothing queued', async () => {
  const datasetId = await datasetRecord('pending');
  const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
    name: 'early',
    datasetId,
    solver: tinySolver(),
    net: narrowNet,
  });
  await records.update('datasets', tenant, datasetId, {
    set: {
      status: 'ready',
      shape: { channels: 1, height: 28, width: 28 },
      labels: Array.from({ length: 10 }, (_, i) => `l${i}`),
    },
  });

  const error = await failure(api.request('POST', '/v1/training-jobs', { solverId: solver.id }));

  expect(error.status).toBe(422);
  expect((error.body as { errors: unknown[] }).errors).toEqual([
    { field: 'net', ...numOutput, message: expect.stringContaining('set num_output to 10') },
  ]);
  expect((await api.request<{ items: unknown[] }>('GET', '/v1/training-jobs')).items).toEqual([]);
});

test('the mean image route: 409 while the dataset is built, 404 for a testing mean nobody asked for', async () => {
  const pending = await datasetRecord('pending');
  expect((await failure(api.request('GET', `/v1/datasets/${pending}/mean`))).status).toBe(409);
  const ready = await datasetRecord('ready');
  const error = await failure(api.request('GET', `/v1/datasets/${ready}/mean?split=testing`));
  expect([error.status, (error.body as { detail: string }).detail]).toEqual([
    404,
    `the testing mean image of dataset ${ready} does not exist: create the dataset with testingMean: true to have one`,
  ]);
  expect((await failure(api.request('GET', `/v1/datasets/${ready}/mean?split=both`))).status).toBe(400);
});
