/**
 * `npm run demo`: the whole flow through the HTTP API with Fashion-MNIST and LeNet — upload two
 * image-folder archives, build a dataset, submit a solver, train with live progress, and print the
 * test accuracy and where the model is. Uses the running system, or starts one if none answers.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { issueToken } from './auth';
import { ensureCaffe, ensureFashionMnist, localHome } from './caffe/install';
import { ElasticCaffeClient } from './client';
import { startLocalCloud, type LocalCloud } from './cloud';
import { writeFashionMnistArchive } from './fixtures/fashion-mnist';

const trainImages = Number(process.env.DEMO_TRAIN_IMAGES ?? 10_000);
const testImages = Number(process.env.DEMO_TEST_IMAGES ?? 2_000);
const say = (message: string) => console.log(`» ${message}`);

async function running(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/v1/datafiles`);
    return response.status === 401;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const home = localHome();
  const dataDir = await ensureFashionMnist();
  let baseUrl = process.env.ELASTIC_CAFFE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  let cloud: LocalCloud | undefined;
  if (!(await running(baseUrl))) {
    say(`nothing answers at ${baseUrl}; starting Elastic Caffe for this demo`);
    cloud = await startLocalCloud({ home, port: Number(process.env.PORT ?? 3000), caffePrefix: await ensureCaffe() });
    baseUrl = cloud.url;
  }
  const api = new ElasticCaffeClient(baseUrl, await issueToken(home, process.env.DEMO_TENANT ?? 'demo'));
  try {
    say(`making image-folder archives: ${trainImages} training and ${testImages} test images of Fashion-MNIST`);
    const archives = path.join(home, 'demo');
    await writeFashionMnistArchive({ dataDir, split: 'train', count: trainImages, out: path.join(archives, 'train.tar.gz') });
    await writeFashionMnistArchive({ dataDir, split: 'test', count: testImages, out: path.join(archives, 'test.tar.gz') });
    const train = await api.uploadDatafile('fashion-mnist-train', path.join(archives, 'train.tar.gz'));
    const test = await api.uploadDatafile('fashion-mnist-test', path.join(archives, 'test.tar.gz'));
    say(`uploaded datafiles ${train.id} and ${test.id} straight to S3 (presigned PUT)`);

    const created = await api.request<{ id: string }>('POST', '/v1/datasets', {
      name: 'fashion-mnist',
      training: { datafileId: train.id, splitPercentage: 0 },
      testing: { datafileId: test.id, splitPercentage: 0 },
    });
    say(`dataset ${created.id}: building LMDBs with convert_imageset …`);
    const dataset = await api.waitFor<{ status: string; labels?: string[]; counts?: unknown; error?: string }>(
      `/v1/datasets/${created.id}`,
      (d) => d.status === 'ready' || d.status === 'failed',
      { onUpdate: (d) => say(`dataset ${d.status}`) },
    );
    if (dataset.status === 'failed') throw new Error(`the dataset failed: ${dataset.error}`);
    say(`labels: ${dataset.labels?.join(', ')}`);

    const example = path.join(__dirname, '..', 'examples', 'fashion-mnist-lenet');
    const solver = await api.request<{ id: string; maxIterations: number }>('POST', '/v1/solvers', {
      name: 'lenet',
      datasetId: created.id,
      solver: await readFile(path.join(example, 'solver.prototxt'), 'utf8'),
      net: await readFile(path.join(example, 'net.prototxt'), 'utf8'),
    });
    const job = await api.request<{ id: string }>('POST', '/v1/training-jobs', { solverId: solver.id });
    say(`training job ${job.id} queued (solver ${solver.id}, ${solver.maxIterations} iterations)`);
    type Job = { status: string; attempts: number; progress: { iteration: number; maxIterations: number; loss?: number; testOutputs: Record<string, number> }; error?: string };
    let lastLine = '';
    const done = await api.waitFor<Job>(`/v1/training-jobs/${job.id}`, (j) => ['succeeded', 'failed', 'cancelled'].includes(j.status), {
      onUpdate: (j) => {
        const p = j.progress;
        const accuracy = p.testOutputs.accuracy !== undefined ? `  test accuracy ${(p.testOutputs.accuracy * 100).toFixed(1)}%` : '';
        const line = `${j.status.padEnd(9)} iteration ${p.iteration}/${p.maxIterations}${p.loss !== undefined ? `  loss ${p.loss.toFixed(4)}` : ''}${accuracy}`;
        if (line !== lastLine) say(line);
        lastLine = line;
      },
    });
    if (done.status !== 'succeeded') throw new Error(`the training job ${done.status}: ${done.error ?? ''}`);
    const artifacts = await api.request<{ model: { url: string; iteration: number; bytes: number } }>('GET', `/v1/training-jobs/${job.id}/artifacts`);
    const accuracy = done.progress.testOutputs.accuracy ?? NaN;
    console.log(`\nTest accuracy: ${(accuracy * 100).toFixed(2)}% after ${done.progress.iteration} iterations`);
    console.log(`Model (${artifacts.model.bytes} bytes, iteration ${artifacts.model.iteration}): s3://elastic-caffe-local/tenants/demo/training-jobs/${job.id}/model.caffemodel`);
    console.log(`Download it:  curl -o lenet.caffemodel '${artifacts.model.url}'`);
    console.log(`Caffe's log:  curl -H "Authorization: Bearer $(npm run -s token -- demo)" ${baseUrl}/v1/training-jobs/${job.id}/logs`);
  } finally {
    await cloud?.close();
  }
}

main().catch((error) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
