/**
 * The stream import alone, in this process (no cloud, no S3): builds both sides of a dataset from
 * an image-folders .tar.gz of the first N Fashion-MNIST images with formats/stream-images.ts and
 * prints when each step starts. For profiling (`npx tsx --cpu-prof bench/import-stream-profile.ts`)
 * and A/B runs of one lever, e.g. the decoder threads (docs/BENCHMARKS.md, import round 2):
 *   ELASTIC_CAFFE_DECODE_THREADS=0 npx tsx bench/import-stream-profile.ts 60000 3
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultArchiveLimits } from '../container/worker/formats/limits';
import { buildImagesInStream } from '../container/worker/formats/stream-images';
import type { Dataset } from '../core/records/types';
import { ensureCaffe, ensureFashionMnist } from '../local/caffe/install';
import { writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';

async function main(): Promise<void> {
  const [count = 60000, rounds = 2] = process.argv.slice(2).map(Number);
  // The worker's step lines are printed inside Batch jobs only: this run asks for them, with times.
  process.env.AWS_BATCH_JOB_ID ??= 'import-stream-profile';
  const t0 = Date.now();
  const log = console.error;
  console.error = (...args: unknown[]) => log(((Date.now() - t0) / 1000).toFixed(3), ...args);
  const caffePrefix = await ensureCaffe();
  const home = path.join(os.tmpdir(), 'import-stream-profile');
  const archive = path.join(home, `fashion-mnist-${count}.tar.gz`);
  if (!existsSync(archive)) await writeFashionMnistArchive({ dataDir: await ensureFashionMnist(), split: 'train', count, out: archive });
  const dataset = {
    id: 'ds-profile',
    tenantId: 't',
    createdAt: '',
    updatedAt: '',
    status: 'processing',
    training: { datafileId: 'df', splitPercentage: 0.8 },
    testing: { datafileId: 'df', splitPercentage: 0.2 },
    attempts: 1,
    format: 'image-folders',
  } as Dataset;
  const source = { archive, label: 'datafile df' };
  for (let round = 1; round <= rounds; round++) {
    const workDir = path.join(home, 'work');
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    const started = Date.now();
    const ctx = { workDir, caffePrefix, gpu: false, attempt: 1, stopping: new AbortController().signal };
    const built = await buildImagesInStream({ ctx, dataset, seed: 1, shuffle: true, sameDatafile: true }, { training: source, testing: source }, defaultArchiveLimits());
    if (!built) throw new Error('the stream path handed the build back');
    console.error(`round ${round}: ${count} images in ${((Date.now() - started) / 1000).toFixed(3)} s`);
  }
}

void main();
