/**
 * Deleting a tenant (core/usecases/tenant-deletion.ts) against a real local cloud: its running
 * Batch job is terminated, every object under its prefix (more than one listing page) and every
 * record of its partition are deleted, another tenant is untouched, and a second run — or a run
 * after a partial one — finishes the job without complaint.
 */
import { defaultLimits, readLimits, writeLimits } from '../../core/limits';
import { readCapacity, writeCapacity } from '../../core/scheduling/capacity';
import { readLastStarts } from '../../core/scheduling/slots';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../core/aws/clients';
import { s3 } from '../../core/aws/eager-clients';
import { newId } from '../../core/ids';
import { bucket, deleteRecordObjects, listObjects } from '../../core/objects';
import * as records from '../../core/records/store';
import type { Dataset, Solver, TrainingJob } from '../../core/records/types';
import { envNames, tableKeys } from '../../core/topology';
import { deleteTenant } from '../../core/usecases/tenant-deletion';
import { enqueueWork } from '../../core/work-queue';
import { issueToken } from '../../local/auth';
import { ApiError, ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';

jest.setTimeout(5 * 60_000);

let tc: TestCloud;
const doomed = 'tenant-doomed';
const kept = 'tenant-kept';
const now = () => new Date().toISOString();

async function putObjects(prefix: string, count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(5, '0')}`);
  for (let i = 0; i < names.length; i += 25)
    await Promise.all(
      names.slice(i, i + 25).map((Key) => s3().send(new PutObjectCommand({ Bucket: bucket(), Key, Body: 'x' }))),
    );
}

async function partition(tenantId: string): Promise<unknown[]> {
  const { Items = [] } = await ddb().send(
    new QueryCommand({
      TableName: process.env[envNames.table],
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': tableKeys.partitionKey },
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}` },
    }),
  );
  return Items;
}

/** A training job whose worker runs and waits (its dataset is still being prepared) until it is stopped. */
async function waitingTrainingJob(tenantId: string): Promise<TrainingJob> {
  const dataset: Dataset = {
    id: newId('datasets'),
    tenantId,
    status: 'processing',
    training: { datafileId: 'df_none', splitPercentage: 0.8 },
    testing: { datafileId: 'df_none', splitPercentage: 0.2 },
    attempts: 0,
    createdAt: now(),
    updatedAt: now(),
  };
  const solver: Solver = {
    id: newId('solvers'),
    tenantId,
    datasetId: dataset.id,
    solver: '',
    net: '',
    solverType: 'SGD',
    maxIterations: 10,
    status: 'ready',
    createdAt: now(),
    updatedAt: now(),
  };
  const job: TrainingJob = {
    id: newId('training-jobs'),
    tenantId,
    solverId: solver.id,
    datasetId: dataset.id,
    status: 'queued',
    attempts: 0,
    progress: { iteration: 0, maxIterations: 10, testOutputs: {} },
    createdAt: now(),
    updatedAt: now(),
  };
  await records.putNew('datasets', dataset);
  await records.putNew('solvers', solver);
  await records.putNew('training-jobs', job);
  await enqueueWork({ action: 'train', tenantId, recordId: job.id });
  return job;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 2 * 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  tc = await startTestCloud();
});

afterAll(async () => {
  await tc?.stop();
});

describe('deleteTenant', () => {
  let job: TrainingJob;
  let keptJob: TrainingJob;

  beforeAll(async () => {
    job = await waitingTrainingJob(doomed);
    keptJob = await waitingTrainingJob(kept);
    // More than one listing page (S3 lists at most 1000 keys per page).
    await putObjects(`tenants/${doomed}/datafiles/df_many/`, 1005);
    await putObjects(`tenants/${kept}/datafiles/df_few/`, 3);
    await until('both workers to run', () => {
      const running = tc.cloud.batch.jobs().filter((j) => j.status === 'RUNNING');
      return running.length === 2 ? running : undefined;
    });
    // Both tenants have their own settings too.
    const capacity = await readCapacity();
    await writeCapacity({
      maxWorkers: capacity.maxWorkers,
      maxConcurrentJobs: { default: capacity.maxConcurrentJobs.default, tenants: { [doomed]: 3, [kept]: 4 } },
    });
    await writeLimits({
      default: defaultLimits().default,
      tenants: { [doomed]: { maxQueuedJobs: 5 }, [kept]: { maxQueuedJobs: 6 } },
    });
  });

  it('terminates its running Batch job and deletes all of its objects and records', async () => {
    const result = await deleteTenant(doomed, { pollMs: 200 });
    expect(result).toEqual({
      complete: true,
      batchJobsTerminated: 1,
      stillStopping: [],
      objectsDeleted: 1005,
      recordsDeleted: 3,
    });
    const batchJob = tc.cloud.batch.jobs().find((j) => j.parameters?.recordId === job.id);
    expect(batchJob).toMatchObject({ status: 'FAILED', isTerminated: true });
    expect(await listObjects(`tenants/${doomed}/`)).toEqual([]);
    expect(await partition(doomed)).toEqual([]);
  });

  it("forgets its capacity and limit overrides and its last start, keeping the other tenant's", async () => {
    expect((await readCapacity()).maxConcurrentJobs.tenants).toEqual({ [kept]: 4 });
    expect((await readLimits()).tenants).toEqual({ [kept]: { maxQueuedJobs: 6 } });
    const starts = await readLastStarts();
    expect(starts[doomed]).toBeUndefined();
    expect(starts[kept]).toEqual(expect.any(String));
  });

  it('leaves every other tenant alone', async () => {
    expect(await listObjects(`tenants/${kept}/`)).toHaveLength(3);
    expect(await partition(kept)).toHaveLength(3);
    expect(tc.cloud.batch.jobs().find((j) => j.parameters?.recordId === keptJob.id)?.status).toBe('RUNNING');
  });

  it('running it again changes nothing and reports nothing left', async () => {
    expect(await deleteTenant(doomed)).toEqual({
      complete: true,
      batchJobsTerminated: 0,
      stillStopping: [],
      objectsDeleted: 0,
      recordsDeleted: 0,
    });
  });

  it('finishes a deletion that stopped part-way (some objects gone, every record still there)', async () => {
    const other = 'tenant-half-deleted';
    await putObjects(`tenants/${other}/datasets/ds_x/`, 10);
    await putObjects(`tenants/${other}/solvers/sv_half/`, 4);
    await records.putNew('solvers', {
      id: 'sv_half',
      tenantId: other,
      datasetId: 'ds_x',
      solver: '',
      net: '',
      solverType: 'SGD',
      maxIterations: 1,
      status: 'ready',
      createdAt: now(),
      updatedAt: now(),
    });
    // What a run that crashed after deleting some objects leaves.
    await deleteRecordObjects(other, 'datasets', 'ds_x');
    expect(await deleteTenant(other)).toEqual({
      complete: true,
      batchJobsTerminated: 0,
      stillStopping: [],
      objectsDeleted: 4,
      recordsDeleted: 1,
    });
    expect(await listObjects(`tenants/${other}/`)).toEqual([]);
    expect(await records.find('solvers', other, 'sv_half')).toBeUndefined();
  });

  it('refuses an id that is not a tenant id', async () => {
    await expect(deleteTenant('')).rejects.toThrow(/not a tenant id/);
    await expect(deleteTenant('a/b')).rejects.toThrow(/not a tenant id/);
  });
});

describe('DELETE /v1/admin/tenants/{tenantId}', () => {
  const leaving = 'tenant-leaving';
  let admin: ElasticCaffeClient;
  let leavingClient: ElasticCaffeClient;

  beforeAll(async () => {
    admin = new ElasticCaffeClient(tc.cloud.url, await issueToken(tc.home, 'ops', { admin: true }));
    leavingClient = new ElasticCaffeClient(tc.cloud.url, await issueToken(tc.home, leaving));
  });

  it('refuses anyone but an admin with 403, deleting nothing', async () => {
    const datafile = await leavingClient.request<{ id: string }>('POST', '/v1/datafiles', {
      name: 'kept',
      format: 'idx',
      sizeBytes: 10,
    });
    const refused = await leavingClient
      .request('DELETE', `/v1/admin/tenants/${leaving}`)
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).status).toBe(403);
    expect(await leavingClient.request<{ id: string }>('GET', `/v1/datafiles/${datafile.id}`)).toMatchObject({
      id: datafile.id,
    });
  });

  it(
    "deletes the tenant's records and objects for an admin; the tenant " +
      'then sees nothing, and deleting again reports nothing left',
    async () => {
      await putObjects(`tenants/${leaving}/datafiles/df_extra/`, 2);
      const result = await admin.request<{ complete: boolean; recordsDeleted: number; objectsDeleted: number }>(
        'DELETE',
        `/v1/admin/tenants/${leaving}`,
      );
      expect(result).toMatchObject({ complete: true, batchJobsTerminated: 0, stillStopping: [] });
      expect(result.recordsDeleted).toBeGreaterThanOrEqual(1);
      expect(result.objectsDeleted).toBe(2);
      expect(await leavingClient.request<{ items: unknown[] }>('GET', '/v1/datafiles')).toMatchObject({ items: [] });
      expect(await partition(leaving)).toEqual([]);
      expect(await admin.request('DELETE', `/v1/admin/tenants/${leaving}`)).toEqual({
        complete: true,
        batchJobsTerminated: 0,
        stillStopping: [],
        objectsDeleted: 0,
        recordsDeleted: 0,
      });
    },
  );
});
