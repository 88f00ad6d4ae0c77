/**
 * Dataset preparation through the API of a real local cloud: the real worker, real
 * `convert_imageset`. Good archives become LMDBs with labels, counts and shape; hostile or broken
 * archives fail permanently with a message naming the culprit, and write nothing outside.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { fashionMnistFolders } from '../../local/fixtures/fashion-mnist';
import { objectSize } from '../../core/objects';
import * as records from '../../core/records/store';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar, fashionMnistEntries, uploadArchive, type TarEntry } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

const TENANT = 'tenant-datasets';
let tc: TestCloud;
let api: ElasticCaffeClient;
const dataDir = fashionMnistDir();
const unique = `ec-evil-${process.pid}-${Date.now().toString(36)}`;
/** Where a hostile archive would write if extraction followed it (absolute, so it outlives the job's scratch dir). */
const evilFile = path.join(os.tmpdir(), `${unique}.png`);
const evilDotDotFile = path.join(os.tmpdir(), `${unique}-dotdot.png`);
const evilDir = mkdtempSync(path.join(os.tmpdir(), `${unique}-dir-`));

interface DatasetView {
  id: string;
  status: string;
  labels?: string[];
  counts?: { training: Record<string, number>; testing: Record<string, number> };
  shape?: { channels: number; height: number; width: number };
  error?: string;
  attempts: number;
}

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as(TENANT);
});

afterAll(async () => {
  await tc?.stop();
  rmSync(evilDir, { recursive: true, force: true });
  rmSync(evilFile, { force: true });
  rmSync(evilDotDotFile, { force: true });
});

/** Uploads the archive, builds a dataset splitting it 0.8/0.2, and waits until it is ready or failed. */
async function datasetFrom(name: string, archive: Buffer): Promise<DatasetView> {
  const datafile = await uploadArchive(api, name, archive);
  return buildDataset(name, datafile.id);
}

async function buildDataset(name: string, datafileId: string): Promise<DatasetView> {
  const created = await api.request<DatasetView>('POST', '/v1/datasets', {
    name,
    training: { datafileId, splitPercentage: 0.8 },
    testing: { datafileId, splitPercentage: 0.2 },
  });
  expect(created.status).toBe('pending');
  return api.waitFor<DatasetView & Record<string, unknown>>(
    `/v1/datasets/${created.id}`,
    (d) => d.status === 'ready' || d.status === 'failed',
    {
      timeoutMs: 4 * 60_000,
    },
  );
}

/** A few good images, so a rejection is about the bad entry and not an empty archive. */
const goodEntries = async (count = 20) => (await fashionMnistEntries(dataDir, count)).entries;

describe('a good archive', () => {
  let counts: Record<string, number>;
  let first: DatasetView;
  let datafileId: string;

  beforeAll(async () => {
    const archive = await fashionMnistEntries(dataDir, 200);
    counts = archive.counts;
    const datafile = await uploadArchive(api, 'fashion-200', craftTar(archive.entries, { gzip: true }));
    datafileId = datafile.id;
    first = await buildDataset('fashion-200', datafileId);
  });

  it('becomes ready with labels in folder order and the image shape', () => {
    expect(first.error).toBeUndefined();
    expect(first.status).toBe('ready');
    const present = fashionMnistFolders.filter((folder) => counts[folder]);
    expect(present.length).toBeGreaterThan(5);
    expect(first.labels).toEqual(present);
    expect(first.shape).toEqual({ channels: 1, height: 28, width: 28 });
    expect(first.attempts).toBe(1);
  });

  it('splits every class 0.8 / 0.2: per-class counts add up to the class and the totals to 200', () => {
    const { training, testing } = first.counts!;
    for (const label of first.labels!) {
      const total = counts[label]!;
      expect(training[label]).toBe(Math.round(total * 0.8));
      expect(training[label]! + testing[label]!).toBe(total);
    }
    const sum = (side: Record<string, number>) => Object.values(side).reduce((a, b) => a + b, 0);
    expect(sum(training) + sum(testing)).toBe(200);
    expect(sum(training)).toBeGreaterThanOrEqual(150);
    expect(sum(testing)).toBeGreaterThanOrEqual(30);
  });

  it('stores both LMDBs in the tenant prefix (internal keys stay out of the API view)', async () => {
    expect(first).not.toHaveProperty('lmdb');
    const record = await records.get('datasets', TENANT, first.id);
    for (const side of ['training', 'testing'] as const) {
      const key = record.lmdb![side];
      expect(key.startsWith(`tenants/${TENANT}/datasets/${first.id}/`)).toBe(true);
      expect(await objectSize(key)).toBeGreaterThan(0);
    }
  });

  it('the same request again gives identical labels, counts and shape', async () => {
    const second = await buildDataset('fashion-200-again', datafileId);
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('ready');
    expect(second.labels).toEqual(first.labels);
    expect(second.counts).toEqual(first.counts);
    expect(second.shape).toEqual(first.shape);
  });
});

describe('hostile archives fail, naming the entry, and write nothing outside', () => {
  it('an entry with ".." (relative escape)', async () => {
    const escaping = `${'../'.repeat(12)}${path.relative('/', evilDotDotFile)}`;
    const archive = craftTar([
      ...(await goodEntries()),
      { path: '../evil.png', data: 'x' },
      { path: escaping, data: 'pwned' },
    ]);
    const dataset = await datasetFrom('dotdot', archive);
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toContain('entry "../evil.png" escapes the archive with ".."');
    expect(dataset.error).toContain(`entry "${escaping}"`);
    expect(dataset.attempts).toBe(1);
    expect(existsSync(evilDotDotFile)).toBe(false);
  });

  it('an absolute path', async () => {
    const archive = craftTar([...(await goodEntries()), { path: evilFile, data: 'pwned' }], { gzip: true });
    const dataset = await datasetFrom('absolute', archive);
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toContain(`entry "${evilFile}" has an absolute path`);
    expect(dataset.attempts).toBe(1);
    expect(existsSync(evilFile)).toBe(false);
  });

  it('a symbolic link (and a file written through it)', async () => {
    const link = `${fashionMnistFolders[0]}/escape`;
    const archive = craftTar([
      ...(await goodEntries()),
      { path: link, type: 'symlink', target: evilDir },
      { path: `${link}/evil.png`, data: 'pwned' },
    ]);
    const dataset = await datasetFrom('symlink', archive);
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toContain(`entry "${link}" is a symbolic link`);
    expect(dataset.attempts).toBe(1);
    expect(readdirSync(evilDir)).toEqual([]);
  });

  it('a hard link to a file outside', async () => {
    const link = `${fashionMnistFolders[1]}/passwd.png`;
    const archive = craftTar([...(await goodEntries()), { path: link, type: 'hardlink', target: '/etc/passwd' }]);
    const dataset = await datasetFrom('hardlink', archive);
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toContain(`entry "${link}" is a hard link`);
  });
});

describe('broken archives fail permanently with a clear message', () => {
  it('a corrupt image (garbage bytes named x.png) is named', async () => {
    const bad = `${fashionMnistFolders[2]}/x.png`;
    const archive = craftTar(
      [
        ...(await goodEntries()),
        { path: `${fashionMnistFolders[2]}/`, type: 'directory' },
        { path: bad, data: 'definitely not a PNG file' },
      ],
      {
        gzip: true,
      },
    );
    const dataset = await datasetFrom('garbage-png', archive);
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toContain(`image "${bad}"`);
    expect(dataset.error).toMatch(/not a readable PNG, JPEG or BMP/);
    expect(dataset.attempts).toBe(1);
  });

  it('a PNG with a valid header but a truncated body is named (caught by decoding it)', async () => {
    const entries = await goodEntries(40);
    const victim = entries.find((e): e is Extract<TarEntry, { data: Buffer | string }> => 'data' in e)!;
    const truncated = Buffer.from(victim.data).subarray(0, 40); // signature + IHDR, no image data
    const bad = victim.path.replace(/\.png$/, '-truncated.png');
    const dataset = await datasetFrom('truncated-png', craftTar([...entries, { path: bad, data: truncated }]));
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toContain(`image "${bad}" is a corrupt or truncated PNG`);
    expect(dataset.attempts).toBe(1);
  });

  it('a file that is not a tar at all', async () => {
    const dataset = await datasetFrom(
      'not-a-tar',
      Buffer.from('Hello, I am a text file pretending to be an archive.\n'.repeat(40)),
    );
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toMatch(/is not a readable \.tar, \.tar\.gz or \.zip archive/);
    expect(dataset.attempts).toBe(1);
  });

  it('a truncated .tar.gz', async () => {
    const whole = craftTar(await goodEntries(), { gzip: true });
    const dataset = await datasetFrom('truncated-gz', whole.subarray(0, Math.floor(whole.length / 2)));
    expect(dataset.status).toBe('failed');
    expect(dataset.error).toMatch(/is not a readable \.tar, \.tar\.gz or \.zip archive/);
    expect(dataset.attempts).toBe(1);
  });
});
