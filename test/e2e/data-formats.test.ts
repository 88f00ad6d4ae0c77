/**
 * Real Caffe trains on a dataset of every datafile format the service accepts for datasets:
 * image folders (zip, resized to 32x32 colour), IDX pairs, and an LMDB of Datums used whole.
 * A tiny LeNet, 30 iterations each: the point is that each format's LMDB feeds Caffe, not accuracy.
 */
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { idxArchive, imageFoldersZip, lmdbArchive, readyDatafile } from '../support/format-fixtures';
import { tinySolver } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

const dataDir = fashionMnistDir();
let tc: TestCloud;
let api: ElasticCaffeClient;

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-data-formats');
});
afterAll(async () => {
  await tc?.stop();
});

const tinyLenet =
  `name: "tiny-lenet"
layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TRAIN }
  transform_param { scale: 0.00390625 } data_param { source: "train" batch_size: 10 backend: LMDB } }
layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TEST }
  transform_param { scale: 0.00390625 } data_param { source: "test" batch_size: 10 backend: LMDB } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
  convolution_param { num_output: 8 kernel_size: 5 weight_filler { type: "xavier" } } }
layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" ` +
  `pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "ip1" type: "InnerProduct" bottom: "pool1" top: "ip1" ` +
  `inner_product_param { num_output: 10 weight_filler { type: "xavier" } } }
layer { name: "accuracy" type: "Accuracy" bottom: "ip1" bottom: "label" top: "accuracy" include { phase: TEST } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip1" bottom: "label" top: "loss" }
`;

interface Job {
  status: string;
  error?: string;
  progress: { iteration: number };
}

/** Builds the dataset, trains the tiny LeNet 30 iterations on it, and answers with the finished job. */
async function trainOn(name: string, training: object, testing: object, transform?: object): Promise<Job> {
  const created = await api.request<{ id: string }>('POST', '/v1/datasets', {
    name,
    training,
    testing,
    ...(transform ? { transform } : {}),
  });
  const dataset = await api.waitFor<{ status: string; error?: string }>(
    `/v1/datasets/${created.id}`,
    (d) => d.status === 'ready' || d.status === 'failed',
  );
  expect(dataset.error).toBeUndefined();
  const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
    name,
    datasetId: created.id,
    solver: tinySolver(30),
    net: tinyLenet,
  });
  const queued = await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id });
  return api.waitFor<Job>(`/v1/training-jobs/${queued.id}`, (j) =>
    ['succeeded', 'failed', 'cancelled'].includes(j.status),
  );
}

it('trains on image folders (zip, resized to 32x32 colour), IDX pairs and an LMDB used whole', async () => {
  const [zip, idx, lmdbA, lmdbB] = await Promise.all([
    readyDatafile(api, 'zip', await imageFoldersZip(dataDir, 100), 'image-folders'),
    readyDatafile(api, 'idx', await idxArchive(dataDir, 100), 'idx'),
    readyDatafile(api, 'lmdb-train', await lmdbArchive(dataDir, 80), 'lmdb'),
    readyDatafile(api, 'lmdb-test', await lmdbArchive(dataDir, 20), 'lmdb'),
  ]);
  const split = (id: string) =>
    [
      { datafileId: id, splitPercentage: 0.8 },
      { datafileId: id, splitPercentage: 0.2 },
    ] as const;
  const jobs = await Promise.all([
    trainOn('zip-32-colour', ...split(zip.id), { width: 32, height: 32, resizeMode: 'stretch', grayscale: false }),
    trainOn('idx', ...split(idx.id)),
    trainOn('lmdb', { datafileId: lmdbA.id, splitPercentage: 0 }, { datafileId: lmdbB.id, splitPercentage: 0 }),
  ]);
  for (const job of jobs) {
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.progress.iteration).toBe(30);
  }
});
