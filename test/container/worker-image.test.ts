/**
 * The worker container is proven, not assumed: container/Dockerfile is built with buildah (the base
 * image debootstrapped, the Node stage made from this machine's Node; packaging/images/worker-image.ts)
 * and the local Batch emulator runs every job of a real flow inside that image through its
 * ENTRYPOINT (local/batch/image-runner.ts): importing the datafile, preparing the dataset and
 * training with the image's own Caffe 1.0, against the local cloud. A cancelled job is stopped
 * the way ECS stops a container: SIGTERM to the worker inside, then nothing left behind.
 *
 * Needs root and buildah (CI installs it: .ci/run runs `npm run image:worker` first). A cold build
 * takes minutes (debootstrap, apt-get inside the build); afterwards the layer cache makes it seconds.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ElasticCaffeClient } from '../support/client';
import { run } from '../../packaging/images/buildah';
import { buildWorkerImage, type WorkerImage } from '../../packaging/images/worker-image';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { buildForTest } from '../support/container-images';
import { longSolver, tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(20 * 60_000);

const TENANT = 'tenant-container';
const terminal = (j: { status: string }) => ['succeeded', 'failed', 'cancelled'].includes(j.status);

interface JobView {
  id: string;
  status: string;
  attempts: number;
  error?: string;
  progress: { iteration: number };
  model?: { iteration: number; bytes: number };
}

let image: WorkerImage;
let tc: TestCloud | undefined;
let api: ElasticCaffeClient;
const ids = { datafile: '', dataset: '', solver: '', longSolver: '' };

const batchJobOf = (recordId: string) => tc!.cloud.batch.jobs().find((job) => job.parameters?.recordId === recordId);
const attemptLog = (batchJobId: string, attempt = 1) =>
  readFileSync(path.join(tc!.home, 'logs', 'batch', `${batchJobId}-${attempt}.log`), 'utf8');
/** Containers of this cloud's Batch jobs that still exist. */
const jobContainers = async () => {
  const names = (await run('buildah', ['containers', '--format', '{{.ContainerName}}'])).split('\n');
  const batchJobIds = tc!.cloud.batch.jobs().map((job) => job.jobId ?? '');
  return names.filter((name) => batchJobIds.some((id) => name.startsWith(`elastic-caffe-job-${id}-`)));
};
/**
 * Host processes whose command line mentions `text` (the container's processes are host processes under chroot
 * isolation).
 */
const processesMentioning = (text: string) =>
  readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    });

async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  image = await buildForTest('worker image', buildWorkerImage);
  // The grace lets the worker stop by itself on SIGTERM, as on Batch, before the runner's SIGKILL.
  tc = await startTestCloud({ workerImage: image.name, terminateGraceMs: 20_000 });
  api = await tc.as(TENANT);
});

afterAll(async () => {
  await tc?.stop();
});

it('the image was built from container/Dockerfile on the debootstrapped base and the Node stage made here', () => {
  expect(image.baseImage).toBe('docker.io/library/debian:bullseye-slim');
  expect(image.nodeImage).toBe(`localhost/elastic-caffe-node:${process.version}`);
  expect(image.id).toMatch(/^[0-9a-f]{64}$/);
});

it('a datafile, a dataset and a short training job all run inside the image and leave the model in S3', async () => {
  ({ datafileId: ids.datafile, datasetId: ids.dataset } = await tinyDataset(api, { images: 50, ready: true }));
  ids.solver = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'tiny',
      datasetId: ids.dataset,
      solver: tinySolver(20),
      net: tinyNet(),
    })
  ).id;
  const jobId = (await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: ids.solver })).id;
  const job = await api.waitFor<JobView>(`/v1/training-jobs/${jobId}`, terminal, { timeoutMs: 5 * 60_000 });
  expect(job.error).toBeUndefined();
  expect(job).toMatchObject({ status: 'succeeded', attempts: 1, model: { iteration: 20 } });

  // The model is in S3 and downloads whole.
  const artifacts = await api.request<{ model: { url: string; bytes: number } }>(
    'GET',
    `/v1/training-jobs/${jobId}/artifacts`,
  );
  const model = Buffer.from(await (await fetch(artifacts.model.url)).arrayBuffer());
  expect(model.length).toBe(artifacts.model.bytes);
  expect(model.length).toBeGreaterThan(0);
  expect(await api.request<string>('GET', `/v1/training-jobs/${jobId}/logs`)).toMatch(/Optimization Done/);

  // It ran inside the image: the runner started that very image through its ENTRYPOINT, and the
  // worker's scratch folder is the image's WORKER_SCRATCH_DIR (the host cloud uses <home>/scratch).
  const batchJob = batchJobOf(jobId);
  expect(batchJob).toMatchObject({ status: 'SUCCEEDED' });
  const log = attemptLog(batchJob!.jobId!);
  expect(log).toContain(
    `[image runner] ${image.name} (image ${image.id.slice(0, 12)}) ` +
      `as container elastic-caffe-job-${batchJob!.jobId}-1: ` +
      `node /opt/elastic-caffe/worker.js train ${TENANT} ${jobId}`,
  );
  expect(log).toMatch(new RegExp(`\\[worker\\] train ${TENANT}/${jobId} attempt 1 in /work/scratch/${jobId}-`));
  expect(existsSync(path.join(tc!.home, 'scratch'))).toBe(true);
  expect(readdirSync(path.join(tc!.home, 'scratch'))).toEqual([]);
  // The dataset was prepared in the image too.
  const prepared = tc!.cloud.batch.jobs().find((j) => j.parameters?.recordId === ids.dataset);
  expect(attemptLog(prepared!.jobId!)).toContain(`[image runner] ${image.name}`);

  // Every attempt's container is gone once it finished.
  await waitUntil('no job container is left', async () => (await jobContainers()).length === 0);
});

it('cancelling a running job sends SIGTERM to the worker inside the container, and nothing outlives it', async () => {
  ids.longSolver = (
    await api.request<{ id: string }>('POST', '/v1/solvers', {
      name: 'long',
      datasetId: ids.dataset,
      solver: longSolver,
      net: tinyNet(),
    })
  ).id;
  const jobId = (
    await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: ids.longSolver, name: 'long' })
  ).id;
  await api.waitFor<JobView>(`/v1/training-jobs/${jobId}`, (j) => j.status === 'running' && j.progress.iteration > 0, {
    timeoutMs: 5 * 60_000,
    intervalMs: 200,
  });
  expect(processesMentioning(jobId).length).toBeGreaterThan(0);

  const cancelled = await api.request<JobView>('POST', `/v1/training-jobs/${jobId}/cancel`);
  expect(cancelled.status).toBe('cancelled');
  await waitUntil('the Batch job failed', () => batchJobOf(jobId)?.status === 'FAILED', 2 * 60_000);
  const batchJobId = batchJobOf(jobId)!.jobId!;
  expect(attemptLog(batchJobId)).toContain('[worker] SIGTERM: stopping gracefully');
  await waitUntil('no process of the job is left', () => processesMentioning(jobId).length === 0);
  await waitUntil('no job container is left', async () => (await jobContainers()).length === 0);
  expect((await api.request<JobView>('GET', `/v1/training-jobs/${jobId}`)).status).toBe('cancelled');
});
