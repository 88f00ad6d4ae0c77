/**
 * Datafile transport through the API of a real local cloud: resumable multipart uploads, size
 * limits, URL imports through the SSRF guard (from a server on 127.0.0.1, which local mode
 * allows), the worker's inspection results, and delete with its 409 rule.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PNG } from 'pngjs';
import { envNames } from '../../core/config';
import { objectSize, readRange } from '../../core/objects';
import * as records from '../../core/records/store';
import { fashionMnistDir } from '../../local/caffe/install';
import { ApiError, type ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar, fashionMnistEntries, tinyNet, tinySolver, uploadArchive } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

const MiB = 1024 * 1024;
let tc: TestCloud;
let api: ElasticCaffeClient;
let server: Server;
let served: string;
const files = new Map<string, Buffer>();
let smallArchive: Buffer;
let smallCounts: Record<string, number>;
let datasetId: string;

interface DatafileView {
  id: string;
  status: string;
  sizeBytes?: number;
  detectedFormat?: string;
  labels?: string[];
  counts?: Record<string, number>;
  error?: string;
  upload?: {
    method: string;
    partSizeBytes: number;
    partCount: number;
    parts: Array<{ partNumber: number; url: string }>;
    uploadedParts: number[];
    completeUrl: string;
  };
}

/** A PNG of random pixels: incompressible, so a few of them make an archive of several MiB. */
const noisePng = (width: number, height: number): Buffer => {
  const png = new PNG({ width, height, colorType: 2 });
  png.data = randomBytes(width * height * 4);
  return PNG.sync.write(png, { colorType: 2 });
};

const problemOf = async (
  call: Promise<unknown>,
): Promise<{ status: number; body: { detail: string; errors?: Array<{ field: string; message: string }> } }> => {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected a rejected request, got ${JSON.stringify(error)}`);
  return { status: error.status, body: error.body as never };
};

const settled = (id: string) =>
  api.waitFor<DatafileView>(`/v1/datafiles/${id}`, (d) => d.status === 'ready' || d.status === 'failed', {
    timeoutMs: 120_000,
  });

beforeAll(async () => {
  process.env[envNames.singlePutMaxBytes] = String(MiB);
  process.env[envNames.uploadPartBytes] = String(5 * MiB);
  process.env[envNames.maxDatafileBytes] = String(64 * MiB);
  const fashion = await fashionMnistEntries(fashionMnistDir(), 30);
  smallArchive = craftTar(fashion.entries, { gzip: true });
  smallCounts = fashion.counts;
  files.set('/small.tar.gz', smallArchive);
  files.set('/solver.prototxt', Buffer.from(tinySolver()));
  files.set('/net.prototxt', Buffer.from(tinyNet()));
  files.set('/broken.prototxt', Buffer.from('layer {\n  name: "data"\n  type "Data"\n'));
  server = createServer((req, res) => {
    const body = files.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end('not here');
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  served = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  tc = await startTestCloud();
  api = await tc.as('tenant-datafiles');
});

afterAll(async () => {
  await tc?.stop();
  await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
  delete process.env[envNames.singlePutMaxBytes];
  delete process.env[envNames.uploadPartBytes];
  delete process.env[envNames.maxDatafileBytes];
});

describe('multipart upload', () => {
  it(
    'uploads in parts, lists the missing ones for a resume, ' + 'refuses to complete early, and inspects the result',
    async () => {
      const archive = craftTar([
        { path: 'cat/', type: 'directory' },
        { path: 'cat/a.png', data: noisePng(760, 760) },
        { path: 'cat/b.png', data: noisePng(760, 760) },
        { path: 'dog/', type: 'directory' },
        { path: 'dog/a.png', data: noisePng(760, 760) },
        { path: 'dog/b.png', data: noisePng(760, 760) },
      ]);
      const created = await api.request<DatafileView>('POST', '/v1/datafiles', {
        name: 'big',
        format: 'image-folders',
        sizeBytes: archive.length,
      });
      const upload = created.upload!;
      expect(upload).toMatchObject({
        method: 'multipart',
        partSizeBytes: 5 * MiB,
        partCount: 2,
        uploadedParts: [],
        completeUrl: `/v1/datafiles/${created.id}/complete`,
      });
      const put = async (partNumber: number, url: string) => {
        const body = archive.subarray((partNumber - 1) * upload.partSizeBytes, partNumber * upload.partSizeBytes);
        const response = await fetch(url, { method: 'PUT', body });
        expect(response.status).toBe(200);
        expect(response.headers.get('etag')).toBeTruthy();
      };
      for (const part of upload.parts.filter((p) => p.partNumber !== 1)) await put(part.partNumber, part.url);

      const resumed = await api.request<NonNullable<DatafileView['upload']>>(
        'GET',
        `/v1/datafiles/${created.id}/upload`,
      );
      expect(resumed.uploadedParts).toEqual([2]);
      expect(resumed.parts.map((p) => p.partNumber)).toEqual([1]);
      const early = await problemOf(api.request('POST', upload.completeUrl));
      expect(early.status).toBe(409);
      expect(early.body.detail).toMatch(/missing part 1 of 2/);

      await put(1, resumed.parts[0]!.url);
      const completed = await api.request<DatafileView>('POST', upload.completeUrl);
      expect(completed.status).toBe('processing');
      const ready = await settled(created.id);
      expect(ready).toMatchObject({
        status: 'ready',
        sizeBytes: archive.length,
        detectedFormat: 'image-folders',
        labels: ['cat', 'dog'],
        counts: { cat: 2, dog: 2 },
      });
      const stored = await records.get('datafiles', 'tenant-datafiles', created.id);
      expect(await objectSize(stored.objectKey)).toBe(archive.length);
    },
  );
});

describe('limits', () => {
  it('refuses a stated size above the limit with 413 and stores nothing', async () => {
    const before = await api.request<{ items: unknown[] }>('GET', '/v1/datafiles?limit=100');
    const refused = await problemOf(
      api.request('POST', '/v1/datafiles', { name: 'huge', format: 'image-folders', sizeBytes: 65 * MiB }),
    );
    expect(refused.status).toBe(413);
    expect(refused.body.errors).toEqual([{ field: 'sizeBytes', message: `must be at most ${64 * MiB}` }]);
    const after = await api.request<{ items: unknown[] }>('GET', '/v1/datafiles?limit=100');
    expect(after.items).toHaveLength(before.items.length);
  });

  it('fails an upload that turned out bigger than the limit, and deletes its object', async () => {
    process.env[envNames.maxDatafileBytes] = '1000';
    try {
      // No sizeBytes stated: the client says nothing, and the bytes that arrive are what counts.
      const created = await api.request<DatafileView & { upload: { url: string } }>('POST', '/v1/datafiles', {
        name: 'sneaky',
        format: 'image-folders',
      });
      expect((await fetch(created.upload.url, { method: 'PUT', body: smallArchive })).status).toBe(200);
      const failed = await settled(created.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(
        new RegExp(`uploaded file is ${smallArchive.length} bytes, above this account's datafile limit of 1000 bytes`),
      );
      const stored = await records.get('datafiles', 'tenant-datafiles', created.id);
      expect(await objectSize(stored.objectKey)).toBeUndefined();
    } finally {
      process.env[envNames.maxDatafileBytes] = String(64 * MiB);
    }
  });
});

describe('import by URL', () => {
  let importedId: string;

  it('imports from the URL in the worker and inspects it; the stored bytes are the served bytes', async () => {
    const created = await api.request<DatafileView>('POST', '/v1/datafiles', {
      name: 'fetched',
      format: 'image-folders',
      url: `${served}/small.tar.gz`,
    });
    expect(created.status).toBe('processing');
    expect(created.upload).toBeUndefined();
    const ready = await settled(created.id);
    expect(ready).toMatchObject({
      status: 'ready',
      sizeBytes: smallArchive.length,
      detectedFormat: 'image-folders',
      counts: smallCounts,
    });
    const stored = await records.get('datafiles', 'tenant-datafiles', created.id);
    const bytes = await readRange(stored.objectKey, 0, smallArchive.length - 1);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      createHash('sha256').update(smallArchive).digest('hex'),
    );
    importedId = created.id;
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', /link-local/],
    ['http://10.0.0.8/data.tar', /private network/],
    ['http://[::ffff:192.168.0.1]/data.tar', /private network/],
    ['file:///etc/passwd', /only http and https/],
    ['http://user:pw@example.com/data.tar', /user name or password/],
  ])('refuses %s at submit with 400 naming the url field', async (url, reason) => {
    const refused = await problemOf(
      api.request('POST', '/v1/datafiles', { name: 'ssrf', format: 'image-folders', url }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]).toEqual({ field: 'url', message: expect.stringMatching(reason) });
  });

  it('fails the import with the HTTP status when the URL answers 404', async () => {
    const created = await api.request<DatafileView>('POST', '/v1/datafiles', {
      name: 'missing',
      format: 'image-folders',
      url: `${served}/missing.tar.gz`,
    });
    const failed = await settled(created.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/answered HTTP 404/);
    const stored = await records.get('datafiles', 'tenant-datafiles', created.id);
    expect(await objectSize(stored.objectKey)).toBeUndefined();
  });

  describe('delete', () => {
    it('answers 409 while a dataset uses the datafile, and deletes an unused one with its object', async () => {
      const dataset = await api.request<{ id: string }>('POST', '/v1/datasets', {
        name: 'uses-it',
        training: { datafileId: importedId, splitPercentage: 0.8 },
        testing: { datafileId: importedId, splitPercentage: 0.2 },
      });
      datasetId = dataset.id;
      const conflict = await problemOf(api.request('DELETE', `/v1/datafiles/${importedId}`));
      expect(conflict.status).toBe(409);
      expect(conflict.body.detail).toContain(`used by dataset ${dataset.id}`);

      const unused = await uploadArchive(api, 'unused', smallArchive);
      await settled(unused.id);
      const { objectKey } = await records.get('datafiles', 'tenant-datafiles', unused.id);
      await api.request('DELETE', `/v1/datafiles/${unused.id}`);
      expect((await problemOf(api.request('GET', `/v1/datafiles/${unused.id}`))).status).toBe(404);
      expect(await objectSize(objectKey)).toBeUndefined();
    });
  });
});

describe('solver by URL', () => {
  interface SolverView {
    id: string;
    status: string;
    maxIterations: number;
    solver: string;
    error?: string;
    errors?: Array<{ field: string; line: number; column: number; message: string }>;
  }
  const settledSolver = (id: string) =>
    api.waitFor<SolverView>(`/v1/solvers/${id}`, (s) => s.status !== 'pending', { timeoutMs: 60_000 });

  it('fetches and validates both texts in the worker; the solver is ready with them', async () => {
    const created = await api.request<SolverView>('POST', '/v1/solvers', {
      name: 'remote',
      datasetId,
      solverUrl: `${served}/solver.prototxt`,
      netUrl: `${served}/net.prototxt`,
    });
    expect(created.status).toBe('pending');
    const early = await problemOf(api.request('POST', '/v1/training-jobs', { solverId: created.id }));
    expect(early.status).toBe(422);
    const ready = await settledSolver(created.id);
    expect(ready).toMatchObject({ status: 'ready', solver: tinySolver(), maxIterations: 20 });
  });

  it('fails with each error located when a fetched text is not valid prototxt', async () => {
    const created = await api.request<SolverView>('POST', '/v1/solvers', {
      name: 'broken',
      datasetId,
      solverUrl: `${served}/solver.prototxt`,
      netUrl: `${served}/broken.prototxt`,
    });
    const failed = await settledSolver(created.id);
    expect(failed.status).toBe('failed');
    expect(failed.errors?.[0]).toMatchObject({ field: 'net', line: expect.any(Number), column: expect.any(Number) });
    expect(failed.error).toMatch(/the fetched prototxt is not valid: net \d+:\d+/);
    expect((await problemOf(api.request('POST', '/v1/training-jobs', { solverId: created.id }))).status).toBe(422);
  });

  it('refuses a metadata URL at submit with 400 naming the field', async () => {
    const refused = await problemOf(
      api.request('POST', '/v1/solvers', {
        name: 'ssrf',
        datasetId,
        solverUrl: `${served}/solver.prototxt`,
        netUrl: 'http://169.254.169.254/latest/',
      }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.field).toBe('netUrl');
  });
});
