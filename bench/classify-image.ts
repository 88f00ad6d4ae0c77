/**
 * `npm run bench:classify-image [-- --rounds 5 --warm 20]`: the classify function's cold start in its
 * container image, run as Lambda runs it (local/lambda-container.ts), beside the local classify
 * route's cold start in process. A LeNet is trained on a Fashion-MNIST slice through the API; then,
 * interleaved per round, one 28×28 image is classified through the local gateway:
 *
 *   - image: a fresh execution environment serves the request (a new container from the image, the
 *     runtime interface client's init, the handler's DynamoDB read and weights download into /tmp,
 *     the inference server's start with its `_caffe` import, the net's load and forward pass), then
 *     `--warm` more requests to the same environment;
 *   - image-late: the same with INFERENCE_PRESTART=0, so the inference server starts with the first
 *     request instead of during the function's init (what the prestart saves);
 *   - in process: the classify handler in this process with its inference server stopped and its
 *     model cache emptied, then `--warm` more requests;
 *   - buildah: what buildah itself costs to start a container here (`true` in a fresh container with
 *     the function's options), and Python with the inference server's `_caffe` import in the image
 *     (`python3 server.py < /dev/null`): the parts of the cold start that are the container
 *     runtime's (AWS has its own, plus the image pull) and the server's start.
 *
 * Times are taken in this process: request sent, container created, `buildah run` started, the
 * runtime's first `next` (its init done), its answer posted, the response received; and the CPU
 * time the function's processes used until their first answer, which a busy machine inflates less
 * than the wall-clock times.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { stopInferenceServer } from '../container/inference/client';
import { classifyRouteKey, startClassifyFunction } from '../local/classify-function';
import { loadHandler, type AsyncHandler } from '../local/lambda-context';
import { lambdaRunOptions, lambdaTmpDir, type LambdaContainer } from '../local/lambda-container';
import { trainLeNet } from '../local/fixtures/lenet';
import { buildClassifyImage } from '../packaging/images/classify-image';
import { createContainer, startContainer } from '../packaging/images/container';
import { positiveInt, repoRoot, resultsPath, say, startBenchSession } from './lib/session';
import { fixed, summarize, type Summary } from './lib/stats';

const tenant = 'bench';
const usage = `usage: npm run bench:classify-image -- [options]
  --rounds N   cold starts per arm, interleaved (default 5)
  --warm N     warm requests after each cold one (default 20)
  --out FILE   results JSON (default bench/results/classify-image-<UTC date and time>.json)
  --verbose    mirror worker output, handler logs and the function's output
  --keep       keep the temporary local home`;

/** `image-late`: the image with INFERENCE_PRESTART=0, the inference server started by the first request. */
type Arm = 'image' | 'image-late' | 'process';

/** One cold request, in ms from the request's start. */
interface ColdRun {
  arm: Arm;
  total: number;
  /** image: the container was created (`buildah from` + config) and `buildah run` started. */
  started?: number;
  /** image: the runtime's first `next` (its init done). */
  initDone?: number;
  /** image: the runtime posted its answer. */
  answered?: number;
  /** image: CPU time (ms) the function's processes had used by then (the runtime, the inference server). */
  cpu?: number;
  warm: number[];
}

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      warm: { type: 'string', default: '20' },
      out: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const rounds = positiveInt('rounds', opts.rounds, usage);
  const warmRequests = positiveInt('warm', opts.warm, usage);
  const outFile = resultsPath('classify-image', opts.out);

  say('building (or finding up to date) the classify image');
  const image = await buildClassifyImage({ installMissingTools: true, log: (line) => opts.verbose && say(line) });

  // The gateway's classify route goes to whichever arm is being measured.
  let arm: Arm = 'process';
  let fn: LambdaContainer | undefined;
  let marks: Partial<ColdRun> = {};
  let requestStart = 0;
  const inProcess = loadHandler(path.join(repoRoot, 'lambdas', 'http', 'classify.ts'));
  const route: AsyncHandler = async (event, context) => {
    if (arm === 'process') return inProcess(event, context);
    if (!fn) {
      const environment: Record<string, string> = arm === 'image-late' ? { INFERENCE_PRESTART: '0' } : {};
      fn = await startClassifyFunction(image.name, {
        environment,
        onOutput: (line) => opts.verbose && say(`[function] ${line}`),
      });
      marks.started = fn.startedAt - requestStart;
    }
    const result = await fn.invoke(event);
    marks.cpu ??= fn.cpuSeconds() * 1000;
    if (result.kind !== 'response')
      throw new Error(`the function failed: ${JSON.stringify(result.error)}\n${fn.output.join('\n')}`);
    return JSON.parse(result.payload) as unknown;
  };
  const session = await startBenchSession({
    tenant,
    verbose: opts.verbose,
    keep: opts.keep,
    routeHandlers: { [classifyRouteKey]: route },
  });
  try {
    const { client } = session;
    say('training a LeNet on 500 Fashion-MNIST images (100 iterations)');
    const trained = await trainLeNet(client, {
      trainImages: 500,
      testImages: 100,
      iterations: 100,
      snapshot: 100,
      heldOut: 1,
    });
    const classifierId = (await client.classifiers.create({ trainingJobId: trained.jobId })).id;
    const body = { images: [{ base64: trained.heldOut[0]!.png.toString('base64') }], topK: 5 };
    const classify = async () => {
      const started = performance.now();
      const answer = await client.request('POST', `/v1/classifiers/${classifierId}/classify`, { body });
      if (answer.status !== 200) throw new Error(`classify answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return performance.now() - started;
    };

    const runs: ColdRun[] = [];
    const buildah = { run: [] as number[], create: [] as number[], python: [] as number[] };
    for (let round = 0; round <= rounds; round++) {
      // Round 0 warms the disk caches for both arms and is not counted.
      for (const current of ['image', 'image-late', 'process'] as const) {
        arm = current;
        marks = {};
        if (current === 'process') {
          stopInferenceServer();
          await rm(path.join(session.home, 'inference-cache'), { recursive: true, force: true });
        }
        requestStart = performance.now();
        const total = await classify();
        if (fn) {
          const events = fn.runtimeApi.events;
          marks.initDone = (events.find((e) => e.what === 'next')?.at ?? Number.NaN) - requestStart;
          marks.answered = (events.find((e) => e.what === 'response')?.at ?? Number.NaN) - requestStart;
        }
        const warm: number[] = [];
        for (let i = 0; i < warmRequests; i++) warm.push(await classify());
        await fn?.close();
        fn = undefined;
        if (round > 0) runs.push({ arm: current, total, ...marks, warm });
        say(
          `round ${round}${round === 0 ? ' (warm-up)' : ''}: ${current} cold ${total.toFixed(0)} ms, ` +
            `warm p50 ${summarize(warm).median.toFixed(1)} ms`,
        );
      }
      const baseline = await containerBaseline(image.name);
      if (round > 0) {
        buildah.create.push(baseline.create);
        buildah.run.push(baseline.run);
        buildah.python.push(baseline.python);
      }
    }

    const report = reportOf(runs, buildah, session.machine, rounds, warmRequests);
    console.log(report.markdown);
    await mkdir(path.dirname(outFile), { recursive: true });
    const options = { rounds, warm: warmRequests, image: image.id };
    const results = {
      benchmark: 'classify-image',
      machine: session.machine,
      options,
      runs,
      buildah,
      summary: report.summary,
    };
    await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
    say(`results: ${path.relative(process.cwd(), outFile)}`);
  } finally {
    await fn?.close();
    await session.close();
  }
}

/**
 * What buildah itself costs here: create a container (`buildah from` + config) and run `true` in it
 * with the function's options; and `python3 server.py < /dev/null` (Python, NumPy and `_caffe`).
 */
async function containerBaseline(image: string): Promise<{ create: number; run: number; python: number }> {
  const timeRun = async (argv: string[]) => {
    const name = `elastic-caffe-bench-${process.pid}`;
    const tmpDir = await lambdaTmpDir();
    try {
      const created = performance.now();
      await createContainer(image, name, {});
      const started = performance.now();
      const container = startContainer(name, argv, {
        runOptions: lambdaRunOptions(tmpDir),
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if ((await container.exited) !== 0) throw new Error(`${argv.join(' ')} failed in the image`);
      const ended = performance.now();
      await container.remove();
      return { create: started - created, run: ended - started };
    } finally {
      await rm(tmpDir, { recursive: true, force: true });
    }
  };
  const empty = await timeRun(['true']);
  const python = await timeRun(['sh', '-c', 'python3 "$INFERENCE_SERVER_SCRIPT" < /dev/null']);
  return { create: empty.create, run: empty.run, python: python.run };
}

function reportOf(
  runs: ColdRun[],
  buildah: { run: number[]; create: number[]; python: number[] },
  machine: { cpuModel: string; nproc: number; loadAverage: number[] },
  rounds: number,
  warm: number,
) {
  const of = (arm: Arm, pick: (run: ColdRun) => number) => summarize(runs.filter((run) => run.arm === arm).map(pick));
  const runOverhead = summarize(buildah.run).median;
  const imageArm = (arm: Arm) => ({
    total: of(arm, (r) => r.total),
    start: of(arm, (r) => r.started ?? Number.NaN),
    runtimeInit: of(arm, (r) => (r.initDone ?? Number.NaN) - (r.started ?? Number.NaN)),
    firstInvoke: of(arm, (r) => (r.answered ?? Number.NaN) - (r.initDone ?? Number.NaN)),
    // From `buildah run` minus what buildah takes to start `true`: the entry point's start to the answer.
    ownPart: of(arm, (r) => (r.answered ?? Number.NaN) - (r.started ?? Number.NaN) - runOverhead),
    cpu: of(arm, (r) => r.cpu ?? Number.NaN),
    warm: of(arm, (r) => summarize(r.warm).median),
  });
  const summary = {
    image: imageArm('image'),
    imageLate: imageArm('image-late'),
    process: { total: of('process', (r) => r.total), warm: of('process', (r) => summarize(r.warm).median) },
    buildah: { create: summarize(buildah.create), run: summarize(buildah.run), python: summarize(buildah.python) },
  };
  const ms = (s: Summary) => `${fixed(s.median, 0)} (${fixed(s.min, 0)}–${fixed(s.max, 0)})`;
  const msWarm = (s: Summary) => `${fixed(s.median, 1)} (${fixed(s.min, 1)}–${fixed(s.max, 1)})`;
  const markdown = [
    `${machine.cpuModel} ×${machine.nproc}, load ${machine.loadAverage.join(' ')}; ` +
      `${rounds} cold starts per arm, ${warm} warm requests after each; ms, median (min–max)`,
    '',
    '| | image (as Lambda runs it) | image, server started by the first request | in process (local route) |',
    '|---|---|---|---|',
    `| cold request, total | ${ms(summary.image.total)} | ${ms(summary.imageLate.total)} | ` +
      `${ms(summary.process.total)} |`,
    `| — container created, \`buildah run\` started | ${ms(summary.image.start)} | ` +
      `${ms(summary.imageLate.start)} | – |`,
    `| — runtime init (\`buildah run\` → first \`next\`) | ${ms(summary.image.runtimeInit)} | ` +
      `${ms(summary.imageLate.runtimeInit)} | – |`,
    `| — first invocation (\`next\` → answer posted) | ${ms(summary.image.firstInvoke)} | ` +
      `${ms(summary.imageLate.firstInvoke)} | – |`,
    `| **our part** (entry point → answer, less buildah's start) | **${ms(summary.image.ownPart)}** | ` +
      `${ms(summary.imageLate.ownPart)} | – |`,
    `| CPU time the function used until its first answer | ${ms(summary.image.cpu)} | ` +
      `${ms(summary.imageLate.cpu)} | – |`,
    `| warm request (median of each run's medians) | ${msWarm(summary.image.warm)} | ` +
      `${msWarm(summary.imageLate.warm)} | ${msWarm(summary.process.warm)} |`,
    '',
    '| buildah here | ms |',
    '|---|---|',
    `| create a container | ${ms(summary.buildah.create)} |`,
    `| \`buildah run\` of \`true\` | ${ms(summary.buildah.run)} |`,
    '| `buildah run` of `python3 server.py < /dev/null` (Python, NumPy, `_caffe`) | ' +
      `${ms(summary.buildah.python)} |`,
  ].join('\n');
  return { summary, markdown };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
