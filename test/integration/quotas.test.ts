/**
 * Per-tenant quotas through the HTTP API of a real local cloud, with small quotas set through the
 * environment (read on every request, as on Lambda): a used-up quota answers 429 problem+json with
 * Retry-After and creates nothing; other tenants are unaffected. Then an admin's per-tenant limits
 * (GET/PUT /v1/admin/limits), down to the worker that enforces a tenant's archive limits.
 */
import { newId } from '../../core/ids';
import * as records from '../../core/records/store';
import { writeCapacity } from '../../core/scheduling/capacity';
import type { Dataset, TrainingJob, TrainingJobStatus } from '../../core/records/types';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../core/aws/clients';
import type { LimitsView } from '../../core/limits';
import { capacityPartition } from '../../core/scheduling/capacity';
import { envNames, tableKeys } from '../../core/topology';
import { ensureFashionMnist } from '../../local/caffe/install';
import { ElasticCaffeClient } from '../support/client';
import { issueToken } from '../../local/auth';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { rawCall } from '../support/raw-call';
import { craftTar, fashionMnistEntries, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(2 * 60_000);

const tenant = 'quota-tenant';
let tc: TestCloud;
let api: ElasticCaffeClient;
let solverId: string;
let datasetId: string;
const saved = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, {
    [envNames.maxQueuedJobs]: '1',
    [envNames.maxStorageBytes]: '1000',
    [envNames.jobsRetryAfterSeconds]: '30',
  });
  tc = await startTestCloud();
  api = await tc.as(tenant);
  // A ready dataset written straight to the table: the job quotas are checked before any training, so none runs.
  const now = new Date().toISOString();
  const dataset: Dataset = {
    id: newId('datasets'),
    tenantId: tenant,
    name: 'quota-dataset',
    status: 'ready',
    training: { datafileId: 'df_x', splitPercentage: 0.8 },
    testing: { datafileId: 'df_x', splitPercentage: 0.2 },
    attempts: 1,
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('datasets', dataset);
  datasetId = dataset.id;
  solverId = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'quota-solver',
      datasetId,
      solver: tinySolver(),
      net: tinyNet(),
    })
  ).id;
});

afterAll(async () => {
  await tc?.stop();
  process.env = saved;
});

/** A job record in a status, as the dispatcher and Batch events would have left it (no Batch job behind it). */
async function jobIn(status: TrainingJobStatus): Promise<string> {
  const now = new Date().toISOString();
  const job: TrainingJob = {
    id: newId('training-jobs'),
    tenantId: tenant,
    solverId,
    datasetId,
    status,
    attempts: status === 'queued' ? 0 : 1,
    progress: { iteration: 0, maxIterations: 20, testOutputs: {} },
    resources: { type: 'CPU' },
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('training-jobs', job);
  return job.id;
}

const jobCount = async () => (await api.request<{ items: unknown[] }>('GET', '/v1/training-jobs')).items.length;

describe('training jobs', () => {
  it(
    'running jobs are a scheduling limit, not a quota: ' + 'with many running, a new job is accepted and waits',
    async () => {
      // Nothing starts (maxWorkers 0), so the new job stays queued whatever the worker would do with it.
      await writeCapacity({ maxWorkers: 0, maxConcurrentJobs: { default: 1, tenants: {} } });
      const running = [await jobIn('running'), await jobIn('starting'), await jobIn('running')];
      const before = await jobCount();
      const answer = await rawCall(api, 'POST', '/v1/training-jobs', { body: { solverId } });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ status: 'queued' });
      expect(await jobCount()).toBe(before + 1);
      for (const id of [...running, (answer.body as { id: string }).id])
        await records.update('training-jobs', tenant, id, { set: { status: 'failed' } });
    },
  );

  it('with as many jobs queued as the queued quota → 429 with Retry-After, nothing queued', async () => {
    const queued = await jobIn('queued');
    const before = await jobCount();
    const answer = await rawCall(api, 'POST', '/v1/training-jobs', { body: { solverId } });
    expect(answer.status).toBe(429);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.headers.get('retry-after')).toBe('30');
    expect(answer.body).toMatchObject({
      title: 'Quota exceeded',
      status: 429,
      detail: expect.stringMatching(/^1 of your training jobs are queued, your quota of queued jobs/),
    });
    expect(await jobCount()).toBe(before);
    await records.update('training-jobs', tenant, queued, { set: { status: 'failed' } });
  });

  it("another tenant's jobs do not count against this tenant's quota", async () => {
    const { checkJobQuotas } = await import('../../core/quotas');
    await expect(checkJobQuotas('quota-other-tenant')).resolves.toBeUndefined();
    await jobIn('queued');
    await expect(checkJobQuotas('quota-other-tenant')).resolves.toBeUndefined();
    await expect(checkJobQuotas(tenant)).rejects.toMatchObject({ status: 429, retryAfterSeconds: 30 });
  });
});

describe('storage', () => {
  const register = (client: ElasticCaffeClient, name: string, sizeBytes?: number) =>
    rawCall(client, 'POST', '/v1/datafiles', {
      body: { name, format: 'image-folders', ...(sizeBytes ? { sizeBytes } : {}) },
    });

  it('datafiles up to the storage quota are accepted; one more byte → 429, and no record is left', async () => {
    const owner = await tc.as('quota-storage');
    expect((await register(owner, 'first', 600)).status).toBe(201);
    expect((await register(owner, 'second', 400)).status).toBe(201);
    const refused = await register(owner, 'third', 1);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('3600');
    expect(refused.body.detail).toMatch(
      /^your datafiles take 1000 bytes; 1 more would exceed your storage quota of 1000 bytes/,
    );
    // A full quota refuses a datafile of unknown size too.
    expect((await register(owner, 'unsized')).status).toBe(429);
    const names = (await owner.request<{ items: Array<{ name: string }> }>('GET', '/v1/datafiles')).items.map(
      (d) => d.name,
    );
    expect(names).toEqual(['second', 'first']);
  });

  it("another tenant's datafiles do not use this tenant's storage", async () => {
    expect((await register(await tc.as('quota-storage-2'), 'mine', 1000)).status).toBe(201);
  });
});

describe('limits set per tenant by an admin (GET/PUT /v1/admin/limits)', () => {
  let admin: ElasticCaffeClient;
  beforeAll(async () => {
    admin = new ElasticCaffeClient(tc.cloud.url, await issueToken(tc.home, 'quota-ops', { admin: true }));
  });
  afterAll(async () => {
    // Back to the environment's defaults for whatever runs after.
    await ddb().send(
      new DeleteCommand({
        TableName: process.env[envNames.table],
        Key: { [tableKeys.partitionKey]: capacityPartition, [tableKeys.sortKey]: 'limits' },
      }),
    );
  });

  it(
    'shows the environment defaults until an admin stores ' + 'settings; tenants may neither read nor change them',
    async () => {
      const shown = await admin.request<LimitsView>('GET', '/v1/admin/limits');
      expect(shown).toMatchObject({
        source: 'defaults',
        tenants: {},
        default: { maxQueuedJobs: 1, maxStorageBytes: 1000 },
      });
      for (const method of ['GET', 'PUT'] as const) {
        const answer = await rawCall(api, method, '/v1/admin/limits', { body: method === 'PUT' ? shown : undefined });
        expect({ status: answer.status, type: answer.headers.get('content-type') }).toEqual({
          status: 403,
          type: 'application/problem+json',
        });
      }
      expect((await admin.request<LimitsView>('GET', '/v1/admin/limits')).source).toBe('defaults');
    },
  );

  it('refuses settings that are not whole positive limits, saying which field', async () => {
    const answer = await rawCall(admin, 'PUT', '/v1/admin/limits', { body: { default: { maxDatafileBytes: 0 } } });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(JSON.stringify(answer.body)).toContain('default.maxDatafileBytes');
  });

  it(
    "a tenant's overrides apply to it alone: its datafile size (413) and, in the worker, its archive entries",
    async () => {
      const { default: defaults } = await admin.request<LimitsView>('GET', '/v1/admin/limits');
      const small = 'quota-small';
      const settings = {
        default: { ...defaults, maxStorageBytes: 10 ** 9 },
        tenants: { [small]: { maxDatafileBytes: 50_000, maxArchiveEntries: 3 } },
      };
      expect(await admin.request('PUT', '/v1/admin/limits', settings)).toMatchObject({ ...settings, source: 'admin' });

      const smallApi = await tc.as(small);
      const register = (client: ElasticCaffeClient) =>
        rawCall(client, 'POST', '/v1/datafiles', { body: { name: 'big', format: 'image-folders', sizeBytes: 60_000 } });
      const refused = await register(smallApi);
      expect(refused.status).toBe(413);
      expect(refused.body.detail).toBe("sizeBytes 60000 is above this account's datafile limit of 50000 bytes");
      expect((await register(await tc.as('quota-large'))).status).toBe(201);

      // Four images in two folders are more than three entries: the worker, given the tenant's limits with its job,
      // refuses the archive.
      // (The job tests above paused the workers.)
      await admin.request('PUT', '/v1/admin/capacity', { maxWorkers: 1, maxConcurrentJobs: { default: 1 } });
      const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 4);
      const archive = path.join(tc.home, 'four-images.tar.gz');
      await writeFile(archive, craftTar(entries, { gzip: true }));
      const { id } = await smallApi.uploadDatafile('four images', archive);
      const failed = await smallApi.waitFor<{ status: string; error?: string }>(
        `/v1/datafiles/${id}`,
        (d) => d.status === 'ready' || d.status === 'failed',
        { timeoutMs: 120_000 },
      );
      expect(failed).toMatchObject({
        status: 'failed',
        error: expect.stringMatching(/has more than 3 entries \(the limit\)/),
      });
    },
    4 * 60_000,
  );
});
