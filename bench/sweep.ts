/**
 * `npm run bench:sweep`: grid vs random vs ASHA on Fashion-MNIST with LeNet
 * (examples/fashion-mnist-lenet) over a 27-point space — base_lr × momentum × weight_decay, three
 * values each — in the local cloud with real Caffe. Reports each strategy's best objective (test
 * accuracy), the iterations its trials trained in total and the wall time, and writes them to
 * bench/results/sweep-<time>.json. It runs on request, not in CI (it trains for many minutes).
 *
 * Options: --images N (training images, default 2000), --max-iter N (each trial's full length,
 * default 270), --workers N (Batch workers and each sweep's maxParallel, default 2), --random N
 * (random trials, default 9), --seed N, --strategies grid,random,asha, --verbose, --keep, --out FILE.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';
import { positiveInt, repoRoot, resultsPath, say, startBenchSession } from './lib/session';

const usage =
  'usage: npm run bench:sweep -- [--images 2000] [--max-iter 270] [--workers 2] [--random 9] [--seed 1] ' +
  '[--strategies grid,random,asha] ' +
  '[--verbose] [--keep] [--out file]';

const space = {
  base_lr: { values: [0.001, 0.01, 0.05] },
  momentum: { values: [0.5, 0.9, 0.95] },
  weight_decay: { values: [0, 0.0005, 0.005] },
};

interface SweepView {
  id: string;
  status: string;
  rungs: number[];
  trials: Array<{ id: string; status: string; iteration: number; objective: number | null; jobIds: string[] }>;
  best?: { trialId: string; objective: number; parameters: Record<string, number> };
  iterations?: { trained: number; everyTrialToTheEnd: number };
  error?: string;
}

interface StrategyResult {
  strategy: string;
  trials: number;
  jobs: number;
  rungs: number[];
  bestAccuracy: number | null;
  bestParameters: Record<string, number> | null;
  iterationsTrained: number;
  wallSeconds: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '2000' },
      'max-iter': { type: 'string', default: '270' },
      workers: { type: 'string', default: '2' },
      random: { type: 'string', default: '9' },
      seed: { type: 'string', default: '1' },
      strategies: { type: 'string', default: 'grid,random,asha' },
      verbose: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const images = positiveInt('images', values.images, usage, 100);
  const maxIter = positiveInt('max-iter', values['max-iter'], usage, 9);
  const workers = positiveInt('workers', values.workers, usage);
  const randomTrials = positiveInt('random', values.random, usage);
  const seed = positiveInt('seed', values.seed, usage, 0);
  const session = await startBenchSession({
    tenant: 'bench-sweep',
    verbose: values.verbose,
    keep: values.keep,
    workers,
  });
  const { home, dataDir, machine, client } = session;
  const call = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const answer = await client.request<T>(method, url, body === undefined ? {} : { body });
    if (answer.status >= 300) throw new Error(`${method} ${url} → ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const results: StrategyResult[] = [];
  try {
    say(`dataset of ${images} Fashion-MNIST images; LeNet, ${maxIter} iterations per full trial`);
    const archive = path.join(home, 'archives', 'train.tar.gz');
    await mkdir(path.dirname(archive), { recursive: true });
    await writeFashionMnistArchive({ dataDir, split: 'train', count: images, out: archive });
    const datafile = await client.waitFor(await client.upload(archive, { name: 'bench-sweep' }));
    const dataset = await client.waitFor(
      await client.datasets.create({
        name: 'bench-sweep',
        training: { datafileId: datafile.id, splitPercentage: 0.8 },
        testing: { datafileId: datafile.id, splitPercentage: 0.2 },
      }),
    );
    if (dataset.status !== 'ready') throw new Error(`the dataset failed: ${dataset.error}`);
    const exampleDir = path.join(repoRoot, 'examples', 'fashion-mnist-lenet');
    // The whole testing split (batch 100) at every test, so trials are compared on the same images.
    const testIter = Math.ceil((images * 0.2) / 100);
    const solverText = (await readFile(path.join(exampleDir, 'solver.prototxt'), 'utf8'))
      .replace(/^max_iter:.*$/m, `max_iter: ${maxIter}`)
      .replace(/^snapshot:.*$/m, `snapshot: ${maxIter}`)
      .replace(/^test_iter:.*$/m, `test_iter: ${testIter}`)
      .replace(/^test_interval:.*$/m, `test_interval: ${maxIter}`);
    const solver = await client.solvers.create({
      name: 'bench-sweep-lenet',
      datasetId: dataset.id,
      solver: solverText,
      net: await readFile(path.join(exampleDir, 'net.prototxt'), 'utf8'),
    });
    const common = {
      solverId: solver.id,
      parameters: space,
      maxParallel: workers,
      objective: { output: 'accuracy', goal: 'maximize' },
      seed,
    };
    const bodies = [
      { name: 'grid', strategy: 'grid' },
      { name: 'random', strategy: 'random', maxTrials: randomTrials },
      {
        name: 'asha',
        strategy: 'asha',
        maxTrials: 27,
        asha: { minIterations: Math.round(maxIter / 9), reductionFactor: 3 },
      },
    ];
    const chosen = new Set(values.strategies.split(','));
    for (const body of bodies.filter((b) => chosen.has(b.name))) {
      const started = performance.now();
      const created = await call<SweepView>('POST', '/v1/sweeps', { ...common, ...body });
      say(`${body.name}: ${created.trials.length} trials, rungs ${created.rungs.join(', ')}`);
      let sweep = created;
      while (sweep.status === 'running') {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        sweep = await call<SweepView>('GET', `/v1/sweeps/${created.id}`);
      }
      const wallSeconds = (performance.now() - started) / 1000;
      if (sweep.status !== 'succeeded') throw new Error(`the ${body.name} sweep ${sweep.status}: ${sweep.error}`);
      const result: StrategyResult = {
        strategy: body.name,
        trials: sweep.trials.length,
        jobs: sweep.trials.reduce((n, t) => n + t.jobIds.length, 0),
        rungs: sweep.rungs,
        bestAccuracy: sweep.best?.objective ?? null,
        bestParameters: sweep.best?.parameters ?? null,
        iterationsTrained: sweep.iterations?.trained ?? 0,
        wallSeconds: Math.round(wallSeconds),
      };
      say(
        `${body.name}: best accuracy ${result.bestAccuracy} with ${JSON.stringify(result.bestParameters)}; ` +
          `${result.iterationsTrained} iterations in ${result.jobs} jobs; ${result.wallSeconds} s`,
      );
      results.push(result);
    }
  } finally {
    await session.close();
  }
  const grid = results.find((r) => r.strategy === 'grid') ?? { iterationsTrained: 27 * maxIter };
  const rows = results.map(
    (r) =>
      `| ${r.strategy} | ${r.trials} | ${r.jobs} | ${r.bestAccuracy?.toFixed(4) ?? '–'} | ${r.iterationsTrained} ` +
      `(${((100 * r.iterationsTrained) / grid.iterationsTrained).toFixed(0)} %) | ${r.wallSeconds} |`,
  );
  const table = [
    '| strategy | trials | jobs | best accuracy | iterations trained (of grid) | wall s |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  const out = resultsPath('sweep', values.out);
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify({ images, maxIter, workers, seed, space, machine, results }, null, 2)}\n`);
  say(`results: ${path.relative(repoRoot, out)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
