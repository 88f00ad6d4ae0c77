/**
 * A training job that Caffe itself rejects, through a real local cloud with real Caffe: the net
 * passes every submit-time check (syntax, Caffe's schema, known layer types) but wires a layer to
 * a blob no layer produces, which only Caffe notices when it builds the net. The job must end
 * `failed` — never stay `running` — with Caffe's own reason, after one attempt: the worker's
 * permanent-failure exit code tells Batch not to retry.
 */
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(5 * 60_000);

let tc: TestCloud;
let api: ElasticCaffeClient;
let datasetId: string;

const bogusLayer = `layer {
  name: "mystery"
  type: "Bogus"
  bottom: "ip"
  top: "ip"
}
`;
const danglingLayer = `layer {
  name: "mystery"
  type: "ReLU"
  bottom: "nowhere"
  top: "mystery"
}
`;

interface JobView {
  id: string;
  status: string;
  attempts: number;
  error?: string;
  finishedAt?: string;
  progress: { iteration: number; maxIterations: number };
  model?: unknown;
}

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-failures');
  ({ datasetId } = await tinyDataset(api, { images: 50, ready: true }));
});

afterAll(async () => {
  await tc?.stop();
});

test('a net with an unknown layer type is refused at submit, with the line and column', async () => {
  const refused = await api
    .request('POST', '/v1/solvers', { name: 'bogus', datasetId, solver: tinySolver(20), net: tinyNet(bogusLayer) })
    .then(
      () => undefined,
      (error: {
        status: number;
        body: { errors: Array<{ field: string; line: number; column: number; message: string }> };
      }) => error,
    );
  expect(refused?.status).toBe(400);
  expect(refused?.body.errors).toEqual([
    expect.objectContaining({ field: 'net', line: 29, message: expect.stringContaining('Bogus') }),
  ]);
});

describe('a net that only Caffe can find wrong (a layer reads a blob nothing produces)', () => {
  let solverId: string;
  let job: JobView;
  const seen = new Set<string>();

  it('passes submit-time validation', async () => {
    const solver = await api.request<{ id: string; maxIterations: number }>('POST', '/v1/solvers', {
      name: 'dangling',
      datasetId,
      solver: tinySolver(20),
      net: tinyNet(danglingLayer),
    });
    expect(solver.maxIterations).toBe(20);
    solverId = solver.id;
  });

  it("trains → ends failed (not stuck in running) after exactly one attempt, with Caffe's reason", async () => {
    const created = await api.request<JobView>('POST', '/v1/training-jobs', { solverId });
    expect(created.status).toBe('queued');
    job = await api.waitFor<JobView & Record<string, unknown>>(
      `/v1/training-jobs/${created.id}`,
      (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status),
      { timeoutMs: 4 * 60_000, intervalMs: 200, onUpdate: (j) => seen.add(j.status) },
    );
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^Caffe failed: /);
    expect(job.error).toContain("Unknown bottom blob 'nowhere'");
    expect(job.attempts).toBe(1);
    expect(typeof job.finishedAt).toBe('string');
    expect(job.progress.iteration).toBe(0);
    expect(job.model).toBeUndefined();
    // Every status the job was seen in belongs to one forward run; nothing after `failed`.
    for (const status of seen) expect(['queued', 'starting', 'running', 'failed']).toContain(status);
  });

  it('Batch ran it once: the permanent-failure exit code is not retried', () => {
    const batchJobs = tc.cloud.batch.jobs().filter((j) => j.parameters?.recordId === job.id);
    expect(batchJobs).toHaveLength(1);
    expect(batchJobs[0]!.status).toBe('FAILED');
    expect(batchJobs[0]!.attempts).toHaveLength(1);
    expect(batchJobs[0]!.attempts![0]!.container?.exitCode).toBe(3);
  });

  it("Caffe's log has the error line", async () => {
    const log = await api.request<string>('GET', `/v1/training-jobs/${job.id}/logs`);
    expect(log).toContain("Unknown bottom blob 'nowhere'");
  });

  it('there is no model to download', async () => {
    const artifacts = await api.request<{ model: unknown; snapshots: unknown[] }>(
      'GET',
      `/v1/training-jobs/${job.id}/artifacts`,
    );
    expect(artifacts).toEqual({ model: null, bundle: null, snapshots: [] });
  });
});
