/**
 * Every datafile format through the API of a real local cloud (real worker, real Caffe tools):
 * zip and tar image folders with transforms, IDX pairs, an LMDB used whole; the mean image and the
 * recorded preprocessing; hostile zips, duplicates and a decompression bomb failing by name.
 * All datasets are started together in beforeAll so the two local workers build them in parallel.
 */
import { fashionMnistDir } from '../../local/caffe/install';
import { ApiError, type ElasticCaffeClient } from '../support/client';
import { keys, objectSize } from '../../core/objects';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { idxArchive, imageFoldersTar, imageFoldersZip, lmdbArchive, readyDatafile } from '../support/format-fixtures';
import { craftTar, craftZip, fashionMnistZipEntries } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

const TENANT = 'tenant-formats';
const dataDir = fashionMnistDir();
let tc: TestCloud;
let api: ElasticCaffeClient;

interface DatasetView {
  id: string;
  status: string;
  labels?: string[];
  counts?: { training: Record<string, number>; testing: Record<string, number> };
  shape?: { channels: number; height: number; width: number };
  preprocessing?: Record<string, unknown>;
  seed?: number;
  format?: string;
  error?: string;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

async function startDataset(
  name: string,
  training: { datafileId: string; splitPercentage: number },
  testing: typeof training,
  transform?: object,
) {
  return api.request<DatasetView>('POST', '/v1/datasets', {
    name,
    training,
    testing,
    ...(transform ? { transform } : {}),
  });
}
const finished = (id: string) =>
  api.waitFor<DatasetView>(`/v1/datasets/${id}`, (d) => d.status === 'ready' || d.status === 'failed', {
    timeoutMs: 4 * 60_000,
  });

/** Uploads a datafile and builds a 0.8/0.2 dataset of it; resolves to the finished dataset. */
async function splitDataset(name: string, data: Buffer, format: string, transform?: object): Promise<DatasetView> {
  const datafile = await readyDatafile(api, name, data, format);
  if (datafile.status !== 'ready')
    return { id: '', status: 'failed', error: datafile.error ?? `datafile ${datafile.status}` };
  const created = await startDataset(
    name,
    { datafileId: datafile.id, splitPercentage: 0.8 },
    { datafileId: datafile.id, splitPercentage: 0.2 },
    transform,
  );
  return finished(created.id);
}

const built: Record<string, Promise<DatasetView>> = {};
let lmdbIds: string[] = [];

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as(TENANT);
  const zipEntries = (await fashionMnistZipEntries(dataDir, 30)).entries;
  const duplicateOf = zipEntries.find((entry) => entry.data)!.path;
  const lmdb = await lmdbArchive(dataDir, 60);
  Object.assign(built, {
    zipResized: splitDataset('zip-32', await imageFoldersZip(dataDir, 60), 'image-folders', {
      width: 32,
      height: 32,
      resizeMode: 'stretch',
      grayscale: false,
    }),
    tarUnshuffled: splitDataset('tar-plain', await imageFoldersTar(dataDir, 60), 'image-folders', {
      shuffle: false,
      seed: 7,
    }),
    idx: splitDataset('idx', await idxArchive(dataDir, 100), 'idx'),
    zipSlip: splitDataset(
      'zip-slip',
      craftZip([...zipEntries, { path: '../../evil.png', data: 'x' }]),
      'image-folders',
    ),
    zipAbsolute: splitDataset(
      'zip-absolute',
      craftZip([...zipEntries, { path: '/tmp/evil.png', data: 'x' }]),
      'image-folders',
    ),
    zipSymlink: splitDataset(
      'zip-symlink',
      craftZip([...zipEntries, { path: '0-t-shirt-top/link.png', data: '/etc/passwd', mode: 0o120777 }]),
      'image-folders',
    ),
    duplicates: splitDataset(
      'dup',
      craftZip([...zipEntries, { path: duplicateOf.toUpperCase(), data: 'x' }]),
      'image-folders',
    ),
    // 40 MiB of zeros gzips to ~40 KiB: past the default ratio limit (100) once past its 16 MiB floor.
    bomb: splitDataset(
      'bomb',
      craftTar([{ path: '0-t-shirt-top/zeros.png', data: Buffer.alloc(40 << 20) }], { gzip: true }),
      'image-folders',
    ),
  });
  const [a, b] = await Promise.all([
    readyDatafile(api, 'lmdb-a', lmdb, 'lmdb'),
    readyDatafile(api, 'lmdb-b', lmdb, 'lmdb'),
  ]);
  lmdbIds = [a.id, b.id];
  built.lmdb = startDataset(
    'lmdb',
    { datafileId: a.id, splitPercentage: 0 },
    { datafileId: b.id, splitPercentage: 0 },
  ).then((d) => finished(d.id));
  // Nothing rejects unhandled while earlier tests run.
  for (const promise of Object.values(built)) promise.catch(() => undefined);
});

afterAll(async () => {
  await tc?.stop();
});

describe('formats become datasets', () => {
  it('zip image folders, resized to 32x32 in colour: shape, preprocessing and the mean image', async () => {
    const dataset = await built.zipResized!;
    expect(dataset.error).toBeUndefined();
    expect(dataset.status).toBe('ready');
    expect(dataset.shape).toEqual({ channels: 3, height: 32, width: 32 });
    expect(dataset.preprocessing).toEqual({
      channels: 3,
      height: 32,
      width: 32,
      grayscale: false,
      resizeMode: 'stretch',
      meanFile: true,
    });
    expect(sum(dataset.counts!.training) + sum(dataset.counts!.testing)).toBe(60);
    expect(await objectSize(keys.datasetMean(TENANT, dataset.id))).toBeGreaterThan(32 * 32 * 3 * 4);
  });

  it('a plain tar, unshuffled with a given seed: the seed is recorded, no resize', async () => {
    const dataset = await built.tarUnshuffled!;
    expect(dataset.status).toBe('ready');
    expect(dataset.seed).toBe(7);
    expect(dataset.preprocessing).toEqual({
      channels: 1,
      height: 28,
      width: 28,
      grayscale: true,
      resizeMode: 'none',
      meanFile: true,
    });
  });

  it('IDX pairs (gzipped, in a tar) split stratified, labelled by value', async () => {
    const dataset = await built.idx!;
    expect(dataset.error).toBeUndefined();
    expect(dataset.status).toBe('ready');
    expect(dataset.format).toBe('idx');
    expect(dataset.labels).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(dataset.shape).toEqual({ channels: 1, height: 28, width: 28 });
    expect(sum(dataset.counts!.training) + sum(dataset.counts!.testing)).toBe(100);
    expect(sum(dataset.counts!.training)).toBeGreaterThanOrEqual(75);
  });

  it('an LMDB of Datums used whole on each side: shape from the Datums, mean stored', async () => {
    const dataset = await built.lmdb!;
    expect(dataset.error).toBeUndefined();
    expect(dataset.status).toBe('ready');
    expect(dataset.shape).toEqual({ channels: 1, height: 28, width: 28 });
    expect(dataset.preprocessing).toMatchObject({ meanFile: true, resizeMode: 'none' });
  });
});

describe('requests a format cannot honour answer 400', () => {
  it('splitting an lmdb datafile, naming the field', async () => {
    const [id] = lmdbIds;
    const error = await startDataset(
      'lmdb-split',
      { datafileId: id!, splitPercentage: 0.8 },
      { datafileId: id!, splitPercentage: 0.2 },
    ).catch((e: ApiError) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect(JSON.stringify((error as ApiError).body)).toContain('training.splitPercentage');
  });

  it('a resize mode other than stretch', async () => {
    const [id] = lmdbIds;
    const error = await startDataset(
      'fit',
      { datafileId: id!, splitPercentage: 0.8 },
      { datafileId: id!, splitPercentage: 0.2 },
      { width: 8, height: 8, resizeMode: 'fit' },
    ).catch((e: ApiError) => e);
    expect((error as ApiError).status).toBe(400);
    expect(JSON.stringify((error as ApiError).body)).toContain('the only resize mode is \\"stretch\\"');
  });
});

describe('hostile archives fail, naming the entry', () => {
  it.each([
    ['zipSlip', 'entry "../../evil.png" escapes the archive with ".."'],
    ['zipAbsolute', 'entry "/tmp/evil.png" has an absolute path'],
    ['zipSymlink', 'entry "0-t-shirt-top/link.png" is a symbolic link'],
    ['duplicates', 'entry "9-ANKLE-BOOT/00000.PNG" has the same name as "9-ankle-boot/00000.png" once extracted'],
    ['bomb', 'while reading entry "0-t-shirt-top/zeros.png"; is it a decompression bomb?'],
  ])('%s', async (name, message) => {
    const dataset = await built[name]!;
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toContain(message);
  });
});
