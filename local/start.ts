/**
 * `npm start`: the whole system on 127.0.0.1 with real Caffe. The first run installs Caffe and
 * the Fashion-MNIST data (with progress); later runs reuse them. Stops cleanly on Ctrl-C.
 */
import { mkdir } from 'node:fs/promises';
import { ensureCaffe, ensureFashionMnist, localHome } from './caffe/install';
import { startLocalCloud } from './cloud';
import { ensureConsoleBuilt } from './console-files';
import { claimHome, HomeInUseError } from './home-claim';
import { preflight } from './preflight';

/**
 * ELASTIC_CAFFE_WORKER_IN_IMAGE=1: every Batch job runs inside the worker's container image, as on
 * AWS (built with buildah on the first run, with progress; root and apt-get needed).
 */
async function workerImage(): Promise<string> {
  const { buildWorkerImage } = await import('../packaging/images/worker-image');
  console.log('Building (or finding up to date) the worker image…');
  const image = await buildWorkerImage({ installMissingTools: true, log: (line) => console.log(line) });
  console.log(`Workers run in ${image.name} (${image.id.slice(0, 12)})`);
  return image.name;
}

async function main(): Promise<void> {
  preflight(); // an unsupported Node or a missing tool stops here, before anything is installed
  const home = localHome();
  // Before anything is installed or opened: a second start on a running system only says where it is.
  await mkdir(home, { recursive: true });
  const homeClaim = await claimHome(home);
  const caffePrefix = await ensureCaffe();
  await ensureFashionMnist();
  const consoleDir = ensureConsoleBuilt();
  const cloud = await startLocalCloud({
    home,
    port: Number(process.env.PORT ?? 3000),
    caffePrefix,
    workers: Number(process.env.ELASTIC_CAFFE_WORKERS ?? 2),
    echoWorkers: process.env.ELASTIC_CAFFE_QUIET !== '1',
    workerImage: process.env.ELASTIC_CAFFE_WORKER_IN_IMAGE === '1' ? await workerImage() : undefined,
    homeClaim,
    consoleDir,
  });
  if (cloud.recovered) console.log(`Re-queued ${cloud.recovered} unfinished job(s) from the previous run.`);
  console.log(`Local state: ${home}`);
  console.log(`Elastic Caffe ready: ${cloud.url} — console: ${cloud.url}/ (sign in with any tenant name)`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('Stopping…');
    await cloud.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error) => {
  console.error(
    error instanceof HomeInUseError ? error.message : `Elastic Caffe failed to start: ${(error as Error).message}`,
  );
  process.exit(1);
});
