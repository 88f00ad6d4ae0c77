/**
 * State survives a restart of the local cloud: records (dynalite) and objects (s3rver) are on
 * disk under the home. The local queue (fauxqs on Node 20) is in memory, so work whose message is
 * lost must be found again from the records at start and re-queued — and then run to completion.
 */
import { ElasticCaffeClient } from '../support/client';
import { newId } from '../../core/ids';
import * as records from '../../core/records/store';
import type { TrainingJob } from '../../core/records/types';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

const TENANT = 'tenant-restart';
const terminal = (j: { status: string }) => ['succeeded', 'failed', 'cancelled'].includes(j.status);

let tc: TestCloud | undefined;
let api: ElasticCaffeClient;
let home: string;
const ids = { datafile: '', dataset: '', solver: '', job: '' };
let modelBefore: Buffer;

interface JobView {
  id: string;
  status: string;
  attempts: number;
  error?: string;
  model?: { iteration: number; bytes: number };
}

async function restart(): Promise<TestCloud> {
  await tc!.stop({ keepHome: true });
  tc = undefined;
  tc = await startTestCloud({ home });
  api = await tc.as(TENANT);
  return tc;
}

async function downloadModel(jobId: string): Promise<Buffer> {
  const artifacts = await api.request<{ model: { url: string; bytes: number } }>(
    'GET',
    `/v1/training-jobs/${jobId}/artifacts`,
  );
  const response = await fetch(artifacts.model.url);
  expect(response.status).toBe(200);
  const data = Buffer.from(await response.arrayBuffer());
  expect(data.length).toBe(artifacts.model.bytes);
  return data;
}

afterAll(async () => {
  await tc?.stop({ keepHome: false });
});

it('before the restart: a datafile, a ready dataset, a solver and a finished training job', async () => {
  tc = await startTestCloud();
  home = tc.home;
  api = await tc.as(TENANT);
  ({ datafileId: ids.datafile, datasetId: ids.dataset } = await tinyDataset(api, { images: 50, ready: true }));
  ids.solver = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'tiny',
      datasetId: ids.dataset,
      solver: tinySolver(20),
      net: tinyNet(),
    })
  ).id;
  ids.job = (await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: ids.solver })).id;
  const job = await api.waitFor<JobView & Record<string, unknown>>(`/v1/training-jobs/${ids.job}`, terminal, {
    timeoutMs: 4 * 60_000,
  });
  expect(job).toMatchObject({ status: 'succeeded', attempts: 1, model: { iteration: 20 } });
  modelBefore = await downloadModel(ids.job);
});

it(
  'after a restart on the same home: records are still ' + 'listed, objects still download, nothing is re-run',
  async () => {
    const { cloud } = await restart();
    expect(cloud.recovered).toBe(0);
    const listed = async (collection: string) =>
      (await api.request<{ items: Array<{ id: string }> }>('GET', `/v1/${collection}`)).items.map((r) => r.id);
    expect(await listed('datafiles')).toEqual([ids.datafile]);
    expect(await listed('datasets')).toEqual([ids.dataset]);
    expect(await listed('solvers')).toEqual([ids.solver]);
    expect(await listed('training-jobs')).toEqual([ids.job]);
    expect(await api.request('GET', `/v1/datafiles/${ids.datafile}`)).toMatchObject({ status: 'ready' });
    expect(await api.request('GET', `/v1/datasets/${ids.dataset}`)).toMatchObject({
      status: 'ready',
      shape: { channels: 1, height: 28, width: 28 },
    });
    expect(await api.request('GET', `/v1/training-jobs/${ids.job}`)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
    expect((await downloadModel(ids.job)).equals(modelBefore)).toBe(true);
    expect(await api.request<string>('GET', `/v1/training-jobs/${ids.job}/logs`)).toMatch(/Optimization Done/);
    expect(cloud.batch.jobs()).toEqual([]);
  },
);

it(
  'training jobs whose queue message or Batch job was lost ' + 'are re-queued at the next start and run to completion',
  async () => {
    // What a crash between "record written" and "message sent" (or a restart of the in-memory
    // queue) leaves behind: a queued record, no message, no Batch job.
    const now = new Date().toISOString();
    const lost: TrainingJob = {
      id: newId('training-jobs'),
      tenantId: TENANT,
      name: 'lost-message',
      solverId: ids.solver,
      datasetId: ids.dataset,
      status: 'queued',
      attempts: 0,
      progress: { iteration: 0, maxIterations: 20, testOutputs: {} },
      createdAt: now,
      updatedAt: now,
    };
    await records.putNew('training-jobs', lost);
    // And one that was running on a Batch job the restarted Batch no longer knows.
    const orphan = {
      ...lost,
      id: newId('training-jobs'),
      name: 'orphaned-batch-job',
      status: 'running' as const,
      attempts: 1,
      batchJobId: 'batch-job-from-before',
    };
    await records.putNew('training-jobs', { ...orphan, batchEventRank: 13 } as TrainingJob);
    expect(await api.request('GET', `/v1/training-jobs/${lost.id}`)).toMatchObject({ status: 'queued' });
    const tokenBefore = api;

    const { cloud } = await restart();
    expect(cloud.recovered).toBe(2);
    for (const id of [lost.id, orphan.id]) {
      const job = await api.waitFor<JobView & Record<string, unknown>>(`/v1/training-jobs/${id}`, terminal, {
        timeoutMs: 4 * 60_000,
      });
      expect(job.error).toBeUndefined();
      expect(job).toMatchObject({ status: 'succeeded', attempts: 1, model: { iteration: 20 } });
      expect((await downloadModel(id)).length).toBeGreaterThan(0);
    }
    // Only the two lost jobs ran on this start; the finished one was left alone.
    expect(
      cloud.batch
        .jobs()
        .map((j) => j.parameters?.recordId)
        .sort(),
    ).toEqual([lost.id, orphan.id].sort());
    const orphanRecord = await records.get('training-jobs', TENANT, orphan.id);
    expect(orphanRecord.batchJobId).not.toBe('batch-job-from-before');
    expect(await api.request('GET', `/v1/training-jobs/${ids.job}`)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
    // A token issued before the restarts still works: the issuer key lives in the home too.
    const withOldToken = new ElasticCaffeClient(cloud.url, tokenBefore.token);
    expect((await withOldToken.request<{ items: unknown[] }>('GET', '/v1/training-jobs')).items).toHaveLength(3);
  },
);
