/**
 * `npm run bench:overhead [-- --rounds 5 --iters 500 …]`: what running Caffe through Elastic Caffe
 * costs compared with running `caffe train` by hand, on the same machine, solver and LMDB bytes.
 *
 * One local cloud (fresh temporary home, one Batch worker so runs never overlap) gets Fashion-MNIST
 * uploaded and built into a dataset through the API, and a LeNet solver. Then, interleaved and
 * repeated (A B A B …, after an untimed warm-up pair):
 *   A  bare: `caffe train` from the same prefix on the dataset's own LMDBs (read back from the
 *      local S3), with the solver and net rewritten exactly as the worker rewrites them, in a
 *      session of its own like the worker's (see runInOwnSession);
 *   B  api:  POST /v1/training-jobs, then GET the job until it is `succeeded` with a model.
 * For both, Caffe's glog timestamps give the training throughput (iterations between the first
 * and last `Iteration N …, loss` lines over the time between them: Caffe's own compute rate,
 * start-up excluded) and the moments "first iteration" and "Optimization Done.". For B the log
 * is the one the API serves (GET /v1/training-jobs/{id}/logs). Overheads of B:
 *   start: POST sent → Caffe's first `Iteration` line,
 *   end:   Caffe's "Optimization Done." → the API observed to say `succeeded` (model in S3);
 * A's spawn → first iteration and "Optimization Done." → exit are reported beside them, so what
 * is Caffe's own start-up shows, and a /proc sampler tells who used the cores while Caffe
 * trained (Caffe, the worker, the local cloud, other work on the machine). Medians (and ranges)
 * go to the console, a JSON file under bench/results/ and a Markdown snippet for
 * docs/BENCHMARKS.md, which explains the method and the results.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { s3 } from '../core/aws/eager-clients';
import { rewriteForJob } from '../core/caffe/rewrite';
import { caffeToolCommand } from '../core/caffe/tools';
import { bucket } from '../core/objects';
import * as records from '../core/records/store';
import { jobsQueue } from '../core/topology';
import { writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';
import { caffeTimeline, type CaffeTimeline } from './lib/caffe-timeline';
import { runInOwnSession } from './lib/own-session';
import { positiveInt, repoRoot, resultsPath, say, startBenchSession } from './lib/session';
import { cpuReading, cpuUsage, machineInfo, type CpuUsage } from './lib/machine';
import { localCloudKind, ProcessTreeSampler, type WindowUsage } from './lib/proc-sampler';
import { type CaffeLaunch, isCaffeCommand, launchDifferences, readLaunch } from './lib/caffe-launch';
import { fixed, summarize, type Summary } from './lib/stats';

const exampleDir = path.join(repoRoot, 'examples', 'fashion-mnist-lenet');
const tenant = 'bench';
/** Goals from the issue. */
const goals = { throughputRatio: 0.98, startOverheadSeconds: 2, endOverheadSeconds: 2 };
/** Poll period once the worker reported it is done (the end overhead's resolution). */
const fastPollMs = 50;

const usage = `usage: npm run bench:overhead -- [options]
  --rounds N         timed A/B pairs (default 5)
  --warmup N         untimed A/B pairs first (default 1; the first API job fills the worker's LMDB cache)
  --iters N          solver max_iter (default 500; the snapshot interval is set to it)
  --train-images N   Fashion-MNIST training images in the dataset (default 10000)
  --test-images N    test images (default 2000)
  --poll-ms N        how often the client GETs the job while it trains (default 1000)
  --out FILE         results JSON (default bench/results/overhead-<UTC date and time>.json)
  --keep             keep the temporary home (logs, records, LMDBs) and print where it is
  --verbose          show worker output and handler logs`;

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    iters: { type: 'string', default: '500' },
    'train-images': { type: 'string', default: '10000' },
    'test-images': { type: 'string', default: '2000' },
    'poll-ms': { type: 'string', default: '1000' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

const diff = (later: number | undefined, earlier: number | undefined) =>
  later === undefined || earlier === undefined ? Number.NaN : (later - earlier) / 1000;

/** Names the processes of the run's tree for the CPU breakdown. */
function processKind(cmdline: string[]): string {
  const known = localCloudKind(cmdline);
  if (known) return known;
  if (isCaffeCommand(cmdline)) return 'caffe';
  if (cmdline.join(' ').includes('esbuild')) return 'esbuild';
  return path.basename(cmdline[0] ?? 'unknown');
}

/**
 * Samples the process tree for one run: `trainingCpu` is the CPU use while Caffe trained, `launch`
 * how the run's Caffe process was started (command line and tuning variables, read from /proc).
 */
function startSampling(): {
  stop(timeline: CaffeTimeline, cores: number): { trainingCpu?: WindowUsage; launch?: CaffeLaunch };
} {
  let launch: CaffeLaunch | undefined;
  const sampler = new ProcessTreeSampler((cmdline, pid) => {
    const kind = processKind(cmdline);
    if (kind === 'caffe' && !launch) launch = readLaunch(pid);
    return kind;
  });
  // Twice a second: a Caffe process lives for seconds at least, so its launch is always seen.
  sampler.start(500);
  return {
    stop(timeline, cores) {
      sampler.stop();
      const trainingCpu =
        timeline.firstLoss && timeline.lastLoss
          ? sampler.usage(timeline.firstLoss.at, timeline.lastLoss.at, cores)
          : undefined;
      return { ...(trainingCpu ? { trainingCpu } : {}), ...(launch ? { launch } : {}) };
    },
  };
}

interface BareRun {
  arm: 'bare';
  round: number;
  warmup: boolean;
  spawnedAt: number;
  exitedAt: number;
  timeline: CaffeTimeline;
  throughput: number;
  /** spawn → first `Iteration` line. */
  startSeconds: number;
  /** spawn → first glog line (loader, shared libraries, flag parsing). */
  processStartSeconds: number;
  /** first glog line → first `Iteration` line (solver and net set-up, LMDBs opened). */
  caffeSetupSeconds: number;
  /** "Optimization Done." → the process exited. */
  endSeconds: number;
  totalSeconds: number;
  /** Machine CPU use during the run; othersCores is the noise from other work. */
  cpu?: CpuUsage;
  /** Who used the cores between Caffe's first and last training-display lines (cores, by process kind). */
  trainingCpu?: WindowUsage;
  /** How this run's Caffe was started; both arms must match for the ratio to be reported. */
  launch?: CaffeLaunch;
  loadAverage: number;
}

interface ApiRun {
  arm: 'api';
  round: number;
  warmup: boolean;
  jobId: string;
  batchJobId: string;
  attempts: number;
  postSentAt: number;
  postAnsweredAt: number;
  batchCreatedAt?: number;
  batchStartedAt?: number;
  workerStartedAt?: number;
  workerDoneAt?: number;
  batchStoppedAt?: number;
  recordStartedAt?: number;
  recordFinishedAt?: number;
  observedAt: number;
  /** The status changed at most this long before it was observed (previous poll sent → this poll answered). */
  observeResolutionSeconds: number;
  timeline: CaffeTimeline;
  throughput: number;
  /** POST sent → Caffe's first `Iteration` line. */
  startSeconds: number;
  start: {
    /** POST sent → answered (record written, message queued). */
    api: number;
    /** POST answered → Batch SubmitJob (queue poll, dispatcher). */
    dispatch: number;
    /** SubmitJob → worker process spawned (emulator's SUBMITTED→RUNNABLE→STARTING→RUNNING). */
    batch: number;
    /** worker spawned → its first output line (Node starts, loads the worker bundle). */
    workerBoot: number;
    /**
     * worker's first line → Caffe's first glog line (records read, LMDBs from cache/S3, prototxt rewrite, Caffe spawned
     * and loaded).
     */
    workerPrepare: number;
    /** Caffe's first glog line → first `Iteration` line (as in the bare run). */
    caffeSetup: number;
  };
  /** Caffe's "Optimization Done." → `succeeded` observed through the API. */
  endSeconds: number;
  end: {
    /**
     * "Optimization Done." → worker prints "done" (Caffe exits, snapshots, log, progress and model uploaded, record
     * updated).
     */
    caffeExitAndUploads: number;
    /** worker "done" → Batch job stopped (scratch removed, process exits, its pipes close). */
    workerExit: number;
    /** Batch job stopped → record finished (state-change event → handler → DynamoDB). */
    statusUpdate: number;
    /** record finished → the client saw it (polling). */
    observe: number;
  };
  totalSeconds: number;
  modelBytes: number;
  /** Machine CPU use during the run; othersCores is the noise from other work. */
  cpu?: CpuUsage;
  /** Who used the cores between Caffe's first and last training-display lines (cores, by process kind). */
  trainingCpu?: WindowUsage;
  /** How this run's Caffe was started; both arms must match for the ratio to be reported. */
  launch?: CaffeLaunch;
  loadAverage: number;
}

type Run = BareRun | ApiRun;

async function main(): Promise<void> {
  if (opts.help) {
    console.log(usage);
    return;
  }
  const rounds = positiveInt('rounds', opts.rounds, usage);
  const warmups = positiveInt('warmup', opts.warmup, usage, 0);
  const maxIter = positiveInt('iters', opts.iters, usage);
  const trainImages = positiveInt('train-images', opts['train-images'], usage);
  const testImages = positiveInt('test-images', opts['test-images'], usage);
  const slowPollMs = positiveInt('poll-ms', opts['poll-ms'], usage);
  const verbose = Boolean(opts.verbose);
  const outFile = resultsPath('overhead', opts.out);

  const session = await startBenchSession({ tenant, verbose, keep: Boolean(opts.keep) });
  const { home, caffePrefix, dataDir, machine, workerOutput, cloud, client } = session;
  try {
    // --- Setup, once: data through the API, the same solver for both arms. ---
    say(`Fashion-MNIST archives: ${trainImages} training and ${testImages} test images`);
    const archives = path.join(home, 'archives');
    await writeFashionMnistArchive({
      dataDir,
      split: 'train',
      count: trainImages,
      out: path.join(archives, 'train.tar.gz'),
    });
    await writeFashionMnistArchive({
      dataDir,
      split: 'test',
      count: testImages,
      out: path.join(archives, 'test.tar.gz'),
    });
    const train = await client.upload(path.join(archives, 'train.tar.gz'), { name: 'bench-train' });
    const test = await client.upload(path.join(archives, 'test.tar.gz'), { name: 'bench-test' });
    await Promise.all([client.waitFor(train), client.waitFor(test)]);
    const created = await client.datasets.create({
      name: 'bench-fashion-mnist',
      training: { datafileId: train.id, splitPercentage: 0 },
      testing: { datafileId: test.id, splitPercentage: 0 },
    });
    say(`dataset ${created.id}: building LMDBs through the API …`);
    const dataset = await client.waitFor(created);
    if (dataset.status !== 'ready') throw new Error(`the dataset failed: ${dataset.error}`);

    const solverText = (await readFile(path.join(exampleDir, 'solver.prototxt'), 'utf8'))
      .replace(/^max_iter:.*$/m, `max_iter: ${maxIter}`)
      .replace(/^snapshot:.*$/m, `snapshot: ${maxIter}`);
    const netText = await readFile(path.join(exampleDir, 'net.prototxt'), 'utf8');
    const solver = await client.solvers.create({
      name: 'bench-lenet',
      datasetId: created.id,
      solver: solverText,
      net: netText,
    });

    // The bare arm reads the very LMDB files the worker reads, fetched from the local S3.
    const bareRoot = path.join(home, 'bare');
    const lmdb = (await records.get('datasets', tenant, created.id)).lmdb;
    if (!lmdb) throw new Error('the ready dataset has no LMDB keys');
    const sources = {
      training: path.join(bareRoot, 'lmdb', 'training'),
      testing: path.join(bareRoot, 'lmdb', 'testing'),
    };
    for (const side of ['training', 'testing'] as const) {
      await mkdir(sources[side], { recursive: true });
      const object = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: lmdb[side] }));
      await pipeline(object.Body as Readable, createWriteStream(path.join(sources[side], 'data.mdb')));
    }
    say(`solver ${solver.id}: LeNet, ${maxIter} iterations; LMDBs copied for the bare arm`);

    // --- The arms. ---
    const runBare = async (round: number, warmup: boolean): Promise<BareRun> => {
      const dir = await mkdtemp(path.join(bareRoot, 'run-'));
      await mkdir(path.join(dir, 'snapshots'), { recursive: true });
      const paths = {
        net: path.join(dir, 'net.prototxt'),
        snapshotPrefix: path.join(dir, 'snapshots', 'snapshot'),
        trainSource: sources.training,
        testSource: sources.testing,
      };
      const rewritten = rewriteForJob({ solver: solver.solver, net: solver.net, paths, mode: 'CPU' });
      const solverFile = path.join(dir, 'solver.prototxt');
      await writeFile(paths.net, rewritten.net);
      await writeFile(solverFile, rewritten.solver);
      const lines: string[] = [];
      const loadAverage = os.loadavg()[0]!;
      const sampling = startSampling();
      const cpu0 = cpuReading();
      const spawnedAt = Date.now();
      const result = await runInOwnSession(
        caffeToolCommand('caffe', ['train', `--solver=${solverFile}`], { prefix: caffePrefix }),
        dir,
        (l) => lines.push(l),
      );
      const exitedAt = Date.now();
      const usage = cpuUsage(cpu0, cpuReading(), machine.nproc);
      const log = lines.join('\n');
      await writeFile(path.join(bareRoot, `${warmup ? 'warmup' : 'round'}-${round}.log`), log);
      await rm(dir, { recursive: true, force: true });
      if (result.code !== 0)
        throw new Error(
          `bare caffe train exited with ${result.signal ?? result.code}:\n${lines.slice(-20).join('\n')}`,
        );
      const t = caffeTimeline(log);
      const { trainingCpu, launch } = sampling.stop(t, machine.nproc);
      if (t.firstLine === undefined || t.firstLine < spawnedAt - 1000 || t.firstLine > exitedAt + 1000)
        throw new Error(
          `Caffe's glog times do not match this process's clock (first line ` +
            `${t.firstLine && new Date(t.firstLine).toISOString()}, spawned ` +
            `${new Date(spawnedAt).toISOString()}): different time zones?`,
        );
      return {
        arm: 'bare',
        round,
        warmup,
        spawnedAt,
        exitedAt,
        timeline: t,
        throughput: t.throughput ?? Number.NaN,
        startSeconds: diff(t.firstIteration, spawnedAt),
        processStartSeconds: diff(t.firstLine, spawnedAt),
        caffeSetupSeconds: diff(t.firstIteration, t.firstLine),
        endSeconds: diff(exitedAt, t.done),
        totalSeconds: diff(exitedAt, spawnedAt),
        ...(usage ? { cpu: usage } : {}),
        ...(trainingCpu ? { trainingCpu } : {}),
        ...(launch ? { launch } : {}),
        loadAverage,
      };
    };

    type JobView = {
      id: string;
      status: string;
      startedAt?: string;
      finishedAt?: string;
      attempts: number;
      error?: string;
      model?: { bytes: number };
      progress: { iteration: number };
    };
    const runApi = async (round: number, warmup: boolean): Promise<ApiRun> => {
      const batchJob = (jobId: string) => cloud.batch.jobs().find((j) => j.jobName === `train-${jobId}`);
      const loadAverage = os.loadavg()[0]!;
      const sampling = startSampling();
      const cpu0 = cpuReading();
      const postSentAt = Date.now();
      const job = await client.trainingJobs.create({
        solverId: solver.id,
        name: `bench-${warmup ? 'warmup' : 'round'}-${round}`,
      });
      const postAnsweredAt = Date.now();

      // Poll like a client watching progress; once the worker says it is done, poll fast so the
      // moment `succeeded` becomes visible is caught within ~fastPollMs.
      let workerDone = false;
      let wakeUp: (() => void) | undefined;
      const onLine = (entry: { job: string; line: string }) => {
        if (workerDone || !/^\[worker\] (done|failed|error)/.test(entry.line)) return;
        if (!batchJob(job.id)?.jobId?.startsWith(entry.job)) return;
        workerDone = true;
        wakeUp?.();
      };
      workerOutput.on('line', onLine);
      let record: JobView;
      let previousSentAt = postSentAt;
      let observedAt: number;
      let observeResolutionSeconds: number;
      try {
        for (;;) {
          const sentAt = Date.now();
          record = (await client.trainingJobs.get(job.id)) as JobView;
          if (record.status === 'succeeded' && record.model) {
            observedAt = Date.now();
            observeResolutionSeconds = (observedAt - previousSentAt) / 1000;
            break;
          }
          if (['succeeded', 'failed', 'cancelled'].includes(record.status))
            throw new Error(`training job ${job.id} ${record.status}: ${record.error ?? ''}`);
          previousSentAt = sentAt;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, workerDone ? fastPollMs : slowPollMs);
            wakeUp = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wakeUp = undefined;
        }
      } finally {
        workerOutput.off('line', onLine);
      }
      const usage = cpuUsage(cpu0, cpuReading(), machine.nproc);
      const detail = batchJob(job.id);
      if (!detail?.jobId) throw new Error(`no Batch job for ${job.id}`);
      const log = (await client.trainingJobs.logs(job.id)).text;
      await writeFile(path.join(home, `api-${warmup ? 'warmup' : 'round'}-${round}.log`), log);
      const t = caffeTimeline(log);
      const { trainingCpu, launch } = sampling.stop(t, machine.nproc);
      // The model must really be downloadable (outside the timing).
      const artifacts = await client.trainingJobs.artifacts(job.id);
      if (!artifacts.model) throw new Error(`job ${job.id} succeeded without a model`);
      const download = await fetch(artifacts.model.url);
      const modelBytes = (await download.arrayBuffer()).byteLength;
      if (!download.ok || modelBytes !== artifacts.model.bytes)
        throw new Error(`the model of ${job.id} did not download whole (${download.status}, ${modelBytes} bytes)`);

      const workerStartedAt = workerOutput.timeOf(detail.jobId, /^\[worker\] train /);
      const workerDoneAt = workerOutput.timeOf(detail.jobId, /^\[worker\] done/);
      const recordStartedAt = record!.startedAt ? Date.parse(record!.startedAt) : undefined;
      const recordFinishedAt = record!.finishedAt ? Date.parse(record!.finishedAt) : undefined;
      return {
        arm: 'api',
        round,
        warmup,
        jobId: job.id,
        batchJobId: detail.jobId,
        attempts: record!.attempts,
        postSentAt,
        postAnsweredAt,
        batchCreatedAt: detail.createdAt,
        batchStartedAt: detail.startedAt,
        workerStartedAt,
        workerDoneAt,
        batchStoppedAt: detail.stoppedAt,
        recordStartedAt,
        recordFinishedAt,
        observedAt: observedAt!,
        observeResolutionSeconds: observeResolutionSeconds!,
        timeline: t,
        throughput: t.throughput ?? Number.NaN,
        startSeconds: diff(t.firstIteration, postSentAt),
        start: {
          api: diff(postAnsweredAt, postSentAt),
          dispatch: diff(detail.createdAt, postAnsweredAt),
          batch: diff(detail.startedAt, detail.createdAt),
          workerBoot: diff(workerStartedAt, detail.startedAt),
          workerPrepare: diff(t.firstLine, workerStartedAt),
          caffeSetup: diff(t.firstIteration, t.firstLine),
        },
        endSeconds: diff(observedAt!, t.done),
        end: {
          caffeExitAndUploads: diff(workerDoneAt, t.done),
          workerExit: diff(detail.stoppedAt, workerDoneAt),
          statusUpdate: diff(recordFinishedAt, detail.stoppedAt),
          observe: diff(observedAt!, recordFinishedAt),
        },
        totalSeconds: diff(observedAt!, postSentAt),
        modelBytes,
        ...(usage ? { cpu: usage } : {}),
        ...(trainingCpu ? { trainingCpu } : {}),
        ...(launch ? { launch } : {}),
        loadAverage,
      };
    };

    const runs: Run[] = [];
    const describe = (r: Run) =>
      `${r.arm === 'bare' ? 'A bare' : 'B api '} ${r.warmup ? `warm-up ${r.round}` : `round ${r.round}/${rounds}`}: ` +
      `${fixed(r.throughput, 2)} iter/s, start ${fixed(r.startSeconds, 3)} s, end ` +
      `${fixed(r.endSeconds, 3)} s, total ${fixed(r.totalSeconds, 2)} s` +
      (r.cpu ? `, machine ${(r.cpu.busy * 100).toFixed(0)}% busy, others ${fixed(r.cpu.othersCores, 2)} cores` : '');
    for (let i = 1; i <= warmups + rounds; i++) {
      const warmup = i <= warmups;
      const round = warmup ? i : i - warmups;
      for (const run of [runBare, runApi]) {
        const result = await run(round, warmup);
        runs.push(result);
        say(describe(result));
      }
    }

    // --- Report. ---
    const summary = summarizeRuns(runs.filter((r) => !r.warmup));
    const launchProblems = compareLaunches(runs);
    const met = {
      throughputRatio: summary.throughputRatio.ofMedians >= goals.throughputRatio,
      startOverhead: summary.api.startSeconds.median < goals.startOverheadSeconds,
      endOverhead: summary.api.endSeconds.median < goals.endOverheadSeconds,
    };
    const machineAfter = machineInfo();
    const results = {
      benchmark: 'overhead',
      command: ['npm run bench:overhead', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
        ' ',
      ),
      machine: { ...machine, loadAverageAfter: machineAfter.loadAverage },
      config: {
        rounds,
        warmups,
        maxIter,
        trainImages,
        testImages,
        example: 'examples/fashion-mnist-lenet (max_iter and snapshot set to --iters)',
        workers: 1,
        slowPollMs,
        fastPollMs,
        dispatcherReceiveWaitSeconds: jobsQueue.receiveWaitSeconds,
      },
      goals,
      met,
      summary,
      // Both arms' Caffe launches (the first of each); a ratio is only reported when every run matched.
      launches: {
        bare: runs.find((r) => r.arm === 'bare')?.launch,
        api: runs.find((r) => r.arm === 'api')?.launch,
      },
      ...(launchProblems.length > 0 ? { refused: launchProblems } : {}),
      runs,
    };
    await mkdir(path.dirname(outFile), { recursive: true });
    await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
    if (launchProblems.length > 0) {
      console.error('\nThe arms did not run the same Caffe, so no ratio is reported:');
      for (const problem of launchProblems) console.error(`  - ${problem}`);
      console.error(`Results (with the launches): ${path.relative(process.cwd(), outFile)}`);
      process.exitCode = 1;
      return;
    }

    const report = markdown(summary, met, machine, results.command, rounds, warmups, maxIter);
    console.log(`\n${report}`);
    console.log(`Results: ${path.relative(process.cwd(), outFile)}`);
    if (opts.keep) console.log(`Kept: ${home} (bare/*.log, api-*.log, logs/batch/)`);
  } finally {
    await session.close();
  }
}

/**
 * Every run's Caffe launch against the first bare run's: the same binary, flags (per-run file
 * names aside) and OpenBLAS/OpenMP variables. One sentence per problem; empty when comparable.
 */
function compareLaunches(runs: Run[]): string[] {
  const reference = runs.find((r) => r.arm === 'bare');
  const name = (r: Run) => `${r.arm} ${r.warmup ? 'warm-up' : 'round'} ${r.round}`;
  if (!reference?.launch) return ["the first bare run's Caffe process was not seen in /proc"];
  const problems: string[] = [];
  for (const run of runs.filter((r) => r !== reference)) {
    if (!run.launch) problems.push(`${name(run)}: its Caffe process was not seen in /proc`);
    else problems.push(...launchDifferences(reference.launch, run.launch, [name(reference), name(run)]));
  }
  return problems;
}

function summarizeRuns(timed: Run[]) {
  const bare = timed.filter((r): r is BareRun => r.arm === 'bare');
  const viaApi = timed.filter((r): r is ApiRun => r.arm === 'api');
  const paired = bare.map((a) => {
    const b = viaApi.find((r) => r.round === a.round);
    return b ? b.throughput / a.throughput : Number.NaN;
  });
  const phases = <K extends string>(runs: ApiRun[], pick: (r: ApiRun) => Record<K, number>) =>
    Object.fromEntries(
      Object.keys(runs[0] ? pick(runs[0]) : {}).map((k) => [k, summarize(runs.map((r) => pick(r)[k as K]))]),
    ) as Record<K, Summary>;
  const trainingCpu = (runs: Run[]) => {
    const kinds = [...new Set(runs.flatMap((r) => Object.keys(r.trainingCpu?.cores ?? {})))];
    const byKind: Record<string, Summary> = {};
    for (const kind of kinds)
      byKind[kind] = summarize(runs.map((r) => (r.trainingCpu ? (r.trainingCpu.cores[kind] ?? 0) : Number.NaN)));
    byKind.othersOnMachine = summarize(runs.map((r) => r.trainingCpu?.othersCores ?? Number.NaN));
    return byKind;
  };
  const summary = {
    bare: {
      throughput: summarize(bare.map((r) => r.throughput)),
      startSeconds: summarize(bare.map((r) => r.startSeconds)),
      processStartSeconds: summarize(bare.map((r) => r.processStartSeconds)),
      caffeSetupSeconds: summarize(bare.map((r) => r.caffeSetupSeconds)),
      endSeconds: summarize(bare.map((r) => r.endSeconds)),
      totalSeconds: summarize(bare.map((r) => r.totalSeconds)),
      othersCores: summarize(bare.map((r) => r.cpu?.othersCores ?? Number.NaN)),
      trainingCpu: trainingCpu(bare),
    },
    api: {
      throughput: summarize(viaApi.map((r) => r.throughput)),
      startSeconds: summarize(viaApi.map((r) => r.startSeconds)),
      start: phases(viaApi, (r) => r.start),
      endSeconds: summarize(viaApi.map((r) => r.endSeconds)),
      end: phases(viaApi, (r) => r.end),
      totalSeconds: summarize(viaApi.map((r) => r.totalSeconds)),
      observeResolutionSeconds: summarize(viaApi.map((r) => r.observeResolutionSeconds)),
      othersCores: summarize(viaApi.map((r) => r.cpu?.othersCores ?? Number.NaN)),
      trainingCpu: trainingCpu(viaApi),
    },
    throughputRatio: { ofMedians: Number.NaN, paired: summarize(paired) },
  };
  summary.throughputRatio.ofMedians = summary.api.throughput.median / summary.bare.throughput.median;
  return summary;
}

const cell = (x: Summary, digits: number) =>
  `${fixed(x.median, digits)} (${fixed(x.min, digits)}–${fixed(x.max, digits)})`;

function markdown(
  summary: ReturnType<typeof summarizeRuns>,
  met: Record<string, boolean>,
  machine: ReturnType<typeof machineInfo>,
  command: string,
  rounds: number,
  warmups: number,
  maxIter: number,
): string {
  const yes = (ok: boolean) => (ok ? '**met**' : '**not met**');
  const b = summary.bare;
  const a = summary.api;
  const lines = [
    `Machine: ${machine.cpuModel}, ${machine.nproc} cores, ${machine.memoryGiB} GiB, Node ` +
      `${machine.node}, ${machine.platform}, ${machine.date.slice(0, 16)}Z. ` +
      `Command: \`${command}\` (${rounds} rounds after ${warmups} warm-up, LeNet ${maxIter} ` +
      `iterations). Median (min–max):`,
    '',
    '| | A: bare `caffe train` | B: job through the API | goal | |',
    '|---|---|---|---|---|',
    `| training throughput, iter/s | ${cell(b.throughput, 2)} | ${cell(a.throughput, 2)} | | |`,
    `| throughput ratio B/A (of medians; paired per round) | | ` +
      `${fixed(summary.throughputRatio.ofMedians, 3)}; ${cell(summary.throughputRatio.paired, 3)} | ≥ ` +
      `${goals.throughputRatio} | ${yes(met.throughputRatio!)} |`,
    `| start → first iteration, s (A: spawn; B: POST sent) | ${cell(b.startSeconds, 3)} | ` +
      `${cell(a.startSeconds, 3)} | < ${goals.startOverheadSeconds} | ${yes(met.startOverhead!)} |`,
    `| "Optimization Done." → finished, s (A: exit; B: \`succeeded\` seen, model in S3) | ` +
      `${cell(b.endSeconds, 3)} | ${cell(a.endSeconds, 3)} | < ${goals.endOverheadSeconds} | ` +
      `${yes(met.endOverhead!)} |`,
    `| total wall time, s | ${cell(b.totalSeconds, 2)} | ${cell(a.totalSeconds, 2)} | | |`,
    `| other work on the machine meanwhile, cores | ${cell(b.othersCores, 2)} | ${cell(a.othersCores, 2)} | | |`,
    '',
    "Where B's start and end go (medians, s):",
    '',
    '| start phase | s | end phase | s |',
    '|---|---|---|---|',
  ];
  const startNames: Record<string, string> = {
    api: 'POST answered (record + queue message)',
    dispatch: 'queue → dispatcher → SubmitJob',
    batch: 'Batch emulator: submitted → process spawned',
    workerBoot: 'worker boot (Node + bundle)',
    workerPrepare: 'worker: records, LMDB cache, rewrite, Caffe spawn → first log line',
    caffeSetup: 'Caffe: first log line → first iteration',
  };
  const endNames: Record<string, string> = {
    caffeExitAndUploads: 'Caffe exit, uploads (snapshots, log, model), record',
    workerExit: 'worker exit → Batch job stopped',
    statusUpdate: 'state-change event → record `succeeded`',
    observe: `client sees it (poll every ${fastPollMs} ms)`,
  };
  const startKeys = Object.keys(startNames);
  const endKeys = Object.keys(endNames);
  for (let i = 0; i < Math.max(startKeys.length, endKeys.length); i++) {
    const sk = startKeys[i];
    const ek = endKeys[i];
    lines.push(
      `| ${sk ? startNames[sk] : ''} | ` +
        `${sk ? fixed(a.start[sk as keyof typeof a.start]?.median, 3) : ''} | ` +
        `${ek ? endNames[ek] : ''} | ${ek ? fixed(a.end[ek as keyof typeof a.end]?.median, 3) : ''} |`,
    );
  }
  lines.push(
    `| A, for reference: spawn → first log line | ${fixed(b.processStartSeconds.median, 3)} | | |`,
    `| A, for reference: first log line → first iteration | ${fixed(b.caffeSetupSeconds.median, 3)} | | |`,
  );
  const kindNames: Record<string, string> = {
    caffe: 'Caffe',
    worker: 'worker (Node, around Caffe)',
    self: 'this process: local cloud (gateway, handlers, DynamoDB/S3/Batch emulators) and the polling client',
    sqs: 'local SQS (fauxqs)',
    othersOnMachine: 'everything else on the machine (noise)',
  };
  const kinds = [
    ...new Set([...Object.keys(kindNames), ...Object.keys(b.trainingCpu), ...Object.keys(a.trainingCpu)]),
  ].filter((k) => b.trainingCpu[k] || a.trainingCpu[k]);
  lines.push(
    '',
    `CPU while Caffe trained (first to last \`Iteration N …, loss\` line), cores of ` +
      `${machine.nproc}, median (min–max):`,
    '',
    '| process | A | B |',
    '|---|---|---|',
  );
  for (const k of kinds) {
    const cellOf = (x: Summary | undefined) => (x ? cell(x, 3) : '–');
    lines.push(`| ${kindNames[k] ?? k} | ${cellOf(b.trainingCpu[k])} | ${cellOf(a.trainingCpu[k])} |`);
  }
  return lines.join('\n');
}

main().catch((error) => {
  console.error(`bench:overhead failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
