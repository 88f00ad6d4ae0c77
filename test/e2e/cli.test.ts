/**
 * `ecaffe` end to end against a real local cloud with real Caffe, run as the compiled bin a user
 * runs: train on a folder (JSON lines, the model bundle loads in pycaffe), prototxt errors
 * compiler-style, exit codes of a failed job, Ctrl-C in a real pseudo-terminal (cancel, or leave
 * running), a reader that closes stdout (the job left running, exit 141), an interrupted multipart
 * upload resumed, classify beyond the synchronous limit, and a
 * sweep followed to its end (lines) or in a terminal (a leaderboard redrawn in place; Ctrl-C leaves it).
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ElasticCaffe,
  UploadError,
  localTokenAuth,
  nodePut,
  type TrainingJob,
  type PutTransport,
} from '@elastic-caffe/sdk/node';
import { InferenceProcess } from '../../container/inference/client';
import { ensureFashionMnist } from '../../local/caffe/install';
import { fashionMnistFolders, writeFashionMnistFolders } from '../../local/fixtures/fashion-mnist';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { buildCli, ecaffe, ecaffeChild, ecaffeInTerminal } from '../support/ecaffe';
import { longSolver, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

const tenant = 'cli-e2e';
let tc: TestCloud;
let work: string;
let env: NodeJS.ProcessEnv;
let sdk: ElasticCaffe;
const files = { net: '', solver: '', long: '', dangling: '', data: '' };
const trained = { job: '', dataset: '' };

const parseLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

beforeAll(async () => {
  buildCli();
  tc = await startTestCloud();
  work = await mkdtemp(path.join(os.tmpdir(), 'cli-e2e-'));
  env = {
    ECAFFE_ENDPOINT: tc.cloud.url,
    ECAFFE_CONFIG_DIR: path.join(work, 'config'),
    ECAFFE_TOKEN: '',
    ECAFFE_PROFILE: '',
  };
  sdk = new ElasticCaffe({ endpoint: tc.cloud.url, auth: localTokenAuth({ endpoint: tc.cloud.url, tenant }) });
  Object.assign(files, {
    net: path.join(work, 'net.prototxt'),
    solver: path.join(work, 'solver.prototxt'),
    long: path.join(work, 'long.prototxt'),
    dangling: path.join(work, 'dangling.prototxt'),
    data: path.join(work, 'fashion'),
  });
  await writeFile(files.net, tinyNet());
  await writeFile(files.solver, tinySolver(60));
  await writeFile(files.long, longSolver);
  await writeFile(
    files.dangling,
    tinyNet('layer {\n  name: "mystery"\n  type: "ReLU"\n  bottom: "nowhere"\n  top: "mystery"\n}\n'),
  );
  await writeFashionMnistFolders({ dataDir: await ensureFashionMnist(), split: 'train', count: 400, out: files.data });
});
afterAll(async () => {
  await tc?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

test('login --local keeps the profile in a file only its owner can read', async () => {
  const run = await ecaffe(['login', '--local', '--tenant', tenant], env);
  expect(run).toMatchObject({ code: 0, stdout: '' });
  expect(run.stderr).toContain(`as tenant ${tenant}`);
  expect((await stat(path.join(work, 'config', 'config.json'))).mode & 0o777).toBe(0o600);
});

test(
  'train on a folder succeeds; with --json every stdout line is ' +
    'JSON and the final record is last; the bundle loads in Caffe',
  async () => {
    const bundle = path.join(work, 'model');
    const run = await ecaffe(
      [
        '--json',
        'train',
        files.data,
        '--net',
        files.net,
        '--solver',
        files.solver,
        '--split',
        '0.8',
        '--download',
        bundle,
      ],
      env,
    );

    expect(run.code).toBe(0);
    const lines = parseLines(run.stdout);
    const final = lines.at(-1) as unknown as TrainingJob;
    expect(final).toMatchObject({ status: 'succeeded', progress: { iteration: 60, maxIterations: 60 } });
    expect(lines.some((l) => l.event === 'upload' && l.sentBytes === l.totalBytes)).toBe(true);
    expect(
      lines.filter((l) => typeof l.id === 'string' && l.id.startsWith('ds_') && l.status === 'ready'),
    ).toHaveLength(1);
    expect(lines.filter((l) => l.id === final.id).length).toBeGreaterThan(1);
    trained.job = final.id;
    trained.dataset = final.datasetId;
    const dataset = await sdk.datasets.get(final.datasetId);
    expect(
      Object.values(dataset.counts!.training).reduce((a, b) => a + b) +
        Object.values(dataset.counts!.testing).reduce((a, b) => a + b),
    ).toBe(400);

    expect((await readdir(bundle)).sort()).toEqual([
      'deploy.prototxt',
      'labels.txt',
      'model.caffemodel',
      'preprocessing.json',
    ]);
    const caffe = new InferenceProcess();
    try {
      await caffe.load({
        key: 'downloaded',
        deploy: path.join(bundle, 'deploy.prototxt'),
        weights: path.join(bundle, 'model.caffemodel'),
        input: 'data',
        output: 'prob',
      });
      const [probabilities] = await caffe.classify('downloaded', [1, 28, 28], [new Float32Array(28 * 28)]);
      expect(probabilities).toHaveLength(10);
      expect([...probabilities!].reduce((a, b) => a + b)).toBeCloseTo(1, 3);
    } finally {
      caffe.close();
    }
  },
);

test('one-shot commands print exactly one JSON document with --json, and tables without', async () => {
  const single = async (args: string[]) => {
    const run = await ecaffe(['--json', ...args], env);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };
  expect(
    ((await single(['jobs', 'ls', '--status', 'succeeded'])).items as Array<{ id: string }>).map((j) => j.id),
  ).toContain(trained.job);
  expect(await single(['jobs', 'get', trained.job])).toMatchObject({ id: trained.job, status: 'succeeded' });
  expect(((await single(['jobs', 'metrics', trained.job])).train as unknown[]).length).toBeGreaterThan(0);
  expect((await single(['jobs', 'logs', trained.job])).log).toContain('Optimization Done.');
  const downloaded = await single(['jobs', 'download', trained.job, '-o', path.join(work, 'downloaded')]);
  expect((downloaded.files as string[]).sort()).toEqual([
    'deploy.prototxt',
    'labels.txt',
    'model.caffemodel',
    'preprocessing.json',
  ]);
  expect((await stat(path.join(work, 'downloaded', 'model.caffemodel'))).size).toBe(
    (await sdk.trainingJobs.artifacts(trained.job)).model!.bytes,
  );
  const table = await ecaffe(['jobs', 'ls'], env);
  expect(table.stdout.split('\n')[0]).toMatch(/^ID +NAME +STATUS +ITERATION +ACCURACY +CREATED$/);
  expect(table.stdout).toMatch(new RegExp(`${trained.job} .* succeeded +60/60`));
});

test('jobs resume continues a finished job to a new max_iter in one command', async () => {
  const run = await ecaffe(['--json', 'jobs', 'resume', trained.job, '--max-iter', '80'], env);
  expect(run.code).toBe(0);
  const final = parseLines(run.stdout).at(-1) as unknown as TrainingJob;
  expect(final).toMatchObject({
    status: 'succeeded',
    progress: { iteration: 80, maxIterations: 80 },
    resumeFrom: { trainingJobId: trained.job, iteration: 60 },
  });
});

test('sweeps create follows a two-trial grid to its end, a line per change; get and ls show it', async () => {
  const { solverId } = await sdk.trainingJobs.get(trained.job);
  const run = await ecaffe(
    [
      'sweeps',
      'create',
      '--solver',
      solverId,
      '--strategy',
      'grid',
      '--param',
      'base_lr=0.001,0.01',
      '--objective',
      'accuracy',
      '--name',
      'cli-grid',
    ],
    env,
  );
  expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^sw_[0-9a-z]{26}\n$/) });
  const id = run.stdout.trim();
  expect(run.stderr).not.toContain('\x1b');
  expect(run.stderr).toContain(`sweep ${id} running: grid over base_lr; 2 trials, 2 at once; 60 iterations`);
  // `billed …` once the job's usage is recorded (when its Batch job ends, possibly after the line).
  expect(run.stderr).toMatch(/trial t1 succeeded {2}iter 60 {2}accuracy [\d.]+ {2}(billed \d+s {2})?base_lr=0\.001/);
  expect(run.stderr).toContain(`sweep ${id} succeeded`);
  expect(run.stderr).toMatch(/best trial t[12]: accuracy [\d.]+ \(maximize\) at iteration 60\n {2}base_lr=0\.0/);
  expect(run.stderr).toContain('trained 120 iterations of the 120 every trial to the end would take (100 %)');

  const got = await ecaffe(['sweeps', 'get', id], env);
  expect(got.code).toBe(0);
  expect(got.stdout.split('\n')[1]).toMatch(/^ {3}TRIAL {2}base_lr {2}STATUS +ITER {2}ACCURACY( {2}BILLED)?$/);
  expect(got.stdout).toMatch(/\n\* {2}t[12] /);
  const listed = await ecaffe(['sweeps', 'ls', '--status', 'succeeded'], env);
  expect(listed.stdout).toMatch(new RegExp(`${id} +cli-grid +succeeded +grid +2/2 +accuracy [\\d.]+ `));
});

test('admin commands need an admin profile; an admin changes capacity', async () => {
  const refused = await ecaffe(['admin', 'capacity'], env);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('this needs an admin');
  expect((await ecaffe(['--profile', 'root', 'login', '--local', '--tenant', 'root', '--admin'], env)).code).toBe(0);
  const changed = await ecaffe(
    ['--profile', 'root', '--json', 'admin', 'capacity', '--tenant', tenant, '--max-jobs', '3'],
    env,
  );
  expect(changed.code).toBe(0);
  expect(JSON.parse(changed.stdout)).toMatchObject({
    source: 'admin',
    maxConcurrentJobs: { tenants: { [tenant]: 3 } },
  });
});

test('a prototxt the service refuses prints compiler-style on stderr and exits 1', async () => {
  const bad = path.join(work, 'bad.prototxt');
  const text = tinyNet().replace('inner_product_param { num_output: 10', 'inner_product_param { num_outputs: 10');
  await writeFile(bad, text);
  const line = text.split('\n').findIndex((l) => l.includes('num_outputs')) + 1;

  const run = await ecaffe(
    ['solvers', 'create', '--dataset', trained.dataset, '--net', bad, '--solver', files.solver],
    env,
  );

  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  const [first, source, caret] = run.stderr.split('\n');
  expect(first).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')}:${line}:(\\d+): error: .*num_outputs`));
  const column = Number(/:(\d+): error/.exec(first!)![1]);
  expect(source).toBe(`  ${text.split('\n')[line - 1]}`);
  expect(caret).toBe(`  ${' '.repeat(column - 1)}^`);
});

test('a job Caffe refuses exits 3 with its reason; a usage error exits 2', async () => {
  const failed = await ecaffe(['train', trained.dataset, '--net', files.dangling, '--solver', files.solver], env);
  expect(failed.code).toBe(3);
  expect(failed.stderr).toMatch(/training job tj_\w+ failed: .*nowhere/);

  const usage = await ecaffe(['train', files.data, '--solver', files.solver], env);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toContain("required option '--net <file>' not specified");
});

describe('Ctrl-C while following', () => {
  const longJob = async () => {
    const solver = await sdk.solvers.create({
      name: 'long',
      datasetId: trained.dataset,
      solver: longSolver,
      net: tinyNet(),
    });
    return (await sdk.trainingJobs.create({ solverId: solver.id })).id;
  };

  test('in a terminal, answering y cancels the job; exit 130', async () => {
    const id = await longJob();
    const terminal = ecaffeInTerminal(['jobs', 'watch', id], env);
    await terminal.waitFor(/running +iter [1-9]/);
    terminal.type('\x03');
    await terminal.waitFor(/Cancel training job tj_\w+\? \[y\/N\]/);
    terminal.type('y\r');

    expect(await terminal.exit).toBe(130);
    expect(terminal.screen()).toContain(`training job ${id} is cancelled`);
    expect((await sdk.trainingJobs.get(id)).status).toBe('cancelled');
  });

  test('in a terminal, answering n leaves it running and says how to follow it again; exit 130', async () => {
    const terminal = ecaffeInTerminal(['train', trained.dataset, '--net', files.net, '--solver', files.long], env);
    await terminal.waitFor(/running +iter [1-9]/);
    terminal.type('\x03');
    await terminal.waitFor(/\[y\/N\]/);
    terminal.type('n\r');

    expect(await terminal.exit).toBe(130);
    const started = /training job (tj_\w+) queued/.exec(terminal.screen())![1]!;
    expect(terminal.screen()).toContain(`follow it again with: ecaffe jobs watch ${started}`);
    expect(['queued', 'starting', 'running']).toContain((await sdk.trainingJobs.get(started)).status);
    await sdk.trainingJobs.cancel(started);
  });

  test('with --json and no terminal it leaves the job running without asking; exit 130', async () => {
    const id = await longJob();
    const run = ecaffeChild(['--json', 'jobs', 'watch', id], env);
    while (!/"status":"running","attempts":1,"progress":\{"iteration":[1-9]/.test(run.output().stdout))
      await new Promise((r) => setTimeout(r, 100));
    run.child.kill('SIGINT');
    const done = await run.done;

    expect(done.code).toBe(130);
    expect(done.stderr).toContain(`interrupted; training job ${id} is still running`);
    expect(parseLines(done.stdout).every((l) => l.id === id)).toBe(true);
    expect((await sdk.trainingJobs.get(id)).status).toBe('running');
    await sdk.trainingJobs.cancel(id);
  });

  test('a reader that closes stdout (| head) stops following as Ctrl-C does, quietly; exit 141', async () => {
    const id = await longJob();
    const run = ecaffeChild(['--json', 'jobs', 'watch', id], env);
    while (!/"status":"running","attempts":1,"progress":\{"iteration":[1-9]/.test(run.output().stdout))
      await new Promise((r) => setTimeout(r, 100));
    run.child.stdout!.destroy(); // the next progress line meets a closed pipe
    const done = await run.done;

    expect(done.code).toBe(141);
    expect(done.stderr).toContain(`interrupted; training job ${id} is still running`);
    expect(done.stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect((await sdk.trainingJobs.get(id)).status).toBe('running');
    await sdk.trainingJobs.cancel(id);
  });

  test('a sweep in a terminal: its leaderboard redrawn in place; Ctrl-C leaves it; cancel, watch, rm', async () => {
    const solver = await sdk.solvers.create({
      name: 'long',
      datasetId: trained.dataset,
      solver: longSolver,
      net: tinyNet(),
    });
    const args = [
      '--solver',
      solver.id,
      '--strategy',
      'grid',
      '--param',
      'momentum=0.8,0.9',
      '--objective',
      'accuracy',
    ];
    const terminal = ecaffeInTerminal(['sweeps', 'create', ...args], env);
    // Redrawn in place (each second at least, for its clock): up over the last drawing, clear to the end of screen.
    const esc = '\x1b';
    await terminal.waitFor(new RegExp(`${esc}\\[\\d+F${esc}\\[J[^]*\\n {3}t[12] +0\\.[89] +running`));
    terminal.type('\x03');

    expect(await terminal.exit).toBe(130);
    const id = /sweep (sw_\w+) started/.exec(terminal.screen())![1]!;
    expect(terminal.screen()).toContain(`cancel it with: ecaffe sweeps cancel ${id}`);
    const cancelled = await ecaffe(['sweeps', 'cancel', id], env);
    expect(cancelled).toMatchObject({ code: 0, stderr: expect.stringContaining(`sweep ${id} cancelled`) });
    const watched = await ecaffe(['sweeps', 'watch', id], env);
    expect(watched.code).toBe(3);
    expect(watched.stderr).toContain(`sweep ${id} cancelled\nits trials: ecaffe sweeps get ${id}`);
    expect(await ecaffe(['sweeps', 'rm', id], env)).toMatchObject({ code: 0, stderr: `deleted ${id}\n` });
  });
});

test('an interrupted multipart upload resumes where it stopped: only the missing parts are sent', async () => {
  const folder = path.join(work, 'idx');
  await mkdir(folder);
  const dataDir = await ensureFashionMnist();
  for (const name of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'])
    await copyFile(path.join(dataDir, name), path.join(folder, name));
  const partBytes = 5 * 1024 * 1024;
  Object.assign(process.env, {
    ELASTIC_CAFFE_SINGLE_PUT_MAX_BYTES: String(partBytes),
    ELASTIC_CAFFE_UPLOAD_PART_BYTES: String(partBytes),
  });
  // Storage goes away after the first part: the SDK gives up (one try) and says the upload can resume.
  let parts = 0;
  const flaky: PutTransport = async (request) => {
    if (++parts > 1) throw new Error('connection reset');
    await nodePut(request);
  };
  const interrupted = new ElasticCaffe({
    endpoint: tc.cloud.url,
    auth: localTokenAuth({ endpoint: tc.cloud.url, tenant }),
    put: flaky,
  });
  const error = (await interrupted
    .upload(folder, { format: 'idx', concurrency: 1, attempts: 1 })
    .catch((e: unknown) => e)) as UploadError;
  expect(error).toBeInstanceOf(UploadError);
  expect(error.resumable).toBe(true);

  const run = await ecaffe(
    ['--json', 'datafiles', 'upload', folder, '--format', 'idx', '--resume', error.datafileId],
    env,
  );

  expect(run.code).toBe(0);
  const lines = parseLines(run.stdout);
  const uploads = lines.filter((l) => l.event === 'upload');
  expect(uploads[0]).toMatchObject({ datafileId: error.datafileId, sentBytes: partBytes });
  expect(uploads.at(-1)!.sentBytes).toBe(uploads.at(-1)!.totalBytes);
  expect(lines.at(-1)).toMatchObject({ id: error.datafileId, status: 'ready', detectedFormat: 'idx', entries: 2 });
  delete process.env.ELASTIC_CAFFE_SINGLE_PUT_MAX_BYTES;
  delete process.env.ELASTIC_CAFFE_UPLOAD_PART_BYTES;
});

test(
  'classify on a folder larger than the synchronous limit ' + 'goes through a classify job, results in input order',
  async () => {
    const classifier = await ecaffe(['--json', 'classifiers', 'create', trained.job], env);
    expect(classifier.code).toBe(0);
    const classifierId = (JSON.parse(classifier.stdout) as { id: string }).id;
    const images = path.join(work, 'to-classify');
    await writeFashionMnistFolders({ dataDir: await ensureFashionMnist(), split: 'test', count: 80, out: images });

    const run = await ecaffe(['--json', 'classify', classifierId, images, '--top', '3'], env);

    expect(run.code).toBe(0);
    const { results } = JSON.parse(run.stdout) as {
      results: Array<{ image: string; top: Array<{ label: string; probability: number }> }>;
    };
    const expected = (
      await Promise.all(
        fashionMnistFolders.map(async (folder) =>
          (await readdir(path.join(images, folder)).catch(() => [])).map((f) => path.join(images, folder, f)),
        ),
      )
    )
      .flat()
      .sort();
    expect(results.map((r) => r.image)).toEqual(expected);
    expect(results.every((r) => r.top.length === 3)).toBe(true);
    const correct = results.filter((r) => r.top[0]!.label === path.basename(path.dirname(r.image))).length;
    expect(correct / results.length).toBeGreaterThan(0.3); // chance is 0.1
    expect(
      (await sdk.classifyJobs.list()).items.some((j) => j.classifierId === classifierId && j.status === 'succeeded'),
    ).toBe(true);

    // The same images one synchronous batch at a time give the same top labels.
    const sync = await ecaffe(['--json', 'classify', classifierId, ...expected.slice(0, 10)], env);
    expect((JSON.parse(sync.stdout) as { results: typeof results }).results.map((r) => r.top[0]!.label)).toEqual(
      results.slice(0, 10).map((r) => r.top[0]!.label),
    );
  },
);
