/**
 * Checkpoints that survive interruptions, with real Caffe through the local cloud:
 * - a worker killed mid-training (SIGKILL, as a crash or the OOM killer) → Batch retries → the
 *   next attempt resumes from the newest snapshot pair in S3 and finishes at max_iter;
 * - a spot interruption (the emulator's host interruption: SIGTERM first, status reason
 *   `Host EC2…`) → the worker has Caffe snapshot where it is, uploads it and exits; the next
 *   attempt resumes from exactly that iteration;
 * - a permanent failure (a net only Caffe finds wrong) → one attempt, no retry.
 * The solvers here set no `snapshot` interval (or one past max_iter), so every snapshot before the
 * end comes from the worker: SIGHUP on the time interval, or SIGINT on SIGTERM.
 */
import { GetObjectTaggingCommand } from '@aws-sdk/client-s3';
import { s3 } from '../../core/aws/eager-clients';
import { bucket, keys } from '../../core/objects';
import { envNames, intermediateSnapshotTag } from '../../core/topology';
import { snapshotIterations, snapshotKey } from '../../core/usecases/training-job-sources';
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar, fashionMnistEntries, tinyNet, uploadArchive } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

const tenant = 'tenant-interruptions';
let tc: TestCloud;
let api: ElasticCaffeClient;
let datasetId: string;

interface JobView {
  id: string;
  status: string;
  attempts: number;
  error?: string;
  progress: { iteration: number; maxIterations: number };
  model?: { iteration: number };
  resumes?: Array<{ iteration: number; attempt: number; at: string }>;
}

/**
 * Heavier than tinyNet per iteration (a convolution over 64 images), so a few hundred iterations
 * last long enough to interrupt them; the weights stay small (one 5x5x32 filter bank, 10 outputs).
 */
const convNet =
  `name: "conv"
layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TRAIN }
  transform_param { scale: 0.00390625 } data_param { source: "train" batch_size: 64 backend: LMDB } }
layer { name: "data" type: "Data" top: "data" top: "label" include { phase: TEST }
  transform_param { scale: 0.00390625 } data_param { source: "test" batch_size: 20 backend: LMDB } }
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
  convolution_param { num_output: 32 kernel_size: 5 weight_filler { type: "xavier" } } }
layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "ip" type: "InnerProduct" bottom: "pool" top: "ip" ` +
  `inner_product_param { num_output: 10 weight_filler { type: "xavier" } } }
layer { name: "accuracy" type: "Accuracy" bottom: "ip" bottom: "label" top: "accuracy" include { phase: TEST } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
`;
const maxIter = 600;
const solverText = (extra = '') => `test_iter: 2
test_interval: 200
base_lr: 0.01
momentum: 0.9
lr_policy: "fixed"
display: 10
max_iter: ${maxIter}
${extra}`;

const finished = (j: JobView) => ['succeeded', 'failed', 'cancelled'].includes(j.status);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (id: string) => api.request<string>('GET', `/v1/training-jobs/${id}/logs?limit=4194304`);

async function createJob(name: string, solver: string, net = convNet): Promise<JobView> {
  const { id: solverId } = await api.request<{ id: string }>('POST', '/v1/solvers', { name, datasetId, solver, net });
  return api.request<JobView>('POST', '/v1/training-jobs', { solverId, name });
}

const waitFinished = (id: string) =>
  api.waitFor<JobView>(`/v1/training-jobs/${id}`, finished, { timeoutMs: 8 * 60_000, intervalMs: 500 });

/** The Batch job running a training job (the record's batchJobId is internal to the API). */
function batchJobOf(recordId: string) {
  const jobs = tc.cloud.batch.jobs().filter((j) => j.parameters?.recordId === recordId);
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
}

/** Iterations with both a .caffemodel and a .solverstate in S3, ascending. */
async function completePairs(jobId: string): Promise<number[]> {
  const { caffemodel, solverstate } = await snapshotIterations(tenant, jobId);
  return solverstate.filter((i) => caffemodel.includes(i));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 5 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

beforeAll(async () => {
  // A snapshot every 2 s of training for solvers without an interval; a generous grace, so the
  // interrupted worker always has time to snapshot and upload on a busy machine.
  tc = await startTestCloud({ workerEnv: { [envNames.snapshotIntervalSeconds]: '2' }, terminateGraceMs: 60_000 });
  api = await tc.as(tenant);
  const { entries } = await fashionMnistEntries(fashionMnistDir(), 300);
  const datafile = await uploadArchive(api, 'fashion-300', craftTar(entries, { gzip: true }));
  datasetId = (
    await api.request<{ id: string }>('POST', '/v1/datasets', {
      name: 'fashion-300',
      training: { datafileId: datafile.id, splitPercentage: 0.8 },
      testing: { datafileId: datafile.id, splitPercentage: 0.2 },
    })
  ).id;
  const ready = await api.waitFor<{ status: string }>(
    `/v1/datasets/${datasetId}`,
    (d) => d.status === 'ready' || d.status === 'failed',
    { timeoutMs: 4 * 60_000 },
  );
  expect(ready.status).toBe('ready');
});

afterAll(async () => {
  await tc?.stop();
});

describe('a worker killed mid-training (SIGKILL)', () => {
  let job: JobView;
  let lastSynced: number;

  beforeAll(async () => {
    const created = await createJob('killed', solverText());
    // At least one snapshot pair is in S3 (written on the time interval: the solver sets none).
    await until('a snapshot pair in S3', async () => ((await completePairs(created.id)).length ? true : undefined));
    const running = await api.request<JobView>('GET', `/v1/training-jobs/${created.id}`);
    expect(running).toMatchObject({ status: 'running' }); // still training: the kill below is mid-training
    tc.cloud.batch.signalJobProcess(batchJobOf(created.id).jobId!, 'SIGKILL');
    // The process group is gone at once: nothing of attempt 1 reaches S3 after this.
    await until('attempt 1 to end', async () => (batchJobOf(created.id).attempts?.length ? true : undefined));
    lastSynced = (await completePairs(created.id)).at(-1)!;
    job = await waitFinished(created.id);
  });

  it('was retried by Batch after the kill (exit 137)', () => {
    const batchJob = batchJobOf(job.id);
    expect(batchJob.status).toBe('SUCCEEDED');
    expect(batchJob.attempts?.[0]?.container?.exitCode).toBe(137);
    expect(batchJob.attempts).toHaveLength(2);
  });

  it('resumed from the last snapshot synced before the kill and finished at max_iter', async () => {
    expect(lastSynced).toBeGreaterThan(0);
    expect(lastSynced).toBeLessThan(maxIter);
    expect(job).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      model: { iteration: maxIter },
      progress: { iteration: maxIter, maxIterations: maxIter },
    });
    expect(job.resumes).toEqual([{ iteration: lastSynced, attempt: 2, at: expect.any(String) }]);
    const text = await log(job.id);
    expect(text).toContain(`[worker] attempt 2 resumes from its snapshot at iteration ${lastSynced}`);
    expect(text).toMatch(new RegExp(`Resuming from .*snapshot_iter_${lastSynced}\\.solverstate`));
  });

  it('tags intermediate snapshots for expiry, but not the final model', async () => {
    const tagsOf = async (key: string) =>
      (await s3().send(new GetObjectTaggingCommand({ Bucket: bucket(), Key: key }))).TagSet ?? [];
    expect(await tagsOf(snapshotKey(tenant, job.id, lastSynced, 'caffemodel'))).toEqual([
      { Key: intermediateSnapshotTag.key, Value: intermediateSnapshotTag.value },
    ]);
    expect(await tagsOf(snapshotKey(tenant, job.id, lastSynced, 'solverstate'))).toEqual([
      { Key: intermediateSnapshotTag.key, Value: intermediateSnapshotTag.value },
    ]);
    expect(await tagsOf(keys.jobModel(tenant, job.id))).toEqual([]);
  });
});

describe('a spot interruption (SIGTERM, then the host is gone)', () => {
  let job: JobView;
  let attemptOneLog: string;

  beforeAll(async () => {
    // The solver's own interval is past max_iter: before the end only the stop writes a snapshot.
    const created = await createJob('interrupted', solverText(`snapshot: ${maxIter * 10}\n`));
    await api.waitFor<JobView>(`/v1/training-jobs/${created.id}`, (j) => j.progress.iteration >= 50 || finished(j), {
      timeoutMs: 5 * 60_000,
      intervalMs: 200,
    });
    expect(await completePairs(created.id)).toEqual([]);
    tc.cloud.batch.simulateHostInterruption(batchJobOf(created.id).jobId!);
    job = await waitFinished(created.id);
    const text = await log(job.id);
    attemptOneLog = text.slice(0, text.indexOf('[worker] attempt 2'));
  });

  it('attempt 1 ended as host-terminated and Batch retried it', () => {
    const batchJob = batchJobOf(job.id);
    expect(batchJob.status).toBe('SUCCEEDED');
    expect(batchJob.attempts).toHaveLength(2);
    expect(batchJob.attempts?.[0]?.statusReason).toMatch(/^Host EC2/);
  });

  it('Caffe snapshotted where it was, and the next attempt resumed from exactly there', () => {
    expect(attemptOneLog).toContain('Optimization stopped early');
    const snapshots = [...attemptOneLog.matchAll(/Snapshotting to binary proto file .*_iter_(\d+)\.caffemodel/g)].map(
      (m) => Number(m[1]),
    );
    expect(snapshots).toHaveLength(1);
    const stoppedAt = snapshots[0]!;
    expect(stoppedAt).toBeGreaterThanOrEqual(50);
    expect(stoppedAt).toBeLessThan(maxIter);
    expect(job).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      model: { iteration: maxIter },
      progress: { iteration: maxIter },
    });
    expect(job.resumes).toEqual([{ iteration: stoppedAt, attempt: 2, at: expect.any(String) }]);
  });
});

describe('a permanent failure (a net only Caffe finds wrong)', () => {
  it('fails after one attempt, with no retry', async () => {
    const dangling = 'layer { name: "mystery" type: "ReLU" bottom: "nowhere" top: "mystery" }\n';
    const created = await createJob('broken', solverText(), tinyNet(dangling));
    const job = await waitFinished(created.id);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/nowhere/) });
    expect(job.resumes).toBeUndefined();
    const batchJob = batchJobOf(job.id);
    expect(batchJob.attempts).toHaveLength(1);
    expect(batchJob.attempts?.[0]?.container?.exitCode).toBe(3);
  });
});
