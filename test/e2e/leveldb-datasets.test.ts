/**
 * LevelDB datafiles through a real local cloud: two LevelDBs written by Caffe's own
 * convert_mnist_data become a dataset used whole (the worker keeps them as LevelDBs and validates
 * them with compute_image_mean), and a tiny net whose Data layers say LMDB trains 20 iterations on it,
 * because the job binds its Data layers with backend LEVELDB. Splitting a LevelDB answers 400.
 */
import { fashionMnistDir } from '../../local/caffe/install';
import { ApiError, type ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { datumDbArchive, readyDatafile } from '../support/format-fixtures';
import { tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(6 * 60_000);

const dataDir = fashionMnistDir();
let tc: TestCloud;
let api: ElasticCaffeClient;

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-leveldb');
});
afterAll(async () => {
  await tc?.stop();
});

interface DatasetView {
  id: string;
  status: string;
  format?: string;
  shape?: { channels: number; height: number; width: number };
  preprocessing?: Record<string, unknown>;
  error?: string;
}

interface Job {
  status: string;
  error?: string;
  progress: { iteration: number };
}

it('two LevelDBs used whole make a ready dataset that a LeNet trains on; splitting one answers 400', async () => {
  const [trainingDb, testingDb] = await Promise.all([
    readyDatafile(api, 'leveldb-train', await datumDbArchive(dataDir, 60, 'leveldb'), 'leveldb'),
    readyDatafile(api, 'leveldb-test', await datumDbArchive(dataDir, 20, 'leveldb'), 'leveldb'),
  ]);
  expect([trainingDb.status, testingDb.status]).toEqual(['ready', 'ready']);

  const split = await api
    .request('POST', '/v1/datasets', {
      name: 'leveldb-split',
      training: { datafileId: trainingDb.id, splitPercentage: 0.8 },
      testing: { datafileId: trainingDb.id, splitPercentage: 0.2 },
    })
    .catch((e: ApiError) => e);
  expect(split).toBeInstanceOf(ApiError);
  expect((split as ApiError).status).toBe(400);
  expect(JSON.stringify((split as ApiError).body)).toContain('leveldb datafiles cannot be split');

  const created = await api.request<{ id: string }>('POST', '/v1/datasets', {
    name: 'leveldb',
    training: { datafileId: trainingDb.id, splitPercentage: 0 },
    testing: { datafileId: testingDb.id, splitPercentage: 0 },
  });
  const dataset = await api.waitFor<DatasetView>(
    `/v1/datasets/${created.id}`,
    (d) => d.status === 'ready' || d.status === 'failed',
  );
  expect(dataset.error).toBeUndefined();
  expect(dataset).toMatchObject({ status: 'ready', format: 'leveldb', shape: { channels: 1, height: 28, width: 28 } });
  expect(dataset.preprocessing).toMatchObject({ meanFile: true, resizeMode: 'none' });

  const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
    name: 'leveldb',
    datasetId: created.id,
    solver: tinySolver(20),
    net: tinyNet(),
  });
  const queued = await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id });
  const job = await api.waitFor<Job>(`/v1/training-jobs/${queued.id}`, (j) =>
    ['succeeded', 'failed', 'cancelled'].includes(j.status),
  );
  expect(job.error).toBeUndefined();
  expect(job.status).toBe('succeeded');
  expect(job.progress.iteration).toBe(20);
});
