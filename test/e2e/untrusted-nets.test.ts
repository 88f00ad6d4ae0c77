/**
 * Nets and solvers are untrusted input that runs next to the worker's credentials. Through the
 * API with real Caffe: hostile fields are refused on submit with their line and column (and
 * nothing is stored), and the fields the service rewrites really are rewritten — a Data layer
 * pointed at /etc/passwd trains from the dataset's LMDB, and snapshots land in the job, not at the
 * snapshot_prefix the user wrote.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiError, type ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

let cloud: TestCloud;
let api: ElasticCaffeClient;
let datasetId: string;
let work: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  api = await cloud.as('untrusted');
  work = await mkdtemp(path.join(os.tmpdir(), 'untrusted-nets-'));
  ({ datasetId } = await tinyDataset(api, { images: 100 }));
});
afterAll(async () => cloud?.stop());

/** The problem body of a refused POST /v1/solvers. */
async function refused(
  solver: string,
  net: string,
): Promise<{
  status: number;
  body: { detail: string; errors: Array<{ field: string; line: number; column: number; message: string }> };
}> {
  try {
    await api.request('POST', '/v1/solvers', { name: 'hostile', datasetId, solver, net });
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: error.body as never };
    throw error;
  }
  throw new Error('the solver was accepted');
}

test('hostile nets and solvers are refused with 400 at their line and column, and nothing is stored', async () => {
  const hdf5Output =
    'layer {\n  name: "out"\n  type: "HDF5Output"\n  bottom: "ip"\n  bottom: ' +
    '"label"\n  hdf5_output_param { file_name: "/tmp/pwned.h5" }\n}\n';
  const result = await refused(tinySolver(), tinyNet(hdf5Output));
  expect(result.status).toBe(400);
  expect(result.body.errors).toEqual([
    {
      field: 'net',
      line: 27,
      column: 1,
      message: expect.stringContaining('HDF5Output layers write files on the worker'),
    },
    { field: 'net', line: 32, column: 23, message: expect.stringContaining('file_name is not allowed') },
  ]);

  const python =
    'layer { name: "py" type: "Python" bottom: "ip" top: "py" python_param { module: "os" layer: "system" } }\n';
  expect((await refused(tinySolver(), tinyNet(python))).body.errors).toEqual([
    { field: 'net', line: 27, column: 1, message: expect.stringContaining('Python layers run arbitrary code') },
  ]);
  expect((await refused(`${tinySolver()}weights: "/root/.aws/credentials"\n`, tinyNet())).body.errors).toEqual([
    { field: 'solver', line: 9, column: 1, message: expect.stringContaining('weights is not allowed') },
  ]);

  const listed = await api.request<{ items: unknown[] }>('GET', '/v1/solvers');
  expect(listed.items).toEqual([]);
  expect(existsSync('/tmp/pwned.h5')).toBe(false);
});

test(
  'file fields the service rewrites point inside the job: ' + '/etc/passwd as a Data source trains from the LMDB',
  async () => {
    // Arrange: a net reading /etc/passwd (as LevelDB) and a solver writing snapshots to /tmp.
    const prefix = path.join(work, 'pwned-snapshot');
    const net = tinyNet()
      .replace('source: "train" batch_size: 10 backend: LMDB', 'source: "/etc/passwd" batch_size: 10 backend: LEVELDB')
      .replace('source: "test"', 'source: "../../../../etc/shadow"')
      .replace(
        'transform_param { scale: 0.00390625 }',
        'transform_param { scale: 0.00390625 mean_file: "/etc/shadow" }',
      );
    const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'rewritten',
      datasetId,
      solver: `net: "/etc/caffe/net.prototxt"\n${tinySolver(20)}snapshot_prefix: "${prefix}"\n`,
      net,
    });

    // Act
    const queued = await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id });
    const job = await api.waitFor<{ status: string; error?: string; model?: { iteration: number } }>(
      `/v1/training-jobs/${queued.id}`,
      (j) => ['succeeded', 'failed'].includes(j.status),
    );

    // Assert: trained to the end on the dataset's LMDBs; nothing was read from or written to the named paths.
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.model?.iteration).toBe(20);
    const log = await api.request<string>('GET', `/v1/training-jobs/${queued.id}/logs`);
    expect(log.match(/Opened lmdb .*training-lmdb/g)).not.toBeNull();
    expect(log.match(/Opened lmdb .*testing-lmdb/g)).not.toBeNull();
    // mean_file is the dataset's mean image, whatever path the net names.
    expect(log).toMatch(/Loading mean file from: \S+\/mean\.binaryproto/);
    expect(log).not.toContain('/etc/passwd');
    expect(log).not.toContain('/etc/shadow');
    expect(log).not.toContain(prefix);
    expect(existsSync(`${prefix}_iter_20.caffemodel`)).toBe(false);
  },
);
