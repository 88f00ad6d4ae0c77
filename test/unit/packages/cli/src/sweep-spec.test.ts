/** `ecaffe sweeps create`'s flags → the POST /v1/sweeps body: the --param syntax and its usage errors. */
import { CliError } from '../../../../../packages/cli/src/cli';
import { parseObjective, parseParam, parseParams, sweepBody } from '../../../../../packages/cli/src/sweep-spec';

/** The usage error a call throws: its exit code and message. */
function refusal(call: () => unknown): { exitCode: number; message: string } {
  try {
    call();
  } catch (error) {
    if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
    throw error;
  }
  throw new Error('no error');
}

describe('parseParam', () => {
  test.each([
    ['momentum=0.8,0.9,0.95', 'momentum', { values: [0.8, 0.9, 0.95] }],
    ['base_lr=0.01', 'base_lr', { values: [0.01] }],
    ['solver_type=SGD,Adam', 'solver_type', { values: ['SGD', 'Adam'] }],
    ['layer[data].transform_param.mirror=true,false', 'layer[data].transform_param.mirror', { values: [true, false] }],
    ['weight_decay=0.0001..0.01', 'weight_decay', { uniform: [0.0001, 0.01] }],
    ['weight_decay=uniform:1e-4..1e-2', 'weight_decay', { uniform: [0.0001, 0.01] }],
    ['base_lr=log:0.001..0.1', 'base_lr', { logUniform: [0.001, 0.1] }],
    [
      'layer[conv1].convolution_param.num_output=int:10..50',
      'layer[conv1].convolution_param.num_output',
      { intUniform: [10, 50] },
    ],
    ['delta=-1..1', 'delta', { uniform: [-1, 1] }],
    [' gamma = 0.1 , 0.5 ', 'gamma', { values: [0.1, 0.5] }],
  ])('%s', (text, name, spec) => {
    expect(parseParam(text)).toEqual([name, spec]);
  });

  test.each([
    ['base_lr', /--param base_lr: expected NAME=SPEC/],
    ['=0.1,0.2', /no name before =/],
    ['base_lr=', /base_lr has nothing after =/],
    ['base_lr=log:0..0.1', /base_lr: a log-uniform range needs LO > 0/],
    ['base_lr=0.1..0.01', /base_lr: LO must be below HI/],
    ['base_lr=0.1..x', /base_lr: a range is LO\.\.HI with two numbers/],
    ['base_lr=1..2..3', /base_lr: a range is LO\.\.HI/],
    ['layer[conv1].convolution_param.num_output=int:1.5..9', /num_output: int: takes whole numbers/],
    ['base_lr=log:0.1', /base_lr: log: takes a range LO\.\.HI/],
    ['momentum=0.9,,0.95', /momentum: an empty value in the list/],
  ])('%s is a usage error naming the parameter', (text, message) => {
    const { exitCode, message: said } = refusal(() => parseParam(text));
    expect(exitCode).toBe(2);
    expect(said).toMatch(message);
  });

  test('a parameter given twice is a usage error', () => {
    expect(refusal(() => parseParams(['base_lr=0.1', 'base_lr=0.2']))).toEqual({
      exitCode: 2,
      message: '--param base_lr=0.2: base_lr is given twice',
    });
  });
});

test('objectives: the goal after a colon; without one a loss is minimized and anything else maximized', () => {
  expect(parseObjective('accuracy')).toEqual({ output: 'accuracy', goal: 'maximize' });
  expect(parseObjective('accuracy:min')).toEqual({ output: 'accuracy', goal: 'minimize' });
  expect(parseObjective('loss')).toEqual({ output: 'loss', goal: 'minimize' });
  expect(parseObjective('loss:max')).toEqual({ output: 'loss', goal: 'maximize' });
  expect(refusal(() => parseObjective('accuracy:best')).exitCode).toBe(2);
});

describe('sweepBody', () => {
  test('flags make the whole body', () => {
    expect(
      sweepBody({
        solver: 'sv_1',
        param: ['base_lr=log:0.001..0.1', 'momentum=0.9,0.95'],
        strategy: 'asha',
        maxTrials: 9,
        maxParallel: 3,
        objective: 'accuracy',
        minIterations: 100,
        seed: 7,
        cpu: true,
      }),
    ).toEqual({
      name: 'asha-sweep',
      solverId: 'sv_1',
      parameters: { base_lr: { logUniform: [0.001, 0.1] }, momentum: { values: [0.9, 0.95] } },
      strategy: 'asha',
      objective: { output: 'accuracy', goal: 'maximize' },
      asha: { minIterations: 100 },
      maxTrials: 9,
      maxParallel: 3,
      seed: 7,
      resources: { type: 'CPU' },
    });
  });

  test('--gpus gives every trial job that many GPUs', () => {
    const flags = { solver: 'sv_1', param: ['base_lr=0.01,0.1'], strategy: 'grid' as const, objective: 'accuracy' };
    expect(sweepBody({ ...flags, gpus: '4' }).resources).toEqual({ type: 'GPU', count: 4 });
    expect(sweepBody(flags).resources).toBeUndefined();
  });

  test('a spec file is the base: flags override its fields, a --param replaces that parameter only', () => {
    const body = sweepBody(
      { param: ['base_lr=0.01,0.1'], strategy: 'grid', name: 'mine' },
      {
        name: 'theirs',
        solverId: 'sv_1',
        strategy: 'asha',
        asha: { minIterations: 50, reductionFactor: 2 },
        maxTrials: 4,
        parameters: { base_lr: { logUniform: [0.001, 0.1] }, momentum: { values: [0.9] } },
        objective: { output: 'loss', goal: 'minimize' },
      },
    );
    expect(body).toEqual({
      name: 'mine',
      solverId: 'sv_1',
      strategy: 'grid',
      maxTrials: 4,
      parameters: { base_lr: { values: [0.01, 0.1] }, momentum: { values: [0.9] } },
      objective: { output: 'loss', goal: 'minimize' },
    });
  });

  test('what is missing, and ASHA flags without ASHA, are usage errors', () => {
    expect(refusal(() => sweepBody({ param: ['base_lr=0.1'] }))).toEqual({
      exitCode: 2,
      message: 'missing --solver, --strategy, --objective (as flags, or in --spec)',
    });
    const base = { solver: 'sv_1', param: ['base_lr=0.1'], objective: 'accuracy' };
    expect(refusal(() => sweepBody({ ...base, strategy: 'grid', minIterations: 10 })).message).toBe(
      '--min-iterations and --reduction-factor are for --strategy asha',
    );
    expect(refusal(() => sweepBody({ ...base, strategy: 'asha', maxTrials: 3 })).message).toBe(
      '--strategy asha needs --min-iterations (the first rung)',
    );
  });
});
