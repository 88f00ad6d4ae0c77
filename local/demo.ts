/**
 * `npm run demo`: the whole flow through the SDK (packages/sdk) with Fashion-MNIST and LeNet — the
 * image folders are uploaded as they are (packed on the fly), a dataset is built, the solver stored
 * and the job followed with live progress; it ends with the test accuracy and where the model is.
 * Uses the running system, or starts one if none answers. `npx ecaffe train …` does the same.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { ElasticCaffe, localTokenAuth, type TrainEvent } from '@elastic-caffe/sdk/node';
import { ensureCaffe, ensureFashionMnist, localHome } from './caffe/install';
import { startLocalCloud, type LocalCloud } from './cloud';
import { writeFashionMnistFolders } from './fixtures/fashion-mnist';

const trainImages = Number(process.env.DEMO_TRAIN_IMAGES ?? 10_000);
const testImages = Number(process.env.DEMO_TEST_IMAGES ?? 2_000);
const tenant = process.env.DEMO_TENANT ?? 'demo';
const say = (message: string) => console.log(`» ${message}`);

async function running(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/v1/datafiles`);
    return response.status === 401;
  } catch {
    return false;
  }
}

/** One line per change worth a line: each record's status, the job's iterations as they pass. */
function reporter(): (event: TrainEvent) => void {
  let last = '';
  const uploaded = new Set<string>();
  return (event) => {
    let line: string;
    if (event.stage === 'upload') {
      if (event.progress.sentBytes < event.progress.totalBytes || uploaded.has(event.side)) return;
      uploaded.add(event.side);
      line =
        `uploaded the ${event.side} images (${(event.progress.totalBytes / 1048576).toFixed(1)} MiB, ` +
        `packed as a tar on the fly) as ${event.progress.datafileId}`;
    } else if (event.stage === 'job') {
      const p = event.record.progress;
      const accuracy =
        p.testOutputs.accuracy !== undefined ? `  test accuracy ${(p.testOutputs.accuracy * 100).toFixed(1)}%` : '';
      line =
        `${event.record.status.padEnd(9)} iteration ${p.iteration}/${p.maxIterations}` +
        `${p.loss !== undefined ? `  loss ${p.loss.toFixed(4)}` : ''}${accuracy}`;
    } else
      line =
        `${event.stage} ${event.record.id} ${event.record.status ?? ''}` +
        `${event.stage === 'dataset' && event.record.labels ? `: ${event.record.labels.join(', ')}` : ''}`;
    if (line !== last) say(line);
    last = line;
  };
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
  const client = new ElasticCaffe({ endpoint: baseUrl, auth: localTokenAuth({ endpoint: baseUrl, tenant }) });
  try {
    say(`writing Fashion-MNIST as image folders: ${trainImages} training and ${testImages} test images`);
    const folders = path.join(home, 'demo');
    await writeFashionMnistFolders({ dataDir, split: 'train', count: trainImages, out: path.join(folders, 'train') });
    await writeFashionMnistFolders({ dataDir, split: 'test', count: testImages, out: path.join(folders, 'test') });
    const example = path.join(__dirname, '..', 'examples', 'fashion-mnist-lenet');
    const { job } = await client.train({
      data: path.join(folders, 'train'),
      testData: path.join(folders, 'test'),
      net: await readFile(path.join(example, 'net.prototxt'), 'utf8'),
      solver: await readFile(path.join(example, 'solver.prototxt'), 'utf8'),
      name: 'fashion-mnist',
      onProgress: reporter(),
    });
    const artifacts = await client.trainingJobs.artifacts(job.id);
    const accuracy = job.progress.testOutputs.accuracy ?? NaN;
    console.log(`\nTest accuracy: ${(accuracy * 100).toFixed(2)}% after ${job.progress.iteration} iterations`);
    console.log(
      `Model (${artifacts.model?.bytes} bytes, iteration ${artifacts.model?.iteration}): ` +
        `s3://elastic-caffe-local/tenants/${tenant}/training-jobs/${job.id}/model.caffemodel`,
    );
    console.log(`Download it:  npx ecaffe login --local --tenant ${tenant} && npx ecaffe jobs download ${job.id}`);
    console.log(`Caffe's log:  npx ecaffe jobs logs ${job.id}`);
  } finally {
    await cloud?.close();
  }
}

main().catch((error) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
