/**
 * The CLI's pieces that need no API: docs/CLI.md matches the command definitions, usage errors
 * exit 2, a closed stdout stops the output quietly, refused prototxt prints compiler-style, the
 * completion script completes in a real bash, and the job status line says what a user needs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ApiError, type TrainingJob } from '@elastic-caffe/sdk';
import { bashCompletion, zshCompletion } from '../../../../../packages/cli/src/completion';
import { withMaxIter } from '../../../../../packages/cli/src/commands/jobs';
import { main } from '../../../../../packages/cli/src/main';
import { describeRefusal, table } from '../../../../../packages/cli/src/output';
import { buildProgram } from '../../../../../packages/cli/src/program';
import { jobStatus } from '../../../../../packages/cli/src/progress';
import { cliDocsPath, cliDocsText } from '../../../../../scripts/gen-cli-docs';
import { buildCli, ecaffeBin } from '../../../../support/ecaffe';

const program = () => buildProgram(() => async () => undefined);

test('docs/CLI.md is what the command definitions generate (run `npm run docs:cli`)', () => {
  expect({ file: 'docs/CLI.md', upToDate: readFileSync(cliDocsPath, 'utf8') === cliDocsText() }).toEqual({
    file: 'docs/CLI.md',
    upToDate: true,
  });
});

describe('exit codes of usage errors', () => {
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

  test.each([
    [['train', 'data'], /required option '--net <file>' not specified/],
    [['jobs', 'resume', 'tj_1'], /required option '--max-iter <n>'/],
    [['train', 'data', '--net', 'n', '--solver', 's', '--split', '2'], /a fraction between 0 and 1/],
    [['completion', 'fish'], /Allowed choices are bash, zsh/],
    [['train', 'data', '--net', 'n', '--solver', 's', '--gpus', '3'], /Allowed choices are 1, 2, 4, 8/],
    [['train', 'data', '--net', 'n', '--solver', 's', '--gpus', '4', '--cpu'], /'--gpus <n>' cannot be used with/],
    [['jobs', 'frobnicate'], /unknown command 'frobnicate'/],
    [['sweeps', 'create', '--strategy', 'bayes'], /Allowed choices are grid, random, asha/],
    [['sweeps', 'create', '--solver', 'sv_1', '--max-trials', 'many'], /--max-trials must be a whole number/],
  ])('ecaffe %j exits 2 and says why', async (args, message) => {
    await main(['node', 'ecaffe', ...args]);
    expect(process.exitCode).toBe(2);
    expect(stderr).toMatch(message);
  });

  test('a DATA path that does not exist is a usage error too, before anything is sent', async () => {
    await main([
      'node',
      'ecaffe',
      '--endpoint',
      'http://127.0.0.1:9',
      'train',
      '/nonexistent/folder',
      '--net',
      'n',
      '--solver',
      's',
    ]);
    expect(process.exitCode).toBe(2);
    expect(stderr).toContain('DATA /nonexistent/folder: no such file or folder');
  });
});

test('a refused prototxt prints as file:line:column with the source line and a caret', () => {
  const net = 'name: "x"\nlayer {\n  bogus: 1\n}\n';
  const error = new ApiError(
    400,
    {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      detail: 'net: 3:3: no field',
      errors: [
        { field: 'net', line: 3, column: 3, message: 'Message type "caffe.LayerParameter" has no field named "bogus"' },
        { field: 'solver', message: 'base_lr is required' },
      ],
    },
    'POST',
    '/v1/solvers',
  );
  const text = describeRefusal(
    error,
    new Map([
      ['net', { path: 'nets/lenet.prototxt', text: net }],
      ['solver', { path: 'solver.prototxt', text: '' }],
    ]),
  );
  expect(text).toBe(
    [
      'nets/lenet.prototxt:3:3: error: Message type "caffe.LayerParameter" has no field named "bogus"',
      '    bogus: 1',
      '    ^',
      'solver.prototxt: error: base_lr is required',
    ].join('\n'),
  );
});

test('a problem without a detail (a gateway\'s own 401) prints its title alone, not "undefined"', () => {
  const bare = new ApiError(401, { title: 'Unauthorized', status: 401 }, 'GET', '/v1/datafiles');
  expect(bare.summary).toBe('Unauthorized');
  expect(bare.message).toBe('GET /v1/datafiles answered 401 — Unauthorized');
  expect(describeRefusal(bare, new Map())).toBe('error: Unauthorized');
  const full = new ApiError(404, { title: 'Not found', status: 404, detail: 'no datafile df_x' }, 'GET', '/v1/x');
  expect(describeRefusal(full, new Map())).toBe('error: Not found: no datafile df_x');
});

test('a reader that closes stdout (`ecaffe … | head`) ends the command quietly with 141, as SIGPIPE does', async () => {
  buildCli();
  const child = spawn(process.execPath, [ecaffeBin, 'completion', 'bash'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy(); // before the CLI has started, so its first write meets a closed pipe
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect({ code, stderr }).toEqual({ code: 141, stderr: '' });
});

describe('completion', () => {
  /** What bash's completion offers for the words typed so far. */
  const complete = (words: string[]) =>
    execFileSync(
      'bash',
      [
        '-c',
        `${bashCompletion(program())}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); ` +
          `COMP_CWORD=${words.length - 1}; _ecaffe; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n');

  test('bash completes commands, subcommands and options', () => {
    expect(complete(['ecaffe', 'tr'])).toEqual(['train']);
    expect(complete(['ecaffe', 'jobs', 'l'])).toEqual(['ls', 'logs']);
    expect(complete(['ecaffe', 'train', 'data', '--n'])).toEqual(['--net', '--name', '--no-follow']);
    expect(complete(['ecaffe', '--json', 'jobs', 're'])).toEqual(['resume']);
    expect(complete(['ecaffe', 'sw'])).toEqual(['sweeps']);
    expect(complete(['ecaffe', 'sweeps', 'c'])).toEqual(['create', 'cancel']);
    expect(complete(['ecaffe', 'sweeps', 'create', '--max-'])).toEqual(['--max-trials', '--max-parallel']);
  });

  test('zsh loads the same completion through bashcompinit', () => {
    const zsh = zshCompletion(program());
    expect(zsh).toContain('autoload -U +X bashcompinit && bashcompinit');
    expect(zsh).toContain('complete -F _ecaffe ecaffe');
  });
});

test('jobs resume sets max_iter in a copy of the solver, or adds it', () => {
  expect(withMaxIter('base_lr: 0.01\nmax_iter: 1000\nmomentum: 0.9\n', 2500)).toBe(
    'base_lr: 0.01\nmax_iter: 2500\nmomentum: 0.9\n',
  );
  expect(withMaxIter('base_lr: 0.01\n', 10)).toBe('base_lr: 0.01\nmax_iter: 10\n');
});

test('the live status line shows iteration, loss, learning rate, test outputs, speed, ETA, attempt and resumes', () => {
  const job = {
    id: 'tj_1',
    status: 'running',
    attempts: 2,
    createdAt: '',
    updatedAt: '',
    solverId: 's',
    datasetId: 'd',
    progress: {
      iteration: 450,
      maxIterations: 1000,
      loss: 0.28123,
      learningRate: 0.0097,
      iterationsPerSecond: 31.84,
      etaSeconds: 17,
      testOutputs: { accuracy: 0.82, loss: 0.49 },
    },
    resumes: [{ iteration: 400, attempt: 2, at: '' }],
  } as TrainingJob;
  expect(jobStatus(job)).toBe(
    'running    iter 450/1000  loss 0.2812  lr 0.0097  test accuracy 0.82 loss ' +
      '0.49  31.8 it/s  ETA 17s  attempt 2  resumed ×1 (last from iter 400)',
  );
});

test('tables pad every column but the last', () => {
  expect(
    table(
      ['ID', 'STATUS'],
      [
        ['tj_1', 'running'],
        ['tj_22', 'ok'],
      ],
    ),
  ).toBe('ID     STATUS\ntj_1   running\ntj_22  ok');
});
