/**
 * The dispatcher as a scheduler, in a real local cloud with real Caffe on tiny data: capacity
 * limits hold while jobs run, raising them takes effect mid-run, tenants are interleaved fairly,
 * duplicate deliveries and racing dispatchers still make one Batch job per record, a dispatcher
 * "killed" between its steps is repaired by the reconciler, and the admin capacity API.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import * as records from '../../core/records/store';
import { acquireSlots, listSlots } from '../../core/scheduling/slots';
import { batchShareIdentifier } from '../../core/topology';
import { reconcile } from '../../core/usecases/reconcile';
import { submitBatchJob } from '../../core/usecases/work/batch-jobs';
import { claimRecord } from '../../core/usecases/work/dispatch';
import { dispatch } from '../../core/usecases/work/queue-messages';
import { enqueueWork } from '../../core/work-queue';
import { issueToken } from '../../local/auth';
import { fashionMnistDir } from '../../local/caffe/install';
import { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { rawCall } from '../support/raw-call';
import { craftTar, fashionMnistEntries, tinyNet, tinySolver, uploadArchive } from '../support/tar-craft';

jest.setTimeout(15 * 60_000);

const tenants = ['sched-a', 'sched-b', 'sched-c'] as const;
type Tenant = (typeof tenants)[number];
let tc: TestCloud;
let admin: ElasticCaffeClient;
const api = {} as Record<Tenant, ElasticCaffeClient>;
const solverOf = {} as Record<Tenant, string>;
const datasetOf = {} as Record<Tenant, string>;
const saved = { ...process.env };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

const active = new Set(['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING']);
const batchJobsNamed = (name: string) => tc.cloud.batch.jobs().filter((job) => job.jobName === name);
const trainJobsOf = (recordId: string) => batchJobsNamed(`train-${recordId}`);

async function setCapacity(maxWorkers: number, perTenant = 10): Promise<void> {
  const answer = await rawCall(admin, 'PUT', '/v1/admin/capacity', {
    body: { maxWorkers, maxConcurrentJobs: { default: perTenant } },
  });
  expect(answer.status).toBe(200);
}

async function queueJob(tenant: Tenant, name: string): Promise<string> {
  return (await api[tenant].request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solverOf[tenant], name }))
    .id;
}

const waitingIds = async () => new Set((await records.findWaiting()).map((entry) => entry.recordId));
const statusOf = async (tenant: Tenant, id: string) => (await records.find('training-jobs', tenant, id))?.status;
const allSucceeded = async (jobs: Array<{ tenant: Tenant; id: string }>) =>
  (await Promise.all(jobs.map((j) => statusOf(j.tenant, j.id)))).every((s) => s === 'succeeded');

/** Samples how many Batch jobs are unfinished at once, every few milliseconds. */
function sampleConcurrency() {
  let max = 0;
  const timer = setInterval(() => {
    max = Math.max(max, tc.cloud.batch.jobs().filter((job) => active.has(job.status ?? '')).length);
  }, 20);
  return {
    get max() {
      return max;
    },
    reset: () => (max = 0),
    stop: () => clearInterval(timer),
  };
}

beforeAll(async () => {
  // Each tenant may queue the 20 jobs of the fairness test.
  process.env.ELASTIC_CAFFE_QUOTA_QUEUED_JOBS = '40';
  tc = await startTestCloud({ workers: 4, reconcileIntervalMs: 2000 });
  admin = new ElasticCaffeClient(tc.cloud.url, await issueToken(tc.home, 'ops', { admin: true }));
  const { entries } = await fashionMnistEntries(fashionMnistDir(), 40);
  const archive = craftTar(entries, { gzip: true });
  await Promise.all(
    tenants.map(async (tenant) => {
      api[tenant] = await tc.as(tenant);
      const datafile = (await uploadArchive(api[tenant], 'tiny', archive)).id;
      const dataset = (
        await api[tenant].request<{ id: string }>('POST', '/v1/datasets', {
          name: 'tiny',
          training: { datafileId: datafile, splitPercentage: 0.8 },
          testing: { datafileId: datafile, splitPercentage: 0.2 },
        })
      ).id;
      datasetOf[tenant] = dataset;
      const ready = await api[tenant].waitFor<{ status: string }>(
        `/v1/datasets/${dataset}`,
        (d) => !['pending', 'processing'].includes(d.status),
        { timeoutMs: 5 * 60_000 },
      );
      expect(ready.status).toBe('ready');
      // A few iterations: the jobs are about scheduling, not training.
      solverOf[tenant] = (
        await api[tenant].request<{ id: string }>('POST', '/v1/solvers', {
          name: 'tiny',
          datasetId: dataset,
          solver: tinySolver(4),
          net: tinyNet(),
        })
      ).id;
    }),
  );
});

afterAll(async () => {
  await tc?.stop();
  process.env = saved;
});

describe('the admin capacity API', () => {
  it('answers 403 problem+json to a tenant that is not an admin, for reading and changing', async () => {
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { maxWorkers: 1, maxConcurrentJobs: { default: 1 } }],
    ] as const) {
      const answer = await rawCall(api['sched-a'], method, '/v1/admin/capacity', { body });
      expect(answer.status).toBe(403);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body).toMatchObject({
        status: 403,
        title: 'Forbidden',
        detail: expect.stringContaining('"admins" group'),
      });
    }
    expect((await rawCall(api['sched-a'], 'GET', '/v1/admin/capacity', { token: null })).status).toBe(401);
  });

  it("shows the deployment's defaults until set: as many workers as the local cloud runs", async () => {
    const answer = await rawCall(admin, 'GET', '/v1/admin/capacity');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ maxWorkers: 4, maxConcurrentJobs: { default: 4, tenants: {} }, source: 'defaults' });
  });

  it('refuses an invalid change with 400 naming each bad field, and changes nothing', async () => {
    const answer = await rawCall(admin, 'PUT', '/v1/admin/capacity', {
      body: { maxWorkers: -1, maxConcurrentJobs: { default: 'many', tenants: { 'not a tenant': 1 } }, extra: 1 },
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    const fields = (answer.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual([
      'extra',
      'maxConcurrentJobs.default',
      'maxConcurrentJobs.tenants.not a tenant',
      'maxWorkers',
    ]);
    expect((await rawCall(admin, 'GET', '/v1/admin/capacity')).body).toMatchObject({ source: 'defaults' });
  });

  it('stores a change (PUT replaces the whole document) and shows it back', async () => {
    const settings = { maxWorkers: 3, maxConcurrentJobs: { default: 2, tenants: { 'sched-b': 5 } } };
    const put = await rawCall(admin, 'PUT', '/v1/admin/capacity', { body: settings });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ ...settings, source: 'admin' });
    const got = await rawCall(admin, 'GET', '/v1/admin/capacity');
    expect(got.body).toEqual({ ...settings, source: 'admin', updatedAt: put.body.updatedAt });
  });

  it('`npm run token -- <tenant> --admin` prints a token in the admins group that the API accepts', async () => {
    const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
    const run = (args: string[]) =>
      promisify(execFile)(tsx, ['local/token.ts', ...args], {
        cwd: path.resolve(__dirname, '../..'),
        env: { ...process.env, ELASTIC_CAFFE_HOME: tc.home },
      });
    const adminToken = (await run(['ops2', '--admin'])).stdout.trim();
    expect(decodeJwt(adminToken)).toMatchObject({ sub: 'ops2', 'cognito:groups': ['admins'] });
    expect((await rawCall(new ElasticCaffeClient(tc.cloud.url, adminToken), 'GET', '/v1/admin/capacity')).status).toBe(
      200,
    );
    const plainToken = (await run(['ops3'])).stdout.trim();
    expect(decodeJwt(plainToken)['cognito:groups']).toBeUndefined();
    expect((await rawCall(new ElasticCaffeClient(tc.cloud.url, plainToken), 'GET', '/v1/admin/capacity')).status).toBe(
      403,
    );
  });
});

describe('capacity and fairness: 30 jobs from 3 tenants', () => {
  it(
    'never runs more than maxWorkers, interleaves tenants, ' + 'runs each job once, and a raised limit applies mid-run',
    async () => {
      await setCapacity(0);
      const jobs: Array<{ tenant: Tenant; id: string }> = [];
      for (const [tenant, count] of [
        ['sched-a', 20],
        ['sched-b', 5],
        ['sched-c', 5],
      ] as const)
        for (let i = 0; i < count; i++) jobs.push({ tenant, id: await queueJob(tenant, `${tenant}-${i}`) });
      // Paused (maxWorkers 0): every job waits, none reaches Batch.
      await until('all 30 jobs wait for a worker', async () => {
        const waiting = await waitingIds();
        return jobs.every((job) => waiting.has(job.id));
      });
      expect(jobs.flatMap((job) => trainJobsOf(job.id))).toHaveLength(0);

      const sampler = sampleConcurrency();
      await setCapacity(2);
      const finished = () => jobs.filter((job) => trainJobsOf(job.id).some((b) => b.status === 'SUCCEEDED')).length;
      await until('10 jobs finished', () => finished() >= 10);
      const maxAtTwo = sampler.max;
      sampler.reset();
      await setCapacity(4);
      await until('4 jobs run at once, or all have finished', () => sampler.max >= 4 || finished() === jobs.length);
      await until('every job succeeded', () => allSucceeded(jobs), 10 * 60_000);
      sampler.stop();

      expect(maxAtTwo).toBe(2);
      expect(sampler.max).toBe(4);
      // Exactly one Batch job per record, and it is the one the record names.
      for (const job of jobs) {
        const batchJobs = trainJobsOf(job.id);
        expect(batchJobs).toHaveLength(1);
        expect((await records.find('training-jobs', job.tenant, job.id))?.batchJobId).toBe(batchJobs[0]!.jobId);
        expect(batchJobs[0]!.shareIdentifier).toBe(batchShareIdentifier(job.tenant));
      }
      // Submission order: A queued all 20 first, yet B and C take turns with it rather than waiting behind it.
      const tenantOfRecord = new Map(jobs.map((job) => [job.id, job.tenant]));
      const order = tc.cloud.batch
        .jobs()
        .filter((b) => tenantOfRecord.has(b.parameters?.recordId ?? ''))
        .sort((x, y) => (x.createdAt ?? 0) - (y.createdAt ?? 0))
        .map((b) => tenantOfRecord.get(b.parameters!.recordId!)!);
      const lastOfBAndC = Math.max(order.lastIndexOf('sched-b'), order.lastIndexOf('sched-c'));
      expect(lastOfBAndC).toBeLessThan(18);
      for (const tenant of tenants) expect(order.slice(0, 6).filter((t) => t === tenant)).toHaveLength(2);
      // Every slot was given back.
      await until('no slot is held', async () => (await listSlots()).length === 0, 30_000);
    },
  );
});

describe("two tenants' sweeps", () => {
  interface SweepView {
    id: string;
    status: string;
    trials: Array<{ jobIds: string[] }>;
  }

  it('share the workers fairly: the later sweep does not wait behind the earlier one', async () => {
    await setCapacity(0);
    const sweepOf = async (tenant: Tenant) => {
      // Tested at the last iteration, so every trial reports the objective.
      const solver = await api[tenant].request<{ id: string }>('POST', '/v1/solvers', {
        name: 'tiny-sweep',
        datasetId: datasetOf[tenant],
        solver: tinySolver(4).replace('test_interval: 10', 'test_interval: 4'),
        net: tinyNet(),
      });
      return api[tenant].request<SweepView>('POST', '/v1/sweeps', {
        name: `${tenant}-lr`,
        solverId: solver.id,
        parameters: { base_lr: { values: [0.001, 0.005, 0.01, 0.02] } },
        strategy: 'grid',
        maxParallel: 4,
        objective: { output: 'accuracy', goal: 'maximize' },
      });
    };
    // A's four trials are all queued before B's.
    const a = await sweepOf('sched-a');
    const b = await sweepOf('sched-b');
    const tenantOfJob = new Map([
      ...a.trials.flatMap((t) => t.jobIds.map((id) => [id, 'sched-a'] as const)),
      ...b.trials.flatMap((t) => t.jobIds.map((id) => [id, 'sched-b'] as const)),
    ]);
    expect(tenantOfJob.size).toBe(8);
    await until('all 8 trial jobs wait for a worker', async () => {
      const waiting = await waitingIds();
      return [...tenantOfJob.keys()].every((id) => waiting.has(id));
    });

    const sampler = sampleConcurrency();
    await setCapacity(2);
    for (const [tenant, sweep] of [
      ['sched-a', a],
      ['sched-b', b],
    ] as const)
      expect(
        await api[tenant].waitFor<SweepView>(`/v1/sweeps/${sweep.id}`, (s) => s.status !== 'running', {
          timeoutMs: 10 * 60_000,
        }),
      ).toMatchObject({ status: 'succeeded' });
    sampler.stop();
    expect(sampler.max).toBeLessThanOrEqual(2);
    // The order Batch got them in: the tenants take turns from the start.
    const order = tc.cloud.batch
      .jobs()
      .filter((job) => tenantOfJob.has(job.parameters?.recordId ?? ''))
      .sort((x, y) => (x.createdAt ?? 0) - (y.createdAt ?? 0))
      .map((job) => tenantOfJob.get(job.parameters!.recordId!)!);
    expect(order).toHaveLength(8);
    expect(order.slice(0, 4).filter((t) => t === 'sched-b')).toHaveLength(2);
    expect(order.slice(0, 2).sort()).toEqual(['sched-a', 'sched-b']);
  });
});

describe('exactly one Batch job per record', () => {
  it('with every message delivered twice and two more dispatchers racing the poller', async () => {
    await setCapacity(2);
    const jobs: Array<{ tenant: Tenant; id: string }> = [];
    for (let i = 0; i < 4; i++) {
      const tenant = tenants[i % 3]!;
      const id = await queueJob(tenant, `dup-${i}`);
      jobs.push({ tenant, id });
      const message = { action: 'train' as const, tenantId: tenant, recordId: id };
      await enqueueWork(message);
      await Promise.all([dispatch(message), dispatch(message)]);
    }
    await until('every job succeeded', () => allSucceeded(jobs));
    for (const job of jobs) expect(trainJobsOf(job.id)).toHaveLength(1);
  });
});

describe('a dispatcher killed between its steps: the reconciler repairs it', () => {
  const work = (tenant: Tenant, recordId: string) => ({
    collection: 'training-jobs' as const,
    tenantId: tenant,
    recordId,
  });

  /** A job that is waiting while nothing may start (capacity 0), so the test plays the dispatcher itself. */
  async function waitingJob(name: string): Promise<string> {
    await setCapacity(0);
    const id = await queueJob('sched-a', name);
    await until(`${name} waits`, async () => (await waitingIds()).has(id));
    return id;
  }

  it('after taking slots (step 1): the orphaned slot is freed and the job starts', async () => {
    const id = await waitingJob('crash-after-slots');
    expect(await acquireSlots(work('sched-a', id), randomUUID(), { maxWorkers: 1, tenantLimit: 1 })).toBe(true);
    // The orphaned slot fills the only worker: nothing may start until it is freed.
    await setCapacity(1);
    await sleep(1500);
    expect(trainJobsOf(id)).toHaveLength(0);
    expect(await reconcile({ graceSeconds: 0 })).toMatchObject({ slotsFreed: 2 });
    await until('the job succeeded', async () => (await statusOf('sched-a', id)) === 'succeeded');
    expect(trainJobsOf(id)).toHaveLength(1);
  });

  it('after claiming the record (step 2): the claim is given back and the job runs once', async () => {
    const id = await waitingJob('crash-after-claim');
    const claimId = randomUUID();
    expect(await acquireSlots(work('sched-a', id), claimId, { maxWorkers: 1, tenantLimit: 1 })).toBe(true);
    expect(await claimRecord(work('sched-a', id), claimId)).toBeDefined();
    await setCapacity(1);
    expect(await reconcile({ graceSeconds: 0 })).toMatchObject({ requeued: 1, adopted: 0 });
    await until('the job succeeded', async () => (await statusOf('sched-a', id)) === 'succeeded');
    expect(trainJobsOf(id)).toHaveLength(1);
  });

  it(
    'after SubmitJob, before recording the job (step 3): ' + 'the job found by its name is kept, none is added',
    async () => {
      const id = await waitingJob('crash-after-submit');
      const claimId = randomUUID();
      expect(await acquireSlots(work('sched-a', id), claimId, { maxWorkers: 1, tenantLimit: 1 })).toBe(true);
      const claimed = await claimRecord(work('sched-a', id), claimId);
      const jobId = await submitBatchJob('training-jobs', claimed!);
      await setCapacity(1);
      await reconcile({ graceSeconds: 0 });
      await until('the job succeeded', async () => (await statusOf('sched-a', id)) === 'succeeded');
      expect(trainJobsOf(id).map((job) => job.jobId)).toEqual([jobId]);
      expect((await records.find('training-jobs', 'sched-a', id))?.batchJobId).toBe(jobId);
      await until('its slots were given back', async () => (await listSlots()).length === 0, 30_000);
    },
  );
});

describe('cancellation in every dispatch state', () => {
  it('waiting: cancelled, leaves the waiting set, never reaches Batch', async () => {
    await setCapacity(0);
    const id = await queueJob('sched-b', 'cancel-waiting');
    await until('it waits', async () => (await waitingIds()).has(id));
    expect((await api['sched-b'].request<{ status: string }>('POST', `/v1/training-jobs/${id}/cancel`)).status).toBe(
      'cancelled',
    );
    await setCapacity(2);
    await until('it left the waiting set', async () => !(await waitingIds()).has(id), 30_000);
    expect(trainJobsOf(id)).toHaveLength(0);
  });

  it('claimed (a dispatcher mid-way): its Batch job is stopped and its slots freed', async () => {
    await setCapacity(0);
    const id = await queueJob('sched-b', 'cancel-claimed');
    await until('it waits', async () => (await waitingIds()).has(id));
    const claimId = randomUUID();
    const ref = { collection: 'training-jobs' as const, tenantId: 'sched-b', recordId: id };
    expect(await acquireSlots(ref, claimId, { maxWorkers: 1, tenantLimit: 1 })).toBe(true);
    const claimed = await claimRecord(ref, claimId);
    expect((await api['sched-b'].request<{ status: string }>('POST', `/v1/training-jobs/${id}/cancel`)).status).toBe(
      'cancelled',
    );
    // The dispatcher carries on: it submits, then cannot record the job on a cancelled record.
    const jobId = await submitBatchJob('training-jobs', claimed!);
    const { recordSubmission } = await import('../../core/usecases/work/dispatch');
    expect(await recordSubmission(ref, claimId, jobId)).toBe(false);
    await until('the Batch job stopped', () => trainJobsOf(id).every((job) => !active.has(job.status ?? '')), 60_000);
    expect((await records.find('training-jobs', 'sched-b', id))?.status).toBe('cancelled');
    await until('its slots were given back', async () => (await listSlots()).length === 0, 30_000);
  });

  it('running: the Batch job is terminated and the slot given back', async () => {
    await setCapacity(2);
    const longSolver = (
      await api['sched-c'].request<{ id: string }>('POST', '/v1/solvers', {
        name: 'long',
        datasetId: (await records.find('solvers', 'sched-c', solverOf['sched-c']))!.datasetId,
        solver: tinySolver(10_000_000).replace('snapshot: 10', 'snapshot: 100000000'),
        net: tinyNet(),
      })
    ).id;
    const id = (
      await api['sched-c'].request<{ id: string }>('POST', '/v1/training-jobs', {
        solverId: longSolver,
        name: 'cancel-running',
      })
    ).id;
    await api['sched-c'].waitFor<{ status: string }>(`/v1/training-jobs/${id}`, (j) => j.status === 'running', {
      timeoutMs: 2 * 60_000,
    });
    expect((await api['sched-c'].request<{ status: string }>('POST', `/v1/training-jobs/${id}/cancel`)).status).toBe(
      'cancelled',
    );
    await until('the Batch job stopped', () => trainJobsOf(id).every((job) => !active.has(job.status ?? '')), 60_000);
    await until('its slots were given back', async () => (await listSlots()).length === 0, 30_000);
  });
});
