/**
 * `npm run bench:cli [-- --rounds 5 --upload-mib 256 --images 2000]`: what the CLI costs a user,
 * each arm beside its raw counterpart in one run, against one local cloud (one Batch worker):
 *   1. start-up: `node packages/cli/bin/ecaffe.js --help` and `npx ecaffe --help` (median of
 *      20 and 10 runs), beside `node -e 0`;
 *   2. one request: `ecaffe --json datafiles ls` as shipped, the same with V8's flags left alone
 *      (lib/keep-v8-flags.cjs preloaded: fetch's parser is then optimized in the background, and Node
 *      waits for that at exit), and `curl` of the same route, 20 runs each interleaved;
 *   3. upload throughput: `ecaffe datafiles upload FILE --no-wait` (the whole command: start-up,
 *      register, PUT, read-back; and its PUT alone, timed inside it by lib/put-timer.cjs) vs
 *      `curl --upload-file FILE` (and its own `%{time_total}`) to a presigned URL the SDK registered, and
 *      the SDK's PUT alone (`nodePut` in a process of its own, no command around it), rounds interleaved
 *      with the order rotating; single-PUT threshold raised so both send one PUT; then ecaffe's multipart
 *      (64 MiB parts, four at a time) alone; with each upload's CPU time (the client's, by GNU time; the
 *      local cloud's: this process and its S3 and SQS processes) and the load average, so the comparison
 *      survives a busy machine;
 *   4. time to Caffe's first iteration: `ecaffe train FOLDER --net --solver` vs the same flow by raw
 *      API calls (GNU tar of the folder, then fetch with 100 ms polling), from
 *      the command's start to Caffe's first `Iteration` line (its glog time, same machine and
 *      clock), rounds interleaved (the upload arms take turns going first).
 * The local cloud's home (its S3 objects among them) is in memory (/dev/shm) where there is one: on disk,
 * the server's writes of each GiB met the kernel's dirty-page throttling in some rounds and not in
 * others, doubling its CPU per upload whichever client sent (docs/BENCHMARKS.md).
 * Results: console (markdown) and bench/results/cli-<UTC date and time>.json.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { writeFashionMnistFolders } from '../local/fixtures/fashion-mnist';
import { buildCli, ecaffeBin } from '../local/fixtures/ecaffe-bin';
import { positiveInt, repoRoot, resultsPath, say, startBenchSession, type BenchSession } from './lib/session';
import { caffeTimeline } from './lib/caffe-timeline';
import { timedWithCpu, type TimedRun } from './lib/child-cpu';
import { fixed, summarize, type Summary } from './lib/stats';

const run = promisify(execFile);
const tenant = 'bench-cli';
const usage = `usage: npm run bench:cli -- [options]
  --rounds N       upload and first-iteration rounds per arm (default 5 and 3)
  --upload-mib N   size of the uploaded file (default 256)
  --images N       Fashion-MNIST images in the training folder (default 2000)
  --home-in DIR    where the local cloud's temporary home is made (default /dev/shm if present, else the OS's
                   temporary directory)
  --out FILE       results JSON (default bench/results/cli-<UTC date and time>.json)
  --verbose        mirror worker output and handler logs
  --keep           keep the temporary local home`;

/** Wall-clock seconds of a command run to its end (it must exit 0). */
async function timed(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ seconds: number; stdout: string }> {
  const started = process.hrtime.bigint();
  const { stdout } = await run(command, args, {
    env: { ...process.env, ...env },
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout };
}

async function startup() {
  const measure = async (n: number, command: string, args: string[]) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) times.push((await timed(command, args)).seconds);
    return summarize(times);
  };
  say('start-up: node -e 0, node bin --help, npx ecaffe --help');
  return {
    nodeBare: await measure(20, process.execPath, ['-e', '0']),
    binHelp: await measure(20, process.execPath, [ecaffeBin, '--help']),
    npxHelp: await measure(10, 'npx', ['ecaffe', '--help']),
  };
}

/** A command that makes one API call, beside curl making it; 20 runs each, interleaved. */
async function oneRequest(env: NodeJS.ProcessEnv, endpoint: string, token: string) {
  const keepFlags = { ...env, NODE_OPTIONS: `--require ${path.join(__dirname, 'lib', 'keep-v8-flags.cjs')}` };
  const arms = {
    ecaffe: () => timed(process.execPath, [ecaffeBin, '--json', 'datafiles', 'ls'], env),
    ecaffeV8FlagsLeftAlone: () => timed(process.execPath, [ecaffeBin, '--json', 'datafiles', 'ls'], keepFlags),
    curl: () =>
      timed('curl', ['-sSf', '-o', '/dev/null', '-H', `authorization: Bearer ${token}`, `${endpoint}/v1/datafiles`]),
  };
  say('one request: ecaffe datafiles ls, the same with V8 flags left alone, curl (20 runs each)');
  const times: Record<keyof typeof arms, number[]> = { ecaffe: [], ecaffeV8FlagsLeftAlone: [], curl: [] };
  for (let i = 0; i < 20; i++)
    for (const name of Object.keys(arms) as (keyof typeof arms)[]) times[name].push((await arms[name]()).seconds);
  return {
    ecaffe: summarize(times.ecaffe),
    ecaffeV8FlagsLeftAlone: summarize(times.ecaffeV8FlagsLeftAlone),
    curl: summarize(times.curl),
    savedPaired: summarize(times.ecaffe.map((t, i) => times.ecaffeV8FlagsLeftAlone[i]! - t)),
  };
}

async function writeRandomFile(file: string, mib: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < mib; i++)
    if (!out.write(randomBytes(1024 * 1024))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

/** An upload's run: the whole command, and its PUT alone (NaN for a multipart upload's overlapping parts). */
type Timed = TimedRun & { putSeconds: number };
const putTimer = path.join(__dirname, 'lib', 'put-timer.cjs');

async function uploads(session: BenchSession, env: NodeJS.ProcessEnv, rounds: number, mib: number) {
  const client = session.client;
  const file = path.join(session.home, 'upload.bin');
  await writeRandomFile(file, mib);
  const bytes = (await stat(file)).size;
  // The worker inspects (and refuses) each upload: wait for it and delete the datafile, so rounds neither
  // overlap nor fill the disk.
  const settle = async (id: string) => {
    await client.waitFor(id, { maxIntervalMs: 500 });
    await client.datafiles.delete(id);
  };
  /** A datafile registered by the SDK, for a client that only PUTs: its id and presigned URL. */
  const register = async (name: string) => {
    const created = await client.datafiles.create({ name, format: 'image-folders', sizeBytes: bytes });
    if (!('upload' in created) || created.upload?.method !== 'PUT') throw new Error('expected a single presigned PUT');
    return { id: created.id, url: created.upload.url };
  };
  const curlRound = async () => {
    const { id, url } = await register('curl');
    const curlArgs = ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total}', '-X', 'PUT', '--upload-file'];
    const measured = await timedWithCpu('curl', [...curlArgs, file, url], {}, repoRoot, session.cloud.processIds);
    const [status, putSeconds] = measured.stdout.trim().split(' ');
    if (!status!.startsWith('2')) throw new Error(`curl's PUT answered ${measured.stdout}`);
    await settle(id);
    return { ...measured, putSeconds: Number(putSeconds) };
  };
  // The SDK's PUT without the command around it (no start-up in its time, no API calls in its process).
  const sdkRound = async () => {
    const { id, url } = await register('sdk');
    const args = ['-e', sdkPutScript, sdkNode, file, url];
    const measured = await timedWithCpu(process.execPath, args, {}, repoRoot, session.cloud.processIds);
    await settle(id);
    return { ...measured, putSeconds: Number(measured.stdout) };
  };
  const putTimes = path.join(session.home, 'put-times');
  const timerEnv = { ...env, NODE_OPTIONS: `--require ${putTimer}`, BENCH_PUT_TIMES: putTimes };
  const ecaffeRound = async () => {
    const args = [ecaffeBin, '--json', 'datafiles', 'upload', file, '--no-wait'];
    await rm(putTimes, { force: true });
    const measured = await timedWithCpu(process.execPath, args, timerEnv, repoRoot, session.cloud.processIds);
    const record = JSON.parse(measured.stdout.trim().split('\n').at(-1)!) as { id: string };
    // A multipart upload's parts overlap: its PUT time is the whole command's, not a sum.
    const times = (await readFile(putTimes, 'utf8')).trim().split('\n').map(Number);
    await settle(record.id);
    return { ...measured, putSeconds: times.length === 1 ? times[0]! : Number.NaN };
  };
  const single = { ELASTIC_CAFFE_SINGLE_PUT_MAX_BYTES: String(4 * 1024 ** 3) };
  const arms = { curl: curlRound, ecaffe: ecaffeRound, sdk: sdkRound };
  const runs: Record<keyof typeof arms, Timed[]> = { curl: [], ecaffe: [], sdk: [] };
  const { curl, ecaffe, sdk } = runs;
  const multipart: Timed[] = [];
  Object.assign(process.env, single); // the handlers run in this process
  say('upload warm-up (untimed): curl, ecaffe, the SDK alone');
  for (const round of Object.values(arms)) await round();
  const names = Object.keys(arms) as (keyof typeof arms)[];
  for (let round = 0; round < rounds; round++) {
    // The arms take turns going first, so none always follows another's upload and its clean-up.
    const order = names.map((_, i) => names[(round + i) % names.length]!);
    say(`upload round ${round + 1}/${rounds}: ${order.join(', then ')} (${mib} MiB, one PUT each)`);
    for (const name of order) runs[name].push(await arms[name]());
  }
  delete process.env.ELASTIC_CAFFE_SINGLE_PUT_MAX_BYTES;
  for (let round = 0; round < rounds; round++) {
    say(`upload round ${round + 1}/${rounds}: ecaffe multipart (64 MiB parts, 4 at a time)`);
    multipart.push(await ecaffeRound());
  }
  say('the client alone: nodePut vs curl to a local server that discards the bytes');
  const alone = await putAlone(file, rounds);
  await rm(file);
  const rate = (runs: TimedRun[]) => summarize(runs.map((r) => bytes / 1048576 / r.seconds));
  const paired = summarize(curl.map((c, i) => c.seconds / ecaffe[i]!.seconds));
  const putRate = (runs: Timed[]) => summarize(runs.map((r) => bytes / 1048576 / r.putSeconds));
  const pairedPuts = (arm: Timed[]) => summarize(curl.map((c, i) => c.putSeconds / arm[i]!.putSeconds));
  return {
    bytes,
    curl,
    ecaffe,
    multipart,
    alone: { curl: alone.curl, sdk: alone.sdk, curlMiBps: rate(alone.curl), sdkMiBps: rate(alone.sdk) },
    loadAverage: summarize([...curl, ...ecaffe].map((r) => r.loadAverage)),
    curlMiBps: rate(curl),
    ecaffeMiBps: rate(ecaffe),
    multipartMiBps: rate(multipart),
    ratio: { ofMedians: rate(ecaffe).median / rate(curl).median, paired },
    sdk,
    puts: {
      curlMiBps: putRate(curl),
      ecaffeMiBps: putRate(ecaffe),
      sdkMiBps: putRate(sdk),
      ratio: { ofMedians: putRate(ecaffe).median / putRate(curl).median, paired: pairedPuts(ecaffe) },
      sdkRatio: { ofMedians: putRate(sdk).median / putRate(curl).median, paired: pairedPuts(sdk) },
    },
    cpu: { curl: cpuOf(curl), ecaffe: cpuOf(ecaffe), sdk: cpuOf(sdk), multipart: cpuOf(multipart) },
  };
}

/**
 * CPU seconds per upload of one arm: the client's own, the local cloud's (this process, its S3 and SQS)
 * meanwhile, and the rest.
 */
const cpuOf = (runs: TimedRun[]) => ({
  clientSeconds: summarize(runs.map((r) => r.childCpuSeconds ?? Number.NaN)),
  localCloudSeconds: summarize(runs.map((r) => r.ownCpuSeconds)),
  othersCores: summarize(runs.map((r) => r.othersCores ?? Number.NaN)),
});

/** The compiled SDK's Node entry, as the CLI loads it. */
const sdkNode = path.join(repoRoot, 'packages', 'sdk', 'dist', 'node', 'index.js');
/** The SDK's PUT of the file in a process of its own, timed from its first byte to the answer. */
const sdkPutScript = `
const { fileSource, nodePut } = require(process.argv[1]);
(async () => {
  const source = await fileSource(process.argv[2]);
  const started = process.hrtime.bigint();
  await nodePut({ url: process.argv[3], headers: {}, body: source.read(0, source.size), length: source.size });
  process.stdout.write(String(Number(process.hrtime.bigint() - started) / 1e9));
})();`;

/** The client alone: the SDK's PUT (nodePut) vs curl, each a process of its own, to a server discarding the bytes. */
async function putAlone(file: string, rounds: number) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/discard`;
  const curl: TimedRun[] = [];
  const sdk: TimedRun[] = [];
  for (let round = 0; round <= rounds; round++) {
    const c = await timedWithCpu(
      'curl',
      ['-sS', '-o', '/dev/null', '-X', 'PUT', '--upload-file', file, url],
      {},
      repoRoot,
    );
    const n = await timedWithCpu(process.execPath, ['-e', sdkPutScript, sdkNode, file, url], {}, repoRoot);
    if (round > 0) {
      // round 0 warms up
      curl.push(c);
      sdk.push({ ...n, seconds: Number(n.stdout) }); // from its first byte; its CPU includes Node's start-up
    }
  }
  server.closeAllConnections();
  server.close();
  return { curl, sdk };
}

/** The raw flow: `tar` of the folder, then the calls a script makes with fetch and a short poll. */
async function rawTrain(
  session: BenchSession,
  token: string,
  folder: string,
  archive: string,
  net: string,
  solver: string,
): Promise<string> {
  await run('tar', ['-cf', archive, '-C', folder, '.']);
  const api = `${session.cloud.url}/v1`;
  const call = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${api}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const until = async (route: string, done: string[]) => {
    for (;;) {
      const record = await call<{ status: string }>('GET', route);
      if (done.includes(record.status)) return record;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const data = await readFile(archive);
  const datafile = await call<{ id: string; upload: { url: string; headers: Record<string, string> } }>(
    'POST',
    '/datafiles',
    { name: 'raw', format: 'image-folders', sizeBytes: data.length },
  );
  const put = await fetch(datafile.upload.url, { method: 'PUT', headers: datafile.upload.headers, body: data });
  if (!put.ok) throw new Error(`PUT ${put.status}`);
  await until(`/datafiles/${datafile.id}`, ['ready', 'failed']);
  const dataset = await call<{ id: string }>('POST', '/datasets', {
    name: 'raw',
    training: { datafileId: datafile.id, splitPercentage: 0.8 },
    testing: { datafileId: datafile.id, splitPercentage: 0.2 },
  });
  await until(`/datasets/${dataset.id}`, ['ready', 'failed']);
  const sv = await call<{ id: string }>('POST', '/solvers', { name: 'raw', datasetId: dataset.id, solver, net });
  return (await call<{ id: string }>('POST', '/training-jobs', { solverId: sv.id })).id;
}

async function firstIterations(
  session: BenchSession,
  env: NodeJS.ProcessEnv,
  token: string,
  rounds: number,
  images: number,
) {
  const folder = path.join(session.home, 'fashion');
  await writeFashionMnistFolders({ dataDir: session.dataDir, split: 'train', count: images, out: folder });
  const archive = path.join(session.home, 'fashion.tar');
  const example = path.join(repoRoot, 'examples', 'fashion-mnist-lenet');
  const solver = (await readFile(path.join(example, 'solver.prototxt'), 'utf8'))
    .replace(/^max_iter:.*$/m, 'max_iter: 50')
    .replace(/^snapshot:.*$/m, 'snapshot: 50')
    .replace(/^test_interval:.*$/m, 'test_interval: 50');
  await writeFile(path.join(session.home, 'solver.prototxt'), solver);
  const net = path.join(example, 'net.prototxt');
  const netText = await readFile(net, 'utf8');
  /** Seconds from `startedAt` to Caffe's first iteration, read from the glog time in the finished job's log. */
  const firstIteration = async (jobId: string, startedAt: number) => {
    const job = await session.client.waitFor(jobId, { maxIntervalMs: 500 });
    if (job.status !== 'succeeded') throw new Error(`${jobId} ${job.status}`);
    const at = caffeTimeline((await session.client.trainingJobs.logs(jobId)).text).firstIteration;
    if (at === undefined) throw new Error(`no iteration in the log of ${jobId}`);
    return (at - startedAt) / 1000;
  };
  const ecaffe: number[] = [];
  const raw: number[] = [];
  const load: number[] = [];
  for (let round = -1; round < rounds; round++) {
    say(
      round < 0
        ? 'first-iteration warm-up (untimed): ecaffe train, raw API flow'
        : `first-iteration round ${round + 1}/${rounds}: ecaffe train, then the raw API flow`,
    );
    const timedRound = round >= 0;
    if (timedRound) load.push(os.loadavg()[0]!);
    let startedAt = Date.now();
    const child = spawn(
      process.execPath,
      [ecaffeBin, '--json', 'train', folder, '--net', net, '--solver', path.join(session.home, 'solver.prototxt')],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let jobId: string | undefined;
    while (!jobId) {
      jobId = /"id":"(tj_[0-9a-z]{26})"/.exec(stdout)?.[1];
      if (!jobId) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ecaffeSeconds = await firstIteration(jobId, startedAt);
    if ((await exited) !== 0) throw new Error(`ecaffe train failed: ${stdout.slice(-500)}`);
    startedAt = Date.now();
    const rawJob = await rawTrain(session, token, folder, archive, netText, solver);
    const rawSeconds = await firstIteration(rawJob, startedAt);
    if (timedRound) {
      ecaffe.push(ecaffeSeconds);
      raw.push(rawSeconds);
    }
  }
  return {
    images,
    ecaffe,
    raw,
    loadAverage: summarize(load),
    ecaffeSeconds: summarize(ecaffe),
    rawSeconds: summarize(raw),
    slowerBy: {
      ofMedians: summarize(ecaffe).median - summarize(raw).median,
      paired: summarize(ecaffe.map((e, i) => e - raw[i]!)),
    },
  };
}

const cell = (s: Summary, digits: number) =>
  `${fixed(s.median, digits)} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      rounds: { type: 'string' },
      'upload-mib': { type: 'string', default: '256' },
      images: { type: 'string', default: '2000' },
      out: { type: 'string' },
      'home-in': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (opts.help) return void console.log(usage);
  const mib = positiveInt('upload-mib', opts['upload-mib'], usage);
  const images = positiveInt('images', opts.images, usage);
  const rounds = opts.rounds ? positiveInt('rounds', opts.rounds, usage) : undefined;
  buildCli();
  const start = await startup();
  const homeIn = opts['home-in'] ?? (existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  const session = await startBenchSession({ tenant, verbose: opts.verbose, keep: opts.keep, homeIn });
  try {
    const configDir = path.join(session.home, 'ecaffe-config');
    await mkdir(configDir, { recursive: true });
    const env = { ECAFFE_ENDPOINT: session.cloud.url, ECAFFE_CONFIG_DIR: configDir };
    await timed(process.execPath, [ecaffeBin, 'login', '--local', '--tenant', tenant], env);
    const { token } = (await (
      await fetch(`${session.cloud.url}/local/token`, { method: 'POST', body: JSON.stringify({ tenant }) })
    ).json()) as { token: string };
    const request = await oneRequest(env, session.cloud.url, token);
    const upload = await uploads(session, env, rounds ?? 5, mib);
    const first = await firstIterations(session, env, token, rounds ?? 3, images);
    const results = {
      at: new Date().toISOString(),
      machine: session.machine,
      localCloudHome: session.home,
      startup: start,
      oneRequest: request,
      upload,
      firstIteration: first,
    };
    const out = resultsPath('cli', opts.out);
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
    const aloneMiBps = `${cell(upload.alone.curlMiBps, 0)} / ${cell(upload.alone.sdkMiBps, 0)}`;
    const loadAverages = `uploads ${cell(upload.loadAverage, 2)}, first iteration ${cell(first.loadAverage, 2)}`;
    const { cpu } = upload;
    const twoArms = (a: Summary, b: Summary, digits: number) => `${cell(a, digits)} / ${cell(b, digits)}`;
    const aloneCpu = (runs: TimedRun[]) => summarize(runs.map((r) => r.childCpuSeconds ?? Number.NaN));
    const clientCpu = twoArms(cpu.curl.clientSeconds, cpu.ecaffe.clientSeconds, 2);
    const cloudCpu = twoArms(cpu.curl.localCloudSeconds, cpu.ecaffe.localCloudSeconds, 2);
    const othersCores = twoArms(cpu.curl.othersCores, cpu.ecaffe.othersCores, 2);
    const aloneClientCpu = twoArms(aloneCpu(upload.alone.curl), aloneCpu(upload.alone.sdk), 2);
    const { puts, ratio } = upload;
    const putRates = twoArms(puts.curlMiBps, puts.ecaffeMiBps, 0);
    const sdkCpu = twoArms(cpu.sdk.clientSeconds, cpu.sdk.localCloudSeconds, 2);
    console.log(`
| measure | median (min–max) |
|---|---|
| \`node -e 0\` | ${cell(start.nodeBare, 3)} s |
| \`node packages/cli/bin/ecaffe.js --help\` | ${cell(start.binHelp, 3)} s |
| \`npx ecaffe --help\` | ${cell(start.npxHelp, 3)} s |
| one request, \`ecaffe --json datafiles ls\` | ${cell(request.ecaffe, 3)} s |
| the same, V8's flags left alone (Node waits for fetch's parser) | ${cell(request.ecaffeV8FlagsLeftAlone, 3)} s |
| saved (paired) | ${cell(request.savedPaired, 3)} s |
| one request, curl | ${cell(request.curl, 3)} s |
| upload ${mib} MiB, curl --upload-file (one PUT) | ${cell(upload.curlMiBps, 0)} MiB/s |
| upload ${mib} MiB, ecaffe datafiles upload (one PUT, whole command) | ${cell(upload.ecaffeMiBps, 0)} MiB/s |
| upload ${mib} MiB, ecaffe multipart (64 MiB parts ×4) | ${cell(upload.multipartMiBps, 0)} MiB/s |
| the client alone to a discarding local server: curl / SDK's nodePut | ${aloneMiBps} MiB/s |
| ecaffe ÷ curl throughput (whole command ÷ curl) | ${fixed(ratio.ofMedians, 3)} (paired ${cell(ratio.paired, 3)}) |
| the PUT alone (inside each command): curl / ecaffe | ${putRates} MiB/s |
| ecaffe ÷ curl, the PUT alone | ${fixed(puts.ratio.ofMedians, 3)} (paired ${cell(puts.ratio.paired, 3)}) |
| the SDK's PUT in a process of its own (nodePut, no command around it) | ${cell(puts.sdkMiBps, 0)} MiB/s |
| SDK ÷ curl, the PUT alone | ${fixed(puts.sdkRatio.ofMedians, 3)} (paired ${cell(puts.sdkRatio.paired, 3)}) |
| CPU per upload, the SDK's PUT alone: its process / the local cloud | ${sdkCpu} s |
| CPU per upload, the client (user + sys): curl / ecaffe | ${clientCpu} s |
| CPU per upload, the local cloud (its process, S3's and SQS's): curl / ecaffe | ${cloudCpu} s |
| other work on the machine meanwhile: curl / ecaffe | ${othersCores} cores |
| CPU, the client alone: curl / SDK's nodePut (its process) | ${aloneClientCpu} s |
| to first iteration, ecaffe train (${images} images) | ${cell(first.ecaffeSeconds, 2)} s |
| to first iteration, raw API calls | ${cell(first.rawSeconds, 2)} s |
| ecaffe slower by | ${fixed(first.slowerBy.ofMedians, 2)} s (paired ${cell(first.slowerBy.paired, 2)} s) |
| 1-min load average during the rounds | ${loadAverages} |

results: ${path.relative(repoRoot, out)}`);
  } finally {
    await session.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
