/**
 * `ecaffe sweeps create` and `watch` against a fake client: the body sent, the sweep followed to its
 * end (lines without a terminal, JSON lines with --json, a leaderboard redrawn in place on one), the
 * exit codes of the end, Ctrl-C leaving the sweep running, and a bad --param refused before anything is sent.
 */
import { Cli, CliError, type Client } from '../../../../../../packages/cli/src/cli';
import { create, trial as showTrial, watch } from '../../../../../../packages/cli/src/commands/sweeps';
import { sweepPolling } from '../../../../../../packages/cli/src/follow';
import type { SweepView } from '../../../../../../packages/cli/src/leaderboard';
import { main } from '../../../../../../packages/cli/src/main';
import { ashaSweep, conv, trial } from '../sweep-fixture';

/** A stream that keeps what is written; `tty` makes it a terminal of 100×30. */
function capture(tty = false) {
  const stream = {
    text: '',
    isTTY: tty,
    columns: 100,
    rows: 30,
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream;
}

/** The sweep as the API shows it poll after poll (the last view repeats). */
function fakeClient(views: SweepView[], calls: { created?: unknown; cancelled?: string } = {}) {
  let poll = 0;
  const sweeps = {
    create: async (body: unknown) => {
      calls.created = body;
      return views[0]!;
    },
    get: async () => views[Math.min(++poll, views.length - 1)]!,
    cancel: async (id: string) => {
      calls.cancelled = id;
      return views.at(-1)!;
    },
  };
  return { client: { sweeps } as unknown as Client, calls, polls: () => poll };
}

class FakeCli extends Cli {
  readonly out = capture();
  readonly err: ReturnType<typeof capture>;
  constructor(
    private readonly fake: Client,
    options: { json?: boolean; tty?: boolean } = {},
  ) {
    const err = capture(options.tty);
    const out = capture();
    super(
      options.json ? { json: true } : {},
      {},
      out as unknown as NodeJS.WriteStream,
      err as unknown as NodeJS.WriteStream,
    );
    this.out = out;
    this.err = err;
  }
  override get client(): Client {
    return this.fake;
  }
}

/** A grid sweep's life: started with two pending trials, one running, both done with a best. */
const started = ashaSweep({
  strategy: 'grid',
  rungs: [300],
  asha: undefined,
  parameters: { base_lr: { values: [0.01, 0.1] } },
  trials: [trial('t1', { parameters: { base_lr: 0.01 } }), trial('t2', { parameters: { base_lr: 0.1 } })],
  best: undefined,
  iterations: { trained: 0, everyTrialToTheEnd: 600 },
});
const running = {
  ...started,
  trials: [{ ...started.trials[0]!, status: 'running' as const, jobIds: ['tj_1'] }, started.trials[1]!],
};
const ended = (status: SweepView['status']): SweepView => ({
  ...started,
  status,
  trials: [
    { ...started.trials[0]!, status: 'succeeded', iteration: 300, objective: 0.8, objectives: [0.8], jobIds: ['tj_1'] },
    { ...started.trials[1]!, status: 'failed', iteration: 120, objectives: [], jobIds: ['tj_2'], error: 'NaN' },
  ],
  best: { trialId: 't1', objective: 0.8, parameters: { base_lr: 0.01 } },
  iterations: { trained: 420, everyTrialToTheEnd: 600 },
});
const flags = {
  solver: 'sv_1',
  param: ['base_lr=0.01,0.1'],
  strategy: 'grid' as const,
  objective: 'accuracy',
  follow: true,
};

let polling: typeof sweepPolling;
beforeEach(() => {
  polling = { ...sweepPolling };
  // The fake answers at once; waiting between its polls would only slow the test.
  Object.assign(sweepPolling, { firstMs: 1, maxMs: 1 });
});
afterEach(() => Object.assign(sweepPolling, polling));

test('create sends the body, follows with a line per change, and ends with the best trial and the id', async () => {
  const { client, calls } = fakeClient([started, running, running, ended('succeeded')]);
  const cli = new FakeCli(client);
  await create(cli, [], flags);
  expect(calls.created).toEqual({
    name: 'grid-sweep',
    solverId: 'sv_1',
    parameters: { base_lr: { values: [0.01, 0.1] } },
    strategy: 'grid',
    objective: { output: 'accuracy', goal: 'maximize' },
  });
  expect(cli.err.text.split('\n')).toEqual([
    'sweep sw_1 started (Ctrl-C to stop following; the sweep goes on)',
    'sweep sw_1 running: grid over base_lr; 2 trials, 2 at once; 300 iterations',
    'trial t1 pending  iter 0  base_lr=0.01',
    'trial t2 pending  iter 0  base_lr=0.1',
    'trial t1 running  iter 0  base_lr=0.01',
    'trial t1 succeeded  iter 300  accuracy 0.8  base_lr=0.01',
    'trial t2 failed  iter 120  base_lr=0.1  — NaN',
    'best t1: accuracy 0.8  base_lr=0.01',
    'sweep sw_1 succeeded',
    'best trial t1: accuracy 0.8 (maximize) at iteration 300',
    '  base_lr=0.01',
    '  its model: ecaffe jobs download tj_1',
    'trained 420 iterations of the 600 every trial to the end would take (70 %)',
    '',
  ]);
  expect(cli.err.text).not.toContain('\x1b');
  expect(cli.out.text).toBe('sw_1\n');
});

test('with --json stdout holds the sweep at each change and the final one last', async () => {
  const { client } = fakeClient([started, running, ended('succeeded')]);
  const cli = new FakeCli(client, { json: true });
  await create(cli, [], flags);
  const lines = cli.out.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SweepView);
  expect(lines.map((s) => s.status)).toEqual(['running', 'running', 'succeeded']);
  expect(lines.at(-1)!.best?.trialId).toBe('t1');
  expect(cli.err.text).toBe('');
});

test('on a terminal the leaderboard is redrawn in place over its last drawing', async () => {
  const { client } = fakeClient([started, running, ended('succeeded')]);
  const cli = new FakeCli(client, { tty: true });
  await watch(cli, ['sw_1']);
  const drawings = cli.err.text.split('\x1b[J');
  // Each drawing after the first moves up over the one before (ESC [ n F): headline, table, footer.
  expect(drawings.length).toBeGreaterThanOrEqual(3);
  expect(drawings[1]).toMatch(/^sweep sw_1 "lr" grid running/);
  expect(drawings.slice(1, -1).every((d) => d.replace(/\[\d+F$/, '').endsWith('\x1b'))).toBe(true);
  const last = drawings.at(-1)!;
  expect(last).toMatch(/\n\* {2}t1 {5}0\.01 {5}succeeded {5}300 {3}0\.8\n/);
  expect(last).toContain('best trial t1: accuracy 0.8 (maximize) at iteration 300');
});

test.each([
  ['failed', 3],
  ['cancelled', 3],
] as const)('a sweep that ends %s still shows its best, then exits %d', async (status, code) => {
  const { client } = fakeClient([running, ended(status)]);
  const cli = new FakeCli(client);
  const error = await watch(cli, ['sw_1']).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  expect(error).toMatchObject({
    exitCode: code,
    message: `sweep sw_1 ${status}`,
    hint: 'its trials: ecaffe sweeps get sw_1',
  });
  expect(cli.err.text).toContain('best trial t1: accuracy 0.8');
  expect(cli.out.text).toBe('');
});

test('Ctrl-C stops following and leaves the sweep running: exit 130, saying how to cancel it', async () => {
  const { client, calls, polls } = fakeClient([running]);
  const cli = new FakeCli(client);
  const listeners = process.listenerCount('SIGINT');
  const following = watch(cli, ['sw_1']).catch((e: unknown) => e);
  while (polls() < 2) await new Promise((resolve) => setImmediate(resolve));
  process.emit('SIGINT');
  const error = await following;
  expect(error).toMatchObject({
    exitCode: 130,
    message: 'stopped following; sweep sw_1 goes on',
    hint: 'follow it again with: ecaffe sweeps watch sw_1\ncancel it with: ecaffe sweeps cancel sw_1',
  });
  expect(calls.cancelled).toBeUndefined();
  expect(process.listenerCount('SIGINT')).toBe(listeners);
});

describe('a bad --param', () => {
  let stderr: string;
  beforeEach(() => {
    stderr = '';
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
  });

  test('exits 2 naming the parameter, before anything is sent', async () => {
    // Port 9 answers nothing: reaching the API would fail with exit 1, not 2.
    const base = ['node', 'ecaffe', '--endpoint', 'http://127.0.0.1:9', 'sweeps', 'create', '--solver', 'sv_1'];
    await main([...base, '--strategy', 'asha', '--objective', 'accuracy', '--param', `${conv}=int:8..x`]);
    expect(process.exitCode).toBe(2);
    expect(stderr).toContain(`--param ${conv}=int:8..x: ${conv}: a range is LO..HI with two numbers`);
    expect(stderr).toContain('see ecaffe sweeps create --help for the syntax');
  });
});

test('trial shows its jobs on stderr and its curve across them as a table on stdout', async () => {
  const view = {
    ...ended('succeeded').trials[0]!,
    sweepId: 'sw_1',
    jobs: [
      { id: 'tj_1', status: 'succeeded', iteration: 100 },
      { id: 'tj_2', status: 'succeeded', iteration: 300, resumeFrom: { trainingJobId: 'tj_1', iteration: 100 } },
    ],
    metrics: {
      train: [
        { iteration: 0, loss: 2.3, learningRate: 0.01 },
        { iteration: 100, loss: 1.1, learningRate: 0.01 },
        { iteration: 300, loss: 0.5, learningRate: 0.01 },
      ],
      test: [{ iteration: 300, outputs: { accuracy: 0.8 } }],
    },
  };
  const asked: string[] = [];
  const client = {
    sweeps: {
      trial: async (id: string, trialId: string) => {
        asked.push(`${id}/${trialId}`);
        return view;
      },
    },
  } as unknown as Client;
  const cli = new FakeCli(client);
  await showTrial(cli, ['sw_1', 't1']);
  expect(asked).toEqual(['sw_1/t1']);
  expect(cli.err.text).toContain('trial t1 of sw_1 succeeded: base_lr=0.01');
  expect(cli.err.text).toContain('jobs: tj_1 succeeded → tj_2 succeeded (from iteration 100)');
  const rows = cli.out.text.trim().split('\n');
  expect(rows[0]).toMatch(/^ITERATION +LOSS +LR +TEST ACCURACY$/);
  expect(rows.slice(1).map((r) => r.split(/ +/)[0])).toEqual(['0', '100', '300']);
  expect(rows.at(-1)).toMatch(/^300 +0\.5 +0\.01 +0\.8$/);

  const json = new FakeCli(client, { json: true });
  await showTrial(json, ['sw_1', 't1']);
  expect(JSON.parse(json.out.text)).toEqual(view);
});
