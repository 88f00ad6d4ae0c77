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
import { ensureCaffe, ensureFashionMnist } from '../local/caffe/install';
import { writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';
import { buildInputFor, splitDatasetRecord } from '../local/fixtures/dataset-build';

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
  if (!existsSync(archive))
    await writeFashionMnistArchive({ dataDir: await ensureFashionMnist(), split: 'train', count, out: archive });
  const dataset = splitDatasetRecord();
  const source = { archive, label: 'datafile df' };
  for (let round = 1; round <= rounds; round++) {
    const workDir = path.join(home, 'work');
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    const started = Date.now();
    const built = await buildImagesInStream(
      buildInputFor(workDir, caffePrefix, dataset, 1),
      { training: source, testing: source },
      defaultArchiveLimits(),
    );
    if (!built) throw new Error('the stream path handed the build back');
    console.error(`round ${round}: ${count} images in ${((Date.now() - started) / 1000).toFixed(3)} s`);
  }
}

void main();
