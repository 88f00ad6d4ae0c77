/**
 * Sweeps with real Caffe on ~300 Fashion-MNIST images and a tiny net: an ASHA sweep of 4 trials
 * (rungs at 20 and 40 iterations, η = 2, two at a time) whose promoted trials continue from their
 * own snapshot at the exact rung iteration, and a running sweep whose cancel stops every trial.
 */
import { cancelSweep, createSweep } from '../../core/usecases/sweeps';
import { fashionMnistDir } from '../../local/caffe/install';
import type { ApiError, ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar, fashionMnistEntries, tinyNet, uploadArchive } from '../support/tar-craft';

jest.setTimeout(12 * 60_000);

/** Runs before the next training job is created (once), to land a cancel in the middle of an advance. */
const mockBeforeCreate: { once?: (sweepId: string) => Promise<void> } = {};
jest.mock('../../core/usecases/training-jobs', () => {
  const actual = jest.requireActual<typeof import('../../core/usecases/training-jobs')>(
    '../../core/usecases/training-jobs',
  );
  return {
    ...actual,
    createTrainingJob: async (...args: Parameters<typeof actual.createTrainingJob>) => {
      const hook = mockBeforeCreate.once;
      mockBeforeCreate.once = undefined;
      if (hook && args[2]?.sweepId) await hook(args[2].sweepId);
      return actual.createTrainingJob(...args);
    },
  };
});

let tc: TestCloud;
let api: ElasticCaffeClient;
let datasetId: string;

interface TrialView {
  id: string;
  status: string;
  rung: number;
  iteration: number;
  objective: number | null;
  objectives: Array<number | null>;
  jobIds: string[];
  parameters: Record<string, number>;
  usage?: { billableSeconds: number; jobs: number };
}
interface SweepView {
  id: string;
  status: string;
  rungs: number[];
  trials: TrialView[];
  best?: { trialId: string; objective: number };
  iterations?: { trained: number; everyTrialToTheEnd: number };
  usage?: { billableSeconds: number; jobs: number };
  saved?: { iterations: number; billableSeconds: number };
}
interface JobView {
  id: string;
  status: string;
  sweepId?: string;
  trialId?: string;
  startedAt?: string;
  finishedAt?: string;
  progress: { iteration: number; maxIterations: number; testOutputs: Record<string, number> };
  usage?: { billableSeconds: number };
  resumeFrom?: { trainingJobId: string; iteration: number };
}
type Metrics = { train: Array<{ iteration: number }> };

const solverText = (maxIter: number, snapshot: number) => `test_iter: 6
test_interval: 20
base_lr: 0.01
momentum: 0.9
lr_policy: "fixed"
display: 10
max_iter: ${maxIter}
snapshot: ${snapshot}
`;

const createSolver = async (name: string, maxIter: number, snapshot = 20) =>
  (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name,
      datasetId,
      solver: solverText(maxIter, snapshot),
      net: tinyNet(),
    })
  ).id;

const job = (id: string) => api.request<JobView>('GET', `/v1/training-jobs/${id}`);
const finished = (s: SweepView) => s.status !== 'running';

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-sweeps');
  const { entries } = await fashionMnistEntries(fashionMnistDir(), 300);
  const datafile = await uploadArchive(api, 'fashion-300', craftTar(entries, { gzip: true }));
  datasetId = (
    await api.request<{ id: string }>('POST', '/v1/datasets', {
      name: 'fashion-300',
      training: { datafileId: datafile.id, splitPercentage: 0.8 },
      testing: { datafileId: datafile.id, splitPercentage: 0.2 },
    })
  ).id;
});

afterAll(async () => {
  await tc?.stop();
});

describe('an ASHA sweep', () => {
  let sweep: SweepView;
  let jobs: JobView[];

  beforeAll(async () => {
    const solverId = await createSolver('tiny-40', 40);
    const created = await api.request<SweepView>('POST', '/v1/sweeps', {
      name: 'lr-asha',
      solverId,
      parameters: { base_lr: { values: [0.0005, 0.005, 0.02, 0.05] } },
      strategy: 'asha',
      maxTrials: 4,
      maxParallel: 2,
      objective: { output: 'accuracy', goal: 'maximize' },
      asha: { minIterations: 20, reductionFactor: 2 },
      seed: 1,
    });
    expect(created.rungs).toEqual([20, 40]);
    sweep = await api.waitFor<SweepView>(`/v1/sweeps/${created.id}`, finished, { timeoutMs: 10 * 60_000 });
    jobs = await Promise.all(sweep.trials.flatMap((t) => t.jobIds).map(job));
  });

  it('succeeds with every trial either trained to max_iter or stopped at the first rung', () => {
    expect(sweep.status).toBe('succeeded');
    expect(sweep.trials).toHaveLength(4);
    for (const trial of sweep.trials) {
      if (trial.status === 'succeeded') expect(trial).toMatchObject({ rung: 1, iteration: 40 });
      else expect(trial).toMatchObject({ status: 'stopped', rung: 0, iteration: 20, jobIds: [expect.any(String)] });
      expect(trial.objectives[0]).toEqual(expect.any(Number));
    }
    const promoted = sweep.trials.filter((t) => t.jobIds.length === 2);
    expect(promoted.length).toBeGreaterThanOrEqual(2);
    expect(sweep.best).toEqual({
      trialId: expect.any(String),
      objective: expect.any(Number),
      parameters: expect.anything(),
    });
    expect(sweep.iterations!.trained).toBeLessThan(sweep.iterations!.everyTrialToTheEnd);
  });

  it("each promoted trial's second job resumes the first at exactly the rung", async () => {
    for (const trial of sweep.trials.filter((t) => t.jobIds.length === 2)) {
      const [first, second] = trial.jobIds as [string, string];
      const resumed = await job(second);
      expect(resumed).toMatchObject({
        status: 'succeeded',
        sweepId: sweep.id,
        trialId: trial.id,
        resumeFrom: { trainingJobId: first, iteration: 20 },
        progress: { iteration: 40, maxIterations: 40 },
      });
      const metrics = await api.request<Metrics>('GET', `/v1/training-jobs/${second}/metrics`);
      expect(metrics.train[0]!.iteration).toBe(20);
      const log = await api.request<string>('GET', `/v1/training-jobs/${second}/logs?limit=4194304`);
      expect(log).toMatch(/Resuming from .*_iter_20\.solverstate/);
    }
  });

  it('a trial reads on its own: its jobs in order and one curve across them', async () => {
    const promoted = sweep.trials.find((t) => t.jobIds.length === 2)!;
    const trial = await api.request<{
      id: string;
      sweepId: string;
      jobs: Array<{ id: string; status: string; resumeFrom?: { trainingJobId: string; iteration: number } }>;
      metrics: { train: Array<{ iteration: number }>; test: Array<{ iteration: number }> };
    }>('GET', `/v1/sweeps/${sweep.id}/trials/${promoted.id}`);
    expect(trial).toMatchObject({ id: promoted.id, sweepId: sweep.id });
    expect(trial.jobs.map((j) => j.id)).toEqual(promoted.jobIds);
    expect(trial.jobs[1]!.resumeFrom).toEqual({ trainingJobId: promoted.jobIds[0], iteration: 20 });
    // One continuous curve from 0 to max_iter: the second job's points from the rung on, none twice.
    const iterations = trial.metrics.train.map((t) => t.iteration);
    expect(iterations[0]).toBe(0);
    expect(iterations.at(-1)).toBe(40);
    expect(iterations.every((it, i) => i === 0 || it > iterations[i - 1]!)).toBe(true);
    expect(trial.metrics.test.map((t) => t.iteration)).toEqual([0, 20, 40]);
    const missing = await api.request('GET', `/v1/sweeps/${sweep.id}/trials/t99`).catch((e: ApiError) => e);
    expect(missing).toMatchObject({ status: 404 });
  });

  it('its jobs are ordinary jobs in the jobs list, with their sweep and trial', async () => {
    const list = await api.request<{ items: JobView[] }>('GET', '/v1/training-jobs?limit=100');
    const listed = list.items.filter((j) => j.sweepId === sweep.id);
    expect(listed.map((j) => j.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(listed.every((j) => j.trialId?.startsWith('t'))).toBe(true);
  });

  it("sums its jobs' usage per trial and for the sweep, and says what stopping early saved", async () => {
    // Usage is written when each Batch job ends, possibly just after the sweep finished.
    const read = await api.waitFor<SweepView>(`/v1/sweeps/${sweep.id}`, (s) => s.usage?.jobs === jobs.length);
    const used = await Promise.all(jobs.map(async (j) => (await job(j.id)).usage!.billableSeconds));
    expect(read.usage!.billableSeconds).toBe(used.reduce((a, b) => a + b, 0));
    expect(read.usage!.billableSeconds).toBeGreaterThan(0);
    for (const trial of read.trials) expect(trial.usage!.jobs).toBe(trial.jobIds.length);
    expect(read.trials.reduce((sum, t) => sum + t.usage!.billableSeconds, 0)).toBe(read.usage!.billableSeconds);
    const { trained, everyTrialToTheEnd } = read.iterations!;
    expect(read.saved!.iterations).toBe(everyTrialToTheEnd - trained);
    expect(read.saved!.billableSeconds).toBe(
      Math.round((read.usage!.billableSeconds * (everyTrialToTheEnd - trained)) / trained),
    );
  });

  it('never ran more than maxParallel jobs at once', () => {
    const edges = jobs.flatMap((j) => [
      { at: Date.parse(j.startedAt!), delta: 1 },
      { at: Date.parse(j.finishedAt!), delta: -1 },
    ]);
    edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
    let running = 0;
    let most = 0;
    for (const edge of edges) most = Math.max(most, (running += edge.delta));
    expect(most).toBeLessThanOrEqual(2);
  });
});

describe('cancelling a running sweep', () => {
  it('stops every queued or running trial job', async () => {
    const solverId = await createSolver('tiny-long', 100_000, 50_000);
    const created = await api.request<SweepView>('POST', '/v1/sweeps', {
      name: 'to-cancel',
      solverId,
      parameters: { momentum: { values: [0.8, 0.9, 0.95] } },
      strategy: 'grid',
      maxParallel: 2,
      objective: { output: 'accuracy', goal: 'maximize' },
    });
    expect(created.trials.filter((t) => t.status === 'running')).toHaveLength(2);
    await api.waitFor<JobView>(`/v1/training-jobs/${created.trials[0]!.jobIds[0]}`, (j) => j.status === 'running', {
      timeoutMs: 3 * 60_000,
    });
    const cancelled = await api.request<SweepView>('POST', `/v1/sweeps/${created.id}/cancel`);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.trials.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    for (const id of cancelled.trials.flatMap((t) => t.jobIds))
      expect(await api.waitFor<JobView>(`/v1/training-jobs/${id}`, (j) => j.status !== 'running')).toMatchObject({
        status: 'cancelled',
      });
    const again = await api.request('POST', `/v1/sweeps/${created.id}/cancel`).catch((e: { status: number }) => e);
    expect((again as { status: number }).status).toBe(409);
  });

  it('a cancel landing while a trial job is being created still stops that job', async () => {
    const solverId = await createSolver('tiny-race', 100_000, 50_000);
    const tenant = 'tenant-sweeps';
    // The cancel lands after the sweep gave its trials job ids and before their jobs exist: it finds
    // no job to stop, so the advance that creates them must notice the cancel.
    let cancelled = false;
    mockBeforeCreate.once = async (sweepId) => {
      await cancelSweep(tenant, sweepId);
      cancelled = true;
    };
    try {
      const created = await createSweep(tenant, {
        name: 'race',
        solverId,
        parameters: { momentum: { values: [0.8, 0.9] } },
        strategy: 'grid',
        maxParallel: 2,
        objective: { output: 'accuracy', goal: 'maximize' },
      });
      expect(cancelled).toBe(true);
      expect(created.status).toBe('cancelled');
      const ids = created.trials.flatMap((t) => t.jobIds);
      expect(ids).toHaveLength(2);
      for (const id of ids)
        expect(
          await api.waitFor<JobView>(
            `/v1/training-jobs/${id}`,
            (j) => !['queued', 'starting', 'running'].includes(j.status),
          ),
        ).toMatchObject({ status: 'cancelled' });
    } finally {
      mockBeforeCreate.once = undefined;
    }
  });

  it('a sweep whose parameter names no field → 400 naming the parameter', async () => {
    const solverId = await createSolver('tiny-bad', 40);
    const answer = (await api
      .request('POST', '/v1/sweeps', {
        name: 'bad',
        solverId,
        parameters: { 'layer[nope].convolution_param.num_output': { values: [8] }, base_lr: { uniform: [0.1, 0.2] } },
        strategy: 'grid',
        objective: { output: 'accuracy', goal: 'maximize' },
      })
      .catch((error: unknown) => error)) as { status: number; body: { errors: Array<{ field: string }> } };
    expect(answer.status).toBe(400);
    expect(answer.body.errors.map((e) => e.field)).toEqual(['parameters.layer[nope].convolution_param.num_output']);
  });
});
