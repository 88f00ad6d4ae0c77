/**
 * `npm run try:caffe-examples`: Caffe's own example and model-zoo nets (test/fixtures/caffe-examples),
 * unchanged, through the API of a fresh local cloud with real Caffe, as a Caffe user would send
 * them. Every pair is submitted against a dataset of a fitting shape (Fashion-MNIST grey 28×28 for
 * the MNIST nets; the same images as colour 32×32 for CIFAR-10 and colour 256×256 for the ImageNet
 * nets); the small ones (LeNet, the autoencoder, CIFAR-10) are then trained to their end with only
 * `max_iter` lowered (EXAMPLES_MAX_ITER, default 50). Prints a Markdown table (docs/NETS.md keeps
 * the last run's). Takes minutes: it is not part of the test suite.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { issueToken } from '../local/auth';
import { ensureCaffe, ensureFashionMnist } from '../local/caffe/install';
import { ApiError, ElasticCaffeClient } from '../test/support/client';
import { startLocalCloud } from '../local/cloud';
import { writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';

const root = path.join(__dirname, '..', 'test', 'fixtures', 'caffe-examples');
const maxIter = Number(process.env.EXAMPLES_MAX_ITER ?? 50);
const say = (message: string) => console.error(`» ${message}`);

interface Pair {
  solverFile: string;
  netFile: string;
  solver: string;
  net: string;
  dataset: 'grey28' | 'colour32' | 'colour256';
  train: boolean;
}

async function pairs(): Promise<Pair[]> {
  const dirs = [
    'examples/mnist',
    'examples/siamese',
    'examples/cifar10',
    ...(await readdir(path.join(root, 'models'))).map((m) => `models/${m}`),
  ];
  const found: Pair[] = [];
  for (const dir of dirs) {
    for (const file of (await readdir(path.join(root, dir))).filter((f) => /solver.*\.prototxt$/.test(f)).sort()) {
      const solver = await readFile(path.join(root, dir, file), 'utf8');
      const netFile = /^net: "([^"]+)"/m.exec(solver)?.[1] ?? '';
      const dataset = dir.startsWith('models/') ? 'colour256' : dir === 'examples/cifar10' ? 'colour32' : 'grey28';
      found.push({
        solverFile: `${dir}/${file}`,
        netFile,
        solver,
        net: await readFile(path.join(root, netFile), 'utf8'),
        dataset,
        train: dir === 'examples/mnist' || dir === 'examples/cifar10',
      });
    }
  }
  return found;
}

/** " (3 warnings: num_output 1000 is more than the dataset's 10 labels)", or nothing. */
function describeWarnings(warnings: Array<{ message: string }>): string {
  if (!warnings.length) return '';
  const count = `${warnings.length} warning${warnings.length > 1 ? 's' : ''}`;
  return ` (${count}: ${warnings[0]!.message.split(':')[0]})`;
}

type Job = {
  id: string;
  status: string;
  error?: string;
  progress: { iteration: number; maxIterations: number; loss?: number; testOutputs: Record<string, number> };
  startedAt?: string;
  finishedAt?: string;
};

async function main(): Promise<void> {
  const home = await mkdtemp(path.join(os.tmpdir(), 'caffe-examples-'));
  const cloud = await startLocalCloud({ home, port: 0, caffePrefix: await ensureCaffe(), workers: 2 });
  try {
    const api = new ElasticCaffeClient(cloud.url, await issueToken(home, 'examples'));
    const dataDir = await ensureFashionMnist();
    const upload = async (split: 'train' | 'test', count: number) => {
      const file = path.join(home, `${split}-${count}.tar.gz`);
      await writeFashionMnistArchive({ dataDir, split, count, out: file });
      return (await api.uploadDatafile(`fashion-mnist-${split}-${count}`, file)).id;
    };
    const [train, test, trainSmall, testSmall] = [
      await upload('train', 10_000),
      await upload('test', 2_000),
      await upload('train', 200),
      await upload('test', 50),
    ];
    const build = async (name: string, trainId: string, testId: string, transform?: object) => {
      const { id } = await api.request<{ id: string }>('POST', '/v1/datasets', {
        name,
        training: { datafileId: trainId, splitPercentage: 0 },
        testing: { datafileId: testId, splitPercentage: 0 },
        ...(transform ? { transform } : {}),
      });
      const ready = await api.waitFor<{ status: string; error?: string }>(
        `/v1/datasets/${id}`,
        (d) => d.status === 'ready' || d.status === 'failed',
      );
      if (ready.status !== 'ready') throw new Error(`dataset ${name} failed: ${ready.error}`);
      say(`dataset ${name} ready (${id})`);
      return id;
    };
    const datasets = {
      grey28: await build('grey-28', train, test),
      colour32: await build('colour-32', train, test, { width: 32, height: 32, grayscale: false }),
      colour256: await build('colour-256', trainSmall, testSmall, { width: 256, height: 256, grayscale: false }),
    };

    const rows: string[] = [];
    const queued: Array<{ pair: Pair; jobId: string }> = [];
    for (const pair of await pairs()) {
      const submit = (solver: string) =>
        api.request<{ id: string; warnings?: Array<{ line: number; message: string }> }>('POST', '/v1/solvers', {
          name: pair.solverFile,
          datasetId: datasets[pair.dataset],
          solver,
          net: pair.net,
        });
      let verdict: string;
      try {
        const accepted = await submit(pair.solver);
        verdict = `accepted${describeWarnings(accepted.warnings ?? [])}`;
        if (pair.train) {
          // The same pair with only max_iter lowered, so it trains here in seconds.
          const lowered = await submit(pair.solver.replace(/^max_iter: \d+/m, `max_iter: ${maxIter}`));
          const job = await api.request<{ id: string }>('POST', '/v1/training-jobs', {
            solverId: lowered.id,
            resources: { type: 'CPU' },
          });
          queued.push({ pair, jobId: job.id });
        }
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        const errors = (error.body as { errors?: Array<{ line?: number; message: string }> }).errors ?? [];
        verdict = `refused: ${errors.map((e) => `net ${e.line}: ${e.message}`).join('; ')}`;
      }
      say(`${pair.solverFile}: ${verdict}`);
      rows.push(`| \`${pair.solverFile}\` | ${pair.dataset} | ${verdict.replaceAll('|', '\\|')} |`);
    }
    console.log(
      `| Solver (net from its \`net:\`) | Dataset | Submitted unchanged |\n|---|---|---|\n${rows.join('\n')}\n`,
    );

    const trained: string[] = [];
    for (const { pair, jobId } of queued) {
      const job = await api.waitFor<Job>(`/v1/training-jobs/${jobId}`, (j) =>
        ['succeeded', 'failed', 'cancelled'].includes(j.status),
      );
      const seconds =
        job.startedAt && job.finishedAt
          ? ((Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000).toFixed(0)
          : '?';
      const outputs = Object.entries(job.progress.testOutputs)
        .map(([name, value]) => `${name} ${value.toPrecision(4)}`)
        .join(', ');
      const status = `${job.status}${job.error ? `: ${job.error}` : ''}`;
      const iteration = `${job.progress.iteration}/${job.progress.maxIterations}`;
      say(`${pair.solverFile}: ${status} at iteration ${iteration}`);
      const loss = job.progress.loss?.toPrecision(4) ?? '';
      trained.push(`| \`${pair.solverFile}\` | ${status} | ${iteration} | ${loss} | ${outputs} | ${seconds} s |`);
    }
    const header = `| Solver, max_iter ${maxIter} | Status | Iteration | Loss | Test outputs (iteration 0) | Time |`;
    console.log(`${header}\n|---|---|---|---|---|---|\n${trained.join('\n')}`);
  } finally {
    await cloud.close();
    await rm(home, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`caffe-examples failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
