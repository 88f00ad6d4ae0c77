/**
 * Every solver type Caffe 1.0 has trains, through the API with real Caffe: one small dataset,
 * one job per type (run concurrently), each checked in Caffe's own log for the type it ran and
 * for a falling loss. One job uses the `multistep` policy (the others' policies are covered by
 * unit tests), and one uses a V1-format net (`layers { type: INNER_PRODUCT }`), which Caffe
 * upgrades when it reads it.
 */
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyDataset, tinyNet } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

const maxIter = 60;

/** The V1 form of tinyNet: a softmax regression over the 28x28 pixels. */
const tinyV1Net = `name: "tiny-v1"
layers { name: "data" type: DATA top: "data" top: "label" include { phase: TRAIN }
  transform_param { scale: 0.00390625 } data_param { source: "train" batch_size: 32 backend: LEVELDB } }
layers { name: "data" type: DATA top: "data" top: "label" include { phase: TEST }
  transform_param { scale: 0.00390625 } data_param { source: "test" batch_size: 10 } }
layers { name: "ip" type: INNER_PRODUCT bottom: "data" top: "ip" blobs_lr: 1 blobs_lr: 2
  inner_product_param { num_output: 10 weight_filler { type: "xavier" } } }
layers { name: "loss" type: SOFTMAX_LOSS bottom: "ip" bottom: "label" top: "loss" }
`;

interface Case {
  type: string;
  settings: string;
  net?: string;
}

const cases: Case[] = [
  { type: 'SGD', settings: 'base_lr: 0.01\nmomentum: 0.9\nlr_policy: "fixed"', net: tinyV1Net },
  {
    type: 'Nesterov',
    settings: 'base_lr: 0.01\nmomentum: 0.9\nlr_policy: "multistep"\ngamma: 0.5\nstepvalue: 20\nstepvalue: 40',
  },
  { type: 'AdaGrad', settings: 'base_lr: 0.01\nlr_policy: "fixed"' },
  { type: 'RMSProp', settings: 'base_lr: 0.001\nrms_decay: 0.98\nlr_policy: "fixed"' },
  { type: 'AdaDelta', settings: 'base_lr: 1.0\nmomentum: 0.95\ndelta: 1e-6\nlr_policy: "fixed"' },
  { type: 'Adam', settings: 'base_lr: 0.001\nmomentum: 0.9\nmomentum2: 0.999\nlr_policy: "fixed"' },
];

/** average_loss smooths the displayed loss over 10 iterations, so "falls" is not batch noise. */
const solverFor = (c: Case) => `type: "${c.type}"
${c.settings}
max_iter: ${maxIter}
display: 10
average_loss: 10
test_iter: 1
test_interval: 1000
`;

let cloud: TestCloud;
let api: ElasticCaffeClient;
let datasetId: string;

beforeAll(async () => {
  cloud = await startTestCloud();
  api = await cloud.as('solver-types');
  ({ datasetId } = await tinyDataset(api, { images: 300 }));
});
afterAll(async () => cloud?.stop());

test('every Caffe 1.0 solver type trains and lowers the loss', async () => {
  // Arrange: one solver per type; jobs are queued at once and run side by side.
  const jobs = await Promise.all(
    cases.map(async (c) => {
      const solver = await api.request<{ id: string; solverType: string }>('POST', '/v1/solvers', {
        name: c.type,
        datasetId,
        solver: solverFor(c),
        net: c.net ?? tinyNet(),
      });
      expect(solver.solverType).toBe(c.type);
      return { c, job: await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id }) };
    }),
  );

  // Act
  const finished = await Promise.all(
    jobs.map(({ job }) =>
      api.waitFor<{ status: string; error?: string }>(`/v1/training-jobs/${job.id}`, (j) =>
        ['succeeded', 'failed'].includes(j.status),
      ),
    ),
  );

  // Assert: each ran as its own type (Caffe prints the solver parameters it starts from) and learned.
  for (const [i, { c, job }] of jobs.entries()) {
    expect({ type: c.type, status: finished[i]?.status, error: finished[i]?.error }).toEqual({
      type: c.type,
      status: 'succeeded',
      error: undefined,
    });
    const log = await api.request<string>('GET', `/v1/training-jobs/${job.id}/logs`);
    expect(log).toContain(`type: "${c.type}"`);
    const losses = [...log.matchAll(/Iteration \d+(?: \([^)]*\))?, loss = ([0-9.e+-]+)/g)].map((m) => Number(m[1]));
    expect(losses.length).toBeGreaterThanOrEqual(maxIter / 10);
    expect({ type: c.type, last: losses.at(-1)! < losses[0]! }).toEqual({ type: c.type, last: true });
  }
  const nesterovLog = await api.request<string>('GET', `/v1/training-jobs/${jobs[1]!.job.id}/logs`);
  expect(nesterovLog).toContain('MultiStep Status: Iteration 20, step = 1');
});
