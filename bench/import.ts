/**
 * `npm run bench:import [-- --rounds 5 --images 10000 …]`: how fast a dataset is built through the
 * API compared with running Caffe's converter by hand on the same images, on the same machine.
 *
 * One local cloud (fresh temporary home, one Batch worker so runs never overlap) gets two datafiles
 * uploaded once: the first `--images` Fashion-MNIST training images as an image-folders .tar.gz
 * (PNG), and the same images as IDX (a tar of the gzipped image and label files, as MNIST ships
 * them). Then, interleaved and repeated per format (A A′ B A A′ B …, after an untimed warm-up pair):
 *   A  bare: `convert_imageset --backend=lmdb --gray <root>/ <list> <db>` on the same images,
 *      extracted once beforehand, with a shuffled list of all of them (or `convert_mnist_data
 *      --backend=lmdb` on the plain IDX files), in a session of its own like the worker's;
 *   A′ by hand (secondary, never instead of A): what a user does by hand from the same datafile —
 *      `tar xzf` + convert_imageset + compute_image_mean, or `tar xf` + `gunzip` +
 *      convert_mnist_data + compute_image_mean (B unpacks and computes the mean too);
 *   B  api:  POST /v1/datasets (80 % training, 20 % testing of the datafile), then GET it until it
 *      is `ready`. That covers the worker's start, the download, the archive checks and extraction,
 *      the split and lists, the PNG checks, the converter (once per side), compute_image_mean, the
 *      uploads and the record.
 * Images per second = images / wall time (A: spawn → exit; B: POST sent → `ready` seen). B's steps
 * come from the worker's `[worker] step …` lines (container/worker/formats/steps.ts), by arrival
 * time. Medians with min–max go to the console and to bench/results/import-<UTC time>.json.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { create, extract } from 'tar';
import { caffeToolCommand } from '../core/caffe/tools';
import { seededRandom, shuffled } from '../container/worker/split';
import { fashionMnistFiles } from '../local/caffe/install';
import { fashionMnistFolders, writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';
import { importPhaseOf, importReport, summarizeImport, type ImportRun } from './lib/import-report';
import { cpuReading, cpuUsage, machineInfo } from './lib/machine';
import { runInOwnSession } from './lib/own-session';
import { localCloudKind, ProcessTreeSampler } from './lib/proc-sampler';
import { fixed } from './lib/stats';
import { positiveInt, resultsPath, say, startBenchSession } from './lib/session';

const tenant = 'bench';
/** Poll period once the worker reported it is done (the resolution of "ready seen"). */
const fastPollMs = 50;

const usage = `usage: npm run bench:import -- [options]
  --rounds N     timed A/B pairs per format (default 5)
  --warmup N     untimed A/B pairs per format first (default 1)
  --images N     Fashion-MNIST training images (default 10000)
  --formats L    comma-separated: image-folders,idx (default both)
  --out FILE     results JSON (default bench/results/import-<UTC date and time>.json)
  --keep         keep the temporary home and print where it is
  --verbose      show worker output and handler logs`;

const { values: opts } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    images: { type: 'string', default: '10000' },
    formats: { type: 'string', default: 'image-folders,idx' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

type Format = 'image-folders' | 'idx';

/** Names the processes of the run's tree for the CPU breakdown. */
function processKind(cmdline: string[]): string {
  const known = localCloudKind(cmdline);
  if (known) return known;
  const tool = cmdline
    .map((arg) => /\/bin\/(convert_imageset|convert_mnist_data|compute_image_mean|mdb_load)$/.exec(arg)?.[1])
    .find(Boolean);
  return tool ?? path.basename(cmdline[0] ?? 'unknown');
}

/** The first `count` training images and labels as plain IDX files (headers rewritten for the count). */
async function idxSubset(dataDir: string, count: number): Promise<{ images: Buffer; labels: Buffer }> {
  const files = fashionMnistFiles(dataDir, 'raw');
  const images = await readFile(files.trainImages);
  const labels = await readFile(files.trainLabels);
  const imageHead = Buffer.from(images.subarray(0, 16));
  imageHead.writeUInt32BE(count, 4);
  const labelHead = Buffer.from(labels.subarray(0, 8));
  labelHead.writeUInt32BE(count, 4);
  const size = imageHead.readUInt32BE(8) * imageHead.readUInt32BE(12);
  return {
    images: Buffer.concat([imageHead, images.subarray(16, 16 + count * size)]),
    labels: Buffer.concat([labelHead, labels.subarray(8, 8 + count)]),
  };
}

async function main(): Promise<void> {
  if (opts.help) {
    console.log(usage);
    return;
  }
  const rounds = positiveInt('rounds', opts.rounds, usage);
  const warmups = positiveInt('warmup', opts.warmup, usage, 0);
  const imageCount = positiveInt('images', opts.images, usage);
  const formats = (opts.formats ?? '').split(',').filter(Boolean) as Format[];
  if (!formats.length || formats.some((f) => f !== 'image-folders' && f !== 'idx'))
    throw new Error(`--formats takes image-folders and/or idx\n${usage}`);
  const verbose = Boolean(opts.verbose);
  const outFile = resultsPath('import', opts.out);

  const session = await startBenchSession({ tenant, verbose, keep: Boolean(opts.keep) });
  const { home, caffePrefix, dataDir, machine, workerOutput, cloud, client } = session;
  try {
    // --- Setup, once: the same images as both datafiles, and as the bare arms' inputs. ---
    const archives = path.join(home, 'archives');
    const bareRoot = path.join(home, 'bare');
    const imagesTar = path.join(archives, 'train.tar.gz');
    await writeFashionMnistArchive({ dataDir, split: 'train', count: imageCount, out: imagesTar });
    const idx = await idxSubset(dataDir, imageCount);
    // As MNIST ships: a folder of gzipped IDX files, archived.
    const idxStaging = path.join(archives, 'fashion');
    await mkdir(idxStaging, { recursive: true });
    await writeFile(path.join(idxStaging, 'train-images-idx3-ubyte.gz'), gzipSync(idx.images));
    await writeFile(path.join(idxStaging, 'train-labels-idx1-ubyte.gz'), gzipSync(idx.labels));
    const idxTarFile = path.join(archives, 'idx.tar');
    await create({ file: idxTarFile, cwd: archives, portable: true }, ['fashion']);
    const datafileIds: Partial<Record<Format, string>> = {};
    for (const format of formats) {
      const file = format === 'idx' ? idxTarFile : imagesTar;
      const created = await client.upload(file, { name: `bench-${format}`, format });
      const ready = await client.waitFor(created);
      if (ready.status !== 'ready') throw new Error(`the ${format} datafile failed: ${ready.error}`);
      datafileIds[format] = created.id;
      say(`${format} datafile ${created.id}: ${imageCount} images, ${created.sizeBytes} bytes`);
    }
    // Bare inputs: the extracted folders with one shuffled list of every image, and the plain IDX files.
    const extracted = path.join(bareRoot, 'images');
    await mkdir(extracted, { recursive: true });
    await extract({ file: imagesTar, cwd: extracted });
    const byFolder = await Promise.all(
      fashionMnistFolders.map(async (folder, label) =>
        readdir(path.join(extracted, folder)).then((names) => names.map((n) => `${folder}/${n} ${label}`)),
      ),
    );
    const listFile = path.join(bareRoot, 'list.txt');
    await writeFile(listFile, `${shuffled(byFolder.flat(), seededRandom(1)).join('\n')}\n`);
    const idxFiles = {
      images: path.join(bareRoot, 'images-idx3-ubyte'),
      labels: path.join(bareRoot, 'labels-idx1-ubyte'),
    };
    await writeFile(idxFiles.images, idx.images);
    await writeFile(idxFiles.labels, idx.labels);

    // --- The arms. ---
    /**
     * Times one run of an arm: samples who uses the cores while `body` runs and turns its start and
     * end marks into the run's record.
     */
    const measured = async (
      run: Pick<ImportRun, 'arm' | 'format' | 'round' | 'warmup'>,
      body: () => Promise<{
        startedAt: number;
        endedAt: number;
        phases: Record<string, number>;
        ids?: Pick<ImportRun, 'datasetId' | 'batchJobId'>;
      }>,
    ): Promise<ImportRun> => {
      const sampler = new ProcessTreeSampler(processKind);
      sampler.start(500);
      const loadAverage = os.loadavg()[0]!;
      const cpu0 = cpuReading();
      let marks: Awaited<ReturnType<typeof body>>;
      try {
        marks = await body();
      } finally {
        sampler.stop();
      }
      const seconds = (marks.endedAt - marks.startedAt) / 1000;
      return {
        ...run,
        images: imageCount,
        seconds,
        imagesPerSecond: imageCount / seconds,
        phases: marks.phases,
        ...marks.ids,
        cpu: cpuUsage(cpu0, cpuReading(), machine.nproc),
        runCpu: sampler.usage(marks.startedAt, marks.endedAt, machine.nproc),
        loadAverage,
      };
    };

    const runBare = async (format: Format, round: number, warmup: boolean): Promise<ImportRun> => {
      const db = path.join(bareRoot, `lmdb-${format}-${warmup ? 'w' : 'r'}${round}`);
      const tool = format === 'idx' ? 'convert_mnist_data' : 'convert_imageset';
      const args =
        format === 'idx'
          ? ['--backend=lmdb', idxFiles.images, idxFiles.labels, db]
          : ['--backend=lmdb', '--gray', `${extracted}/`, listFile, db];
      const lines: string[] = [];
      const run = await measured({ arm: 'bare', format, round, warmup }, async () => {
        const startedAt = Date.now();
        const result = await runInOwnSession(caffeToolCommand(tool, args, { prefix: caffePrefix }), bareRoot, (l) =>
          lines.push(l),
        );
        const endedAt = Date.now();
        if (result.code !== 0)
          throw new Error(`bare ${tool} exited with ${result.signal ?? result.code}:\n${lines.slice(-20).join('\n')}`);
        return { startedAt, endedAt, phases: { [tool]: (endedAt - startedAt) / 1000 } };
      });
      await rm(db, { recursive: true, force: true });
      const processed = [...lines.join('\n').matchAll(/Processed (\d+) files/g)].at(-1)?.[1];
      if (Number(processed) !== imageCount)
        throw new Error(`bare ${tool} processed ${processed} images, not ${imageCount}`);
      return run;
    };

    // A′ (secondary): what a user does by hand from the same datafile — unpack it, convert, and
    // compute the mean (B computes it too). Time: the first step's spawn → the last one's exit.
    const runByHand = async (format: Format, round: number, warmup: boolean): Promise<ImportRun> => {
      const dir = path.join(bareRoot, `by-hand-${format}-${warmup ? 'w' : 'r'}${round}`);
      await mkdir(dir, { recursive: true });
      const db = path.join(dir, 'lmdb');
      const plain = (command: string, args: string[]) => ({ command, args, env: {} });
      const caffe = (tool: string, args: string[]) => caffeToolCommand(tool, args, { prefix: caffePrefix });
      const steps: Array<[string, ReturnType<typeof plain>]> =
        format === 'idx'
          ? [
              ['tar xf', plain('tar', ['xf', idxTarFile, '-C', dir])],
              [
                'gunzip',
                plain('gunzip', [
                  path.join(dir, 'fashion', 'train-images-idx3-ubyte.gz'),
                  path.join(dir, 'fashion', 'train-labels-idx1-ubyte.gz'),
                ]),
              ],
              [
                'convert_mnist_data',
                caffe('convert_mnist_data', [
                  '--backend=lmdb',
                  path.join(dir, 'fashion', 'train-images-idx3-ubyte'),
                  path.join(dir, 'fashion', 'train-labels-idx1-ubyte'),
                  db,
                ]),
              ],
              [
                'compute_image_mean',
                caffe('compute_image_mean', ['--backend=lmdb', db, path.join(dir, 'mean.binaryproto')]),
              ],
            ]
          : [
              ['tar xzf', plain('tar', ['xzf', imagesTar, '-C', dir])],
              ['convert_imageset', caffe('convert_imageset', ['--backend=lmdb', '--gray', `${dir}/`, listFile, db])],
              [
                'compute_image_mean',
                caffe('compute_image_mean', ['--backend=lmdb', db, path.join(dir, 'mean.binaryproto')]),
              ],
            ];
      const run = await measured({ arm: 'byHand', format, round, warmup }, async () => {
        const phases: Record<string, number> = {};
        const startedAt = Date.now();
        for (const [name, cmd] of steps) {
          const lines: string[] = [];
          const stepStart = Date.now();
          const result = await runInOwnSession(cmd, dir, (l) => lines.push(l));
          phases[name] = (Date.now() - stepStart) / 1000;
          if (result.code !== 0)
            throw new Error(
              `by hand: ${name} exited with ${result.signal ?? result.code}:\n${lines.slice(-20).join('\n')}`,
            );
        }
        return { startedAt, endedAt: Date.now(), phases };
      });
      await rm(dir, { recursive: true, force: true });
      return run;
    };

    const runApi = async (format: Format, round: number, warmup: boolean): Promise<ImportRun> => {
      const datafileId = datafileIds[format]!;
      return measured({ arm: 'api', format, round, warmup }, async () => {
        const postSentAt = Date.now();
        const created = await client.datasets.create({
          name: `bench-${format}-${warmup ? 'warmup' : 'round'}-${round}`,
          training: { datafileId, splitPercentage: 0.8 },
          testing: { datafileId, splitPercentage: 0.2 },
        });
        const postAnsweredAt = Date.now();
        const batchJob = () => cloud.batch.jobs().find((j) => j.jobName === `prepare-dataset-${created.id}`);
        // Poll like a client; once the worker says it is done, poll fast so `ready` is seen within ~fastPollMs.
        let workerDone = false;
        let wakeUp: (() => void) | undefined;
        const onLine = (entry: { job: string; line: string }) => {
          if (
            workerDone ||
            !/^\[worker\] (done|failed|error)/.test(entry.line) ||
            !batchJob()?.jobId?.startsWith(entry.job)
          )
            return;
          workerDone = true;
          wakeUp?.();
        };
        workerOutput.on('line', onLine);
        let observedAt: number;
        let dataset: { status: string; error?: string; counts?: Record<string, Record<string, number>> };
        try {
          for (;;) {
            dataset = await client.datasets.get(created.id);
            if (dataset.status === 'ready' || dataset.status === 'failed') {
              observedAt = Date.now();
              break;
            }
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, workerDone ? fastPollMs : 1000);
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
        if (dataset!.status !== 'ready') throw new Error(`dataset ${created.id} failed: ${dataset!.error}`);
        const built = Object.values(dataset!.counts ?? {})
          .flatMap((c) => Object.values(c))
          .reduce((a, b) => a + b, 0);
        if (built !== imageCount) throw new Error(`dataset ${created.id} holds ${built} images, not ${imageCount}`);
        const job = batchJob();
        if (!job?.jobId || job.startedAt === undefined) throw new Error(`no Batch job for ${created.id}`);
        // Consecutive marks: POST, answer, worker spawned, the worker's lines, `ready` seen.
        const marks: Array<{ name: string; at: number }> = [
          { name: 'api', at: postSentAt },
          { name: 'dispatch', at: postAnsweredAt },
          { name: 'worker-boot', at: job.startedAt },
          ...workerOutput.of(job.jobId).map((l) => ({ name: l.line, at: l.at })),
          { name: 'end', at: observedAt! },
        ];
        const phases: Record<string, number> = {};
        for (let i = 0; i + 1 < marks.length; i++) {
          const phase = importPhaseOf(marks[i]!.name);
          phases[phase] = (phases[phase] ?? 0) + (marks[i + 1]!.at - marks[i]!.at) / 1000;
        }
        return {
          startedAt: postSentAt,
          endedAt: observedAt!,
          phases,
          ids: { datasetId: created.id, batchJobId: job.jobId },
        };
      });
    };

    const runs: ImportRun[] = [];
    for (let i = 1; i <= warmups + rounds; i++) {
      const warmup = i <= warmups;
      const round = warmup ? i : i - warmups;
      for (const format of formats)
        for (const run of [runBare, runByHand, runApi]) {
          const result = await run(format, round, warmup);
          runs.push(result);
          const arm = { bare: 'A  bare   ', byHand: 'A′ by hand', api: 'B  api    ' }[result.arm];
          const when = warmup ? `warm-up ${round}` : `round ${round}/${rounds}`;
          say(
            `${arm} ${format} ${when}: ${fixed(result.imagesPerSecond, 0)} images/s (${fixed(result.seconds, 2)} s), ` +
              `others ${fixed(result.cpu?.othersCores, 2)} cores`,
          );
        }
    }

    // --- Report. ---
    const summary = summarizeImport(
      runs.filter((r) => !r.warmup),
      formats,
    );
    const command = ['npm run bench:import', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
      ' ',
    );
    const results = {
      benchmark: 'import',
      command,
      machine: { ...machine, loadAverageAfter: machineInfo().loadAverage },
      config: {
        rounds,
        warmups,
        images: imageCount,
        formats,
        split: { training: 0.8, testing: 0.2 },
        workers: 1,
        fastPollMs,
      },
      summary,
      runs,
    };
    await mkdir(path.dirname(outFile), { recursive: true });
    await writeFile(outFile, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${importReport(summary, machine, command, rounds, warmups, imageCount)}`);
    console.log(`Results: ${path.relative(process.cwd(), outFile)}`);
    if (opts.keep) console.log(`Kept: ${home} (logs/batch/ has the worker logs)`);
  } finally {
    await session.close();
  }
}

main().catch((error) => {
  console.error(`bench:import failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
