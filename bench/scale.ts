/**
 * `npm run bench:scale [-- --workers 1,2,4 --jobs 8,16 --iters 20]`: how the scheduler keeps up as
 * jobs and workers grow, in the local cloud. One local cloud with as many Batch workers as the
 * largest `--workers` gets a small Fashion-MNIST dataset and a LeNet solver through the API. Then,
 * for each worker count W and job count J: an admin sets capacity to W (PUT /v1/admin/capacity),
 * J training jobs are queued back to back through the API, and the run ends when all succeeded.
 * Reported per (W, J), from the records and the Batch emulator's job list:
 *   - jobs/minute: J over (last job finished − first job queued);
 *   - queue → submitted: record created → its Batch job submitted (the dispatcher's share: waiting
 *     for a slot plus the dispatch pass), median and max;
 *   - queue → running: record created → the worker running (adds Batch placement and worker start);
 *   - the most Batch jobs seen unfinished at once (must never exceed W).
 * On a machine with fewer cores than W, more workers mostly share the same cores: jobs/minute then
 * shows the scheduler's overhead and the cores' limit, not AWS's scale-out. Results: console, and
 * a JSON file under bench/results/.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import * as records from '../core/records/store';
import type { TrainingJob } from '../core/records/types';
import { ElasticCaffe, localTokenAuth } from '@elastic-caffe/sdk/node';
import { writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';
import { positiveInt, repoRoot, resultsPath, say, startBenchSession } from './lib/session';
import { fixed, summarize, type Summary } from './lib/stats';

const exampleDir = path.join(repoRoot, 'examples', 'fashion-mnist-lenet');
const tenant = 'bench';

const usage = `usage: npm run bench:scale -- [options]
  --workers LIST     capacities (maxWorkers) to measure, comma-separated (default 1,2,4)
  --jobs LIST        training jobs queued per run, comma-separated (default 8,16)
  --iters N          solver max_iter of each job (default 20: the jobs are about scheduling)
  --images N         Fashion-MNIST images in the dataset (default 500)
  --out FILE         results JSON (default bench/results/scale-<UTC date and time>.json)
  --verbose          mirror worker output and handler logs
  --keep             keep the temporary local home`;

const list = (name: string, text: string) => text.split(',').map((part) => positiveInt(name, part.trim(), usage));
const seconds = (from: string | number | undefined, to: string | number | undefined) =>
  from === undefined || to === undefined ? Number.NaN : (new Date(to).getTime() - new Date(from).getTime()) / 1000;

interface RunResult {
  workers: number;
  jobs: number;
  jobsPerMinute: number;
  queueToSubmittedSeconds: Summary;
  queueToRunningSeconds: Summary;
  maxUnfinishedAtOnce: number;
}

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      workers: { type: 'string', default: '1,2,4' },
      jobs: { type: 'string', default: '8,16' },
      iters: { type: 'string', default: '20' },
      images: { type: 'string', default: '500' },
      out: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (opts.help) return void console.log(usage);
  const workerCounts = list('workers', opts.workers);
  const jobCounts = list('jobs', opts.jobs);
  const maxIter = positiveInt('iters', opts.iters, usage);
  const images = positiveInt('images', opts.images, usage, 10);
  const outFile = resultsPath('scale', opts.out);
  // Every run queues all its jobs at once: the queued-jobs quota must not refuse them.
  process.env.ELASTIC_CAFFE_QUOTA_QUEUED_JOBS = String(Math.max(...jobCounts) + 1);

  const session = await startBenchSession({
    tenant,
    verbose: opts.verbose,
    keep: opts.keep,
    workers: Math.max(...workerCounts),
  });
  const { home, dataDir, machine, cloud, client } = session;
  const results: RunResult[] = [];
  try {
    const admin = new ElasticCaffe({
      endpoint: cloud.url,
      auth: localTokenAuth({ endpoint: cloud.url, tenant: 'bench-admin', admin: true }),
    });
    say(`dataset of ${images} Fashion-MNIST images and a LeNet solver (${maxIter} iterations)`);
    const archive = path.join(home, 'archives', 'train.tar.gz');
    await mkdir(path.dirname(archive), { recursive: true });
    await writeFashionMnistArchive({ dataDir, split: 'train', count: images, out: archive });
    const datafile = await client.waitFor(await client.upload(archive, { name: 'bench-scale' }));
    const created = await client.datasets.create({
      name: 'bench-scale',
      training: { datafileId: datafile.id, splitPercentage: 0.8 },
      testing: { datafileId: datafile.id, splitPercentage: 0.2 },
    });
    const dataset = await client.waitFor(created);
    if (dataset.status !== 'ready') throw new Error(`the dataset failed: ${dataset.error}`);
    const solverText = (await readFile(path.join(exampleDir, 'solver.prototxt'), 'utf8'))
      .replace(/^max_iter:.*$/m, `max_iter: ${maxIter}`)
      .replace(/^snapshot:.*$/m, `snapshot: ${maxIter}`)
      .replace(/^test_interval:.*$/m, `test_interval: ${maxIter}`);
    const netText = await readFile(path.join(exampleDir, 'net.prototxt'), 'utf8');
    const solver = await client.solvers.create({
      name: 'bench-lenet',
      datasetId: created.id,
      solver: solverText,
      net: netText,
    });

    for (const workers of workerCounts) {
      for (const jobs of jobCounts) {
        await admin.admin.setCapacity({ maxWorkers: workers, maxConcurrentJobs: { default: workers, tenants: {} } });
        say(`capacity ${workers}: queueing ${jobs} jobs`);
        let maxUnfinished = 0;
        const sampler = setInterval(() => {
          const unfinished = cloud.batch
            .jobs()
            .filter((job) => !['SUCCEEDED', 'FAILED'].includes(job.status ?? '')).length;
          maxUnfinished = Math.max(maxUnfinished, unfinished);
        }, 20);
        const ids: string[] = [];
        for (let i = 0; i < jobs; i++)
          ids.push(
            (await client.trainingJobs.create({ solverId: solver.id, name: `scale-${workers}-${jobs}-${i}` })).id,
          );
        const finished: TrainingJob[] = [];
        for (const id of ids) finished.push(await client.waitFor<TrainingJob>(id, { maxIntervalMs: 500 }));
        clearInterval(sampler);
        const failed = finished.filter((job) => job.status !== 'succeeded');
        if (failed.length)
          throw new Error(`${failed.length} jobs did not succeed, e.g. ${failed[0]!.id}: ${failed[0]!.error}`);
        const stored = await Promise.all(ids.map((id) => records.get('training-jobs', tenant, id)));
        const submittedAt = (job: TrainingJob) => cloud.batch.jobs().find((b) => b.jobId === job.batchJobId)?.createdAt;
        const firstQueued = Math.min(...stored.map((job) => Date.parse(job.createdAt)));
        const lastFinished = Math.max(...stored.map((job) => Date.parse(job.finishedAt ?? '')));
        const result: RunResult = {
          workers,
          jobs,
          jobsPerMinute: jobs / ((lastFinished - firstQueued) / 60_000),
          queueToSubmittedSeconds: summarize(stored.map((job) => seconds(job.createdAt, submittedAt(job)))),
          queueToRunningSeconds: summarize(stored.map((job) => seconds(job.createdAt, job.startedAt))),
          maxUnfinishedAtOnce: maxUnfinished,
        };
        results.push(result);
        say(
          `capacity ${workers}, ${jobs} jobs: ${fixed(result.jobsPerMinute, 1)} jobs/min; ` +
            `queue → submitted median ${fixed(result.queueToSubmittedSeconds.median, 2)} s ` +
            `(max ${fixed(result.queueToSubmittedSeconds.max, 2)}); ` +
            `queue → running median ${fixed(result.queueToRunningSeconds.median, 2)} s; ` +
            `at most ${maxUnfinished} at once`,
        );
      }
    }
  } finally {
    await session.close();
  }

  console.log(
    '\n| maxWorkers | jobs | jobs/min | queue → submitted, median (max) s | queue → running, median (max) s | ' +
      'most at once |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const r of results)
    console.log(
      `| ${r.workers} | ${r.jobs} | ${fixed(r.jobsPerMinute, 1)} | ` +
        `${fixed(r.queueToSubmittedSeconds.median, 2)} (${fixed(r.queueToSubmittedSeconds.max, 2)}) | ` +
        `${fixed(r.queueToRunningSeconds.median, 2)} (${fixed(r.queueToRunningSeconds.max, 2)}) | ` +
        `${r.maxUnfinishedAtOnce} |`,
    );
  await mkdir(path.dirname(outFile), { recursive: true });
  const options = { workers: workerCounts, jobs: jobCounts, maxIter, images };
  await writeFile(outFile, `${JSON.stringify({ benchmark: 'scale', machine, options, results }, null, 2)}\n`);
  say(`results: ${path.relative(process.cwd(), outFile)}`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
