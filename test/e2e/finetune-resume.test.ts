/**
 * Starting a training job from another job, with real Caffe on ~300 Fashion-MNIST images:
 * fine-tuning (`weightsFrom`: Caffe loads the weights, so the loss starts where the source ended,
 * far below a fresh net's) and resuming (`resumeFrom` a snapshot at iteration 100 of a
 * 200-iteration solver: Caffe resumes from the solver state and stops at exactly max_iter).
 */
import { fashionMnistDir } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { craftTar, fashionMnistEntries, tinyNet, uploadArchive } from '../support/tar-craft';

jest.setTimeout(8 * 60_000);

let tc: TestCloud;
let api: ElasticCaffeClient;
let solverId: string;
let source: JobView;

interface JobView {
  id: string;
  status: string;
  error?: string;
  progress: { iteration: number; maxIterations: number; loss?: number };
  model?: { iteration: number };
  weightsFrom?: { trainingJobId: string; iteration: number };
  resumeFrom?: { trainingJobId: string; iteration: number };
}
type Metrics = { train: Array<{ iteration: number; loss: number }> };

/** 200 iterations, a snapshot (weights + solver state) every 100. */
const solver = `test_iter: 6
test_interval: 100
base_lr: 0.01
momentum: 0.9
lr_policy: "fixed"
display: 10
max_iter: 200
snapshot: 100
`;

const finished = (j: JobView) => ['succeeded', 'failed', 'cancelled'].includes(j.status);
const run = async (body: Record<string, unknown>): Promise<JobView> => {
  const created = await api.request<JobView>('POST', '/v1/training-jobs', { solverId, ...body });
  return api.waitFor<JobView>(`/v1/training-jobs/${created.id}`, finished, { timeoutMs: 5 * 60_000 });
};
const log = (id: string) => api.request<string>('GET', `/v1/training-jobs/${id}/logs?limit=4194304`);
const metrics = (id: string) => api.request<Metrics>('GET', `/v1/training-jobs/${id}/metrics`);

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-finetune');
  const { entries } = await fashionMnistEntries(fashionMnistDir(), 300);
  const datafile = await uploadArchive(api, 'fashion-300', craftTar(entries, { gzip: true }));
  const dataset = await api.request<{ id: string }>('POST', '/v1/datasets', {
    name: 'fashion-300',
    training: { datafileId: datafile.id, splitPercentage: 0.8 },
    testing: { datafileId: datafile.id, splitPercentage: 0.2 },
  });
  solverId = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'tiny-200',
      datasetId: dataset.id,
      solver,
      net: tinyNet(),
    })
  ).id;
  source = await run({ name: 'source' });
  expect(source).toMatchObject({ status: 'succeeded', model: { iteration: 200 } });
});

afterAll(async () => {
  await tc?.stop();
});

describe('fine-tuning (weightsFrom)', () => {
  let job: JobView;

  beforeAll(async () => {
    job = await run({ name: 'finetuned', weightsFrom: { trainingJobId: source.id } });
  });

  it('succeeds, recording the source and its final iteration', () => {
    expect(job).toMatchObject({
      status: 'succeeded',
      weightsFrom: { trainingJobId: source.id, iteration: 200 },
      model: { iteration: 200 },
    });
  });

  it("Caffe loaded the source's weights", async () => {
    expect(await log(job.id)).toMatch(/Finetuning from .*weights\.caffemodel/);
  });

  // One minibatch's loss is noisy, so the fine-tuned start is compared with two references: an
  // untrained net's first loss (about ln 10 ≈ 2.3 for ten classes) and the source's last few
  // displayed losses (averaged). Starting from the learned weights puts it nearer the latter.
  it('the loss starts where the source ended, not where a fresh net starts', async () => {
    const [fresh, tuned] = [await metrics(source.id), await metrics(job.id)];
    const freshStart = fresh.train[0]!.loss;
    const sourceEnd =
      fresh.train.slice(-3).reduce((sum, point) => sum + point.loss, 0) / Math.min(3, fresh.train.length);
    const tunedStart = tuned.train[0]!.loss;
    expect(tuned.train[0]!.iteration).toBe(0);
    expect(sourceEnd).toBeLessThan(freshStart);
    expect(tunedStart).toBeLessThan((freshStart + sourceEnd) / 2);
  });
});

describe('resuming (resumeFrom)', () => {
  let job: JobView;

  beforeAll(async () => {
    job = await run({ name: 'resumed', resumeFrom: { trainingJobId: source.id, iteration: 100 } });
  });

  it('continues from iteration 100 and finishes at exactly max_iter', async () => {
    expect(job).toMatchObject({
      status: 'succeeded',
      resumeFrom: { trainingJobId: source.id, iteration: 100 },
      model: { iteration: 200 },
    });
    expect(job.progress).toMatchObject({ iteration: 200, maxIterations: 200 });
    const text = await log(job.id);
    expect(text).toMatch(/Resuming from .*resume_iter_100\.solverstate/);
    expect(text).not.toMatch(/Iteration 0\b/);
    const train = (await metrics(job.id)).train.map((p) => p.iteration);
    expect(train[0]).toBe(100);
    expect(train.at(-1)).toBe(200);
  });

  it('only its own snapshots past the resume point are artifacts', async () => {
    const artifacts = await api.request<{ snapshots: Array<{ iteration: number }> }>(
      'GET',
      `/v1/training-jobs/${job.id}/artifacts`,
    );
    expect(artifacts.snapshots.map((s) => s.iteration)).toEqual([200]);
  });

  it('a snapshot that does not exist → 422 naming the ones that do', async () => {
    const answer = await api
      .request('POST', '/v1/training-jobs', { solverId, resumeFrom: { trainingJobId: source.id, iteration: 150 } })
      .catch((e: { status: number; body: { detail: string } }) => e);
    expect(answer).toMatchObject({
      status: 422,
      body: { detail: expect.stringMatching(/snapshots at iterations 100, 200$/) },
    });
  });

  it('weightsFrom and resumeFrom together → 400', async () => {
    const answer = await api
      .request('POST', '/v1/training-jobs', {
        solverId,
        weightsFrom: { trainingJobId: source.id },
        resumeFrom: { trainingJobId: source.id },
      })
      .catch((e: { status: number }) => e);
    expect(answer).toMatchObject({ status: 400 });
  });

  it('the source job can be deleted once nothing unfinished starts from it', async () => {
    await api.request('DELETE', `/v1/training-jobs/${source.id}`);
    const gone = await api.request('GET', `/v1/training-jobs/${source.id}`).catch((e: { status: number }) => e);
    expect(gone).toMatchObject({ status: 404 });
  });
});
