/**
 * Real Caffe trains a tiny LeNet whose data layers are ImageData layers: the worker binds them to
 * the images the dataset kept (list file + extracted folder) with the dataset's grey conversion
 * and resize, whatever source and root_folder the net names.
 */
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { idxArchive, imageFoldersTar, readyDatafile } from '../support/format-fixtures';
import { tinySolver } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

let tc: TestCloud;
let api: ElasticCaffeClient;

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-image-data');
});
afterAll(async () => {
  await tc?.stop();
});

// source and root_folder name files on the worker; the service replaces them.
const imageDataLenet =
  `name: "tiny-lenet-images"
layer { name: "data" type: "ImageData" top: "data" top: "label" include { phase: TRAIN }
  transform_param { scale: 0.00390625 }
  image_data_param { source: "/etc/passwd" root_folder: "/" batch_size: 10 shuffle: true } }
layer { name: "data" type: "ImageData" top: "data" top: "label" include { phase: TEST }
  transform_param { scale: 0.00390625 } image_data_param { source: "test.txt" batch_size: 10 } }
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
  id: string;
  status: string;
  error?: string;
  progress: { iteration: number };
}

it(
  'trains ImageData layers on the images of an image-folders ' + 'dataset (resized to 24x24 grey); the loss falls',
  async () => {
    const datafile = await readyDatafile(
      api,
      'images-tar',
      await imageFoldersTar(fashionMnistDir(), 100),
      'image-folders',
    );
    const created = await api.request<{ id: string }>('POST', '/v1/datasets', {
      name: 'images-24-grey',
      training: { datafileId: datafile.id, splitPercentage: 0.8 },
      testing: { datafileId: datafile.id, splitPercentage: 0.2 },
      transform: { width: 24, height: 24, resizeMode: 'stretch', grayscale: true },
    });
    const dataset = await api.waitFor<{
      status: string;
      error?: string;
      counts?: Record<'training' | 'testing', Record<string, number>>;
    }>(`/v1/datasets/${created.id}`, (d) => d.status === 'ready' || d.status === 'failed');
    expect(dataset.error).toBeUndefined();
    const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'image-data',
      datasetId: created.id,
      solver: tinySolver(30),
      net: imageDataLenet,
    });
    const queued = await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id });

    const job = await api.waitFor<Job>(`/v1/training-jobs/${queued.id}`, (j) =>
      ['succeeded', 'failed', 'cancelled'].includes(j.status),
    );

    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.progress.iteration).toBe(30);
    const log = await api.request<string>('GET', `/v1/training-jobs/${job.id}/logs?limit=4194304`);
    // Caffe's ImageData layer logs the shape it reads: grey and resized as the dataset says.
    expect(log).toMatch(/output data size: 10,1,24,24/);
    // Each side reads exactly the images of its LMDB (the stratified split's counts).
    const total = (side: 'training' | 'testing') =>
      Object.values(dataset.counts?.[side] ?? {}).reduce((a, b) => a + b, 0);
    const totals = [...log.matchAll(/A total of (\d+) images\./g)].map((m) => Number(m[1]));
    expect(totals).toEqual([total('training'), total('testing')]);
    const metrics = await api.request<{ train: Array<{ iteration: number; loss: number | null }> }>(
      'GET',
      `/v1/training-jobs/${job.id}/metrics`,
    );
    const losses = metrics.train.map((p) => p.loss ?? Number.NaN);
    expect(losses.length).toBeGreaterThan(2);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  },
);

it(
  'fails a job whose ImageData net trains on a dataset that ' + 'keeps no images (IDX converted directly), saying why',
  async () => {
    const datafile = await readyDatafile(api, 'idx', await idxArchive(fashionMnistDir(), 40), 'idx');
    const created = await api.request<{ id: string }>('POST', '/v1/datasets', {
      name: 'idx-no-images',
      training: { datafileId: datafile.id, splitPercentage: 0.5 },
      testing: { datafileId: datafile.id, splitPercentage: 0.5 },
    });
    await api.waitFor<{ status: string }>(
      `/v1/datasets/${created.id}`,
      (d) => d.status === 'ready' || d.status === 'failed',
    );
    const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'image-data-idx',
      datasetId: created.id,
      solver: tinySolver(10),
      net: imageDataLenet,
    });
    const queued = await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id });

    const job = await api.waitFor<Job>(`/v1/training-jobs/${queued.id}`, (j) =>
      ['succeeded', 'failed', 'cancelled'].includes(j.status),
    );

    expect(job.status).toBe('failed');
    expect(job.error).toBe(
      `the net has ImageData layers, but dataset ${created.id} keeps no images ` +
        `(only datasets built from image folders, or from IDX with a transform, do); use Data layers`,
    );
  },
);
