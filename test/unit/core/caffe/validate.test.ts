import {
  CaffeInputError,
  findDataLayers,
  parseProtoInt,
  summarizeSolver,
  TRAIN_DATA_MISSING,
  validateSolverAndNet,
} from '../../../../core/caffe/validate';
import { parsePrototxt } from '../../../../core/prototxt';

const SOLVER = `net: "ignored.prototxt"
test_iter: 100
test_interval: 500
base_lr: 0.01
lr_policy: "inv"
gamma: 0.0001
power: 0.75
display: 100
max_iter: 10000
snapshot: 5000
solver_mode: GPU
`;

const NET = `name: "LeNet"
layer {
  name: "mnist"
  type: "Data"
  top: "data"
  top: "label"
  include { phase: TRAIN }
  data_param { source: "x" batch_size: 64 backend: LMDB }
}
layer {
  name: "mnist"
  type: "Data"
  top: "data"
  top: "label"
  include { phase: TEST }
  data_param { source: "y" batch_size: 100 backend: LMDB }
}
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" inner_product_param { num_output: 10 } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
`;

const solverWith = (replace: string, by: string) => {
  if (!SOLVER.includes(replace)) throw new Error(`fixture lacks ${replace}`);
  return SOLVER.replace(replace, by);
};

describe('validateSolverAndNet', () => {
  test('a runnable LeNet solver and net have no issues', () => {
    expect(validateSolverAndNet(SOLVER, NET)).toEqual([]);
  });

  test('syntax errors in either text, each located in its own text', () => {
    expect(validateSolverAndNet('base_lr 0.01\n', 'layer {\n  name: "x\n}')).toEqual([
      { field: 'solver', line: 1, column: 9, message: 'expected ":" or "{" after field name "base_lr"' },
      { field: 'net', line: 2, column: 9, message: 'unterminated string' },
    ]);
  });

  test('a syntax error in one text does not hide problems in the other', () => {
    expect(validateSolverAndNet(SOLVER, 'layer { name: "ip" type: "InnerProduct" }\n}')).toEqual([
      { field: 'net', line: 2, column: 1, message: 'unexpected "}"' },
    ]);
    expect(validateSolverAndNet('}', 'name: "empty"')).toEqual([
      { field: 'solver', line: 1, column: 1, message: 'unexpected "}"' },
      { field: 'net', line: 1, column: 1, message: TRAIN_DATA_MISSING },
    ]);
  });

  test('max_iter missing points at 1:1', () => {
    expect(validateSolverAndNet(solverWith('max_iter: 10000\n', ''), NET)).toEqual([
      { field: 'solver', line: 1, column: 1, message: 'the solver must set max_iter (how many iterations to train)' },
    ]);
  });

  test.each([
    ['-5', 'max_iter must be a positive integer, got "-5"'],
    ['0', 'max_iter must be a positive integer, got "0"'],
    ['1e4', 'max_iter must be a positive integer, got "1e4"'],
    ['100.0', 'max_iter must be a positive integer, got "100.0"'],
    ['"100"', 'max_iter must be a positive integer, got the string "100"'],
    ['FOREVER', 'max_iter must be a positive integer, got "FOREVER"'],
    ['{ x: 1 }', 'max_iter must be a positive integer, got a message'],
    ['2147483648', 'max_iter must be a positive integer, got "2147483648"'],
  ])('max_iter: %s is pointed at', (value, message) => {
    expect(validateSolverAndNet(solverWith('max_iter: 10000', `max_iter: ${value}`), NET)).toEqual([
      { field: 'solver', line: 9, column: 1, message },
    ]);
  });

  test('max_iter given twice', () => {
    expect(validateSolverAndNet(`${SOLVER}  max_iter: 5\n`, NET)).toEqual([
      { field: 'solver', line: 12, column: 3, message: 'max_iter is set more than once (first at 9:1)' },
    ]);
  });

  test('max_iter accepts hex and octal as protobuf does', () => {
    expect(validateSolverAndNet(solverWith('max_iter: 10000', 'max_iter: 0x10'), NET)).toEqual([]);
  });

  test('lr_policy missing, unknown, or step without stepsize', () => {
    const known = '"fixed", "step", "exp", "inv", "multistep", "poly", "sigmoid"';
    expect(validateSolverAndNet(solverWith('lr_policy: "inv"\n', ''), NET)).toEqual([
      {
        field: 'solver',
        line: 1,
        column: 1,
        message: `the solver must set lr_policy (one of ${known}); Caffe has no default`,
      },
    ]);
    expect(validateSolverAndNet(solverWith('lr_policy: "inv"', 'lr_policy: "stpe"'), NET)).toEqual([
      { field: 'solver', line: 5, column: 1, message: `lr_policy must be one of ${known}, got the string "stpe"` },
    ]);
    expect(validateSolverAndNet(solverWith('lr_policy: "inv"', 'lr_policy: inv'), NET)).toEqual([
      { field: 'solver', line: 5, column: 1, message: 'lr_policy is a string: write lr_policy: "inv"' },
    ]);
    const stepsize = 'lr_policy "step" needs a positive stepsize (iterations between rate drops)';
    expect(validateSolverAndNet(solverWith('lr_policy: "inv"', 'lr_policy: "step" stepsize: "100"'), NET)).toEqual([
      { field: 'solver', line: 5, column: 19, message: stepsize },
    ]);
    expect(validateSolverAndNet(solverWith('lr_policy: "inv"', 'lr_policy: "step"'), NET)).toEqual([
      {
        field: 'solver',
        line: 5,
        column: 1,
        message: 'lr_policy "step" needs stepsize (its formula uses gamma, stepsize)',
      },
    ]);
    expect(validateSolverAndNet(solverWith('lr_policy: "inv"', 'lr_policy: "step" stepsize: 0'), NET)).toEqual([
      { field: 'solver', line: 5, column: 19, message: stepsize },
    ]);
    expect(validateSolverAndNet(solverWith('lr_policy: "inv"', 'lr_policy: "step" stepsize: 3000'), NET)).toEqual([]);
  });

  // Each policy with exactly the parameters its formula reads is runnable; without any one it is not.
  const policies: Array<[string, string[]]> = [
    ['fixed', []],
    ['step', ['gamma: 0.1', 'stepsize: 100']],
    ['exp', ['gamma: 0.99']],
    ['inv', ['gamma: 0.0001', 'power: 0.75']],
    ['multistep', ['gamma: 0.1', 'stepvalue: 100']],
    ['poly', ['power: 2']],
    ['sigmoid', ['gamma: -0.01', 'stepsize: 500']],
  ];
  test.each(policies)('lr_policy "%s" with its parameters is valid, and each one is required', (policy, params) => {
    const solver = (lines: string[]) =>
      ['base_lr: 0.01', `lr_policy: "${policy}"`, ...lines, 'max_iter: 100'].join('\n');
    expect(validateSolverAndNet(solver(params), NET)).toEqual([]);
    for (const left of params) {
      const name = left.split(':')[0];
      const issues = validateSolverAndNet(solver(params.filter((p) => p !== left)), NET);
      expect(issues).toEqual([
        expect.objectContaining({
          field: 'solver',
          line: 2,
          column: 1,
          message: expect.stringContaining(`needs ${name}`),
        }),
      ]);
    }
  });

  test('multistep stepvalues must increase; AdaGrad takes no momentum', () => {
    const multistep = 'lr_policy: "multistep"\ngamma: 0.1\nstepvalue: 200\nstepvalue: 100\nmax_iter: 300';
    expect(validateSolverAndNet(multistep, NET)).toEqual([
      {
        field: 'solver',
        line: 4,
        column: 1,
        message: 'stepvalue entries must be positive and increasing (the iterations where the rate drops)',
      },
    ]);
    expect(validateSolverAndNet(`${SOLVER}type: "AdaGrad"\nmomentum: 0.9\n`, NET)).toEqual([
      { field: 'solver', line: 13, column: 1, message: 'AdaGrad does not use momentum; remove it or set it to 0' },
    ]);
  });

  test('solver type: new string, old enum, not both, nothing unknown', () => {
    expect(validateSolverAndNet(`${SOLVER}type: "Adam"\n`, NET)).toEqual([]);
    expect(validateSolverAndNet(`${SOLVER}solver_type: NESTEROV\n`, NET)).toEqual([]);
    expect(validateSolverAndNet(`${SOLVER}type: "Adam"\nsolver_type: ADAM\n`, NET)).toEqual([
      { field: 'solver', line: 13, column: 1, message: 'set either type or the older solver_type, not both' },
    ]);
    expect(validateSolverAndNet(`${SOLVER}type: "adam"\n`, NET)).toEqual([
      {
        field: 'solver',
        line: 12,
        column: 1,
        message:
          'type must be one of "SGD", "Nesterov", "AdaGrad", "RMSProp", "AdaDelta", "Adam", got the string "adam"',
      },
    ]);
    expect(validateSolverAndNet(`${SOLVER}type: Adam\n`, NET)).toEqual([
      { field: 'solver', line: 12, column: 1, message: 'type is a string: write type: "Adam"' },
    ]);
    expect(validateSolverAndNet(`${SOLVER}solver_type: LBFGS\n`, NET)).toEqual([
      {
        field: 'solver',
        line: 12,
        column: 1,
        message: 'solver_type must be one of SGD, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM, got "LBFGS"',
      },
    ]);
    expect(validateSolverAndNet(`${SOLVER}solver_type: "SGD"\n`, NET)).toEqual([
      {
        field: 'solver',
        line: 12,
        column: 1,
        message: 'solver_type must be one of SGD, NESTEROV, ADAGRAD, RMSPROP, ADADELTA, ADAM, got the string "SGD"',
      },
    ]);
  });

  test('several solver problems are all reported, in source order', () => {
    expect(
      validateSolverAndNet('base_lr: 0.1\nmax_iter: -1\ntype: "X"', NET).map((i) => [
        i.line,
        i.column,
        i.message.slice(0, 22),
      ]),
    ).toEqual([
      [1, 1, 'the solver must set lr'],
      [2, 1, 'max_iter must be a pos'],
      [3, 1, 'type must be one of "S'],
    ]);
  });

  test('the net needs a Data or ImageData layer in TRAIN', () => {
    const testOnly = NET.replace('include { phase: TRAIN }', 'include { phase: TEST }');
    const issue = (hint = '') => ({ field: 'net', line: 1, column: 1, message: TRAIN_DATA_MISSING + hint });
    const notInTraining = (at: string, kind = 'Data') =>
      issue(` (the ${kind} layer at ${at} is not in the training net, TRAIN)`);
    expect(validateSolverAndNet(SOLVER, testOnly)).toEqual([notInTraining('2:1')]);
    expect(validateSolverAndNet(SOLVER, 'layer { name: "d" type: "ImageData" include { phase: TEST } }')).toEqual([
      notInTraining('1:1', 'ImageData'),
    ]);
    expect(validateSolverAndNet(SOLVER, '')).toEqual([issue()]);
    expect(TRAIN_DATA_MISSING).toBe(
      'the net has no Data or ImageData layer for the TRAIN phase; Elastic ' +
        'Caffe binds the dataset to it (Data: its LMDB, ImageData: its images)',
    );
  });

  test('an ImageData layer in TRAIN makes the net bindable', () => {
    expect(
      validateSolverAndNet(
        SOLVER,
        'layer { name: "d" type: "ImageData" image_data_param { batch_size: 4 shuffle: true } }',
      ),
    ).toEqual([]);
    expect(validateSolverAndNet(SOLVER, NET.replace('type: "Data"', 'type: "ImageData"'))).toEqual([]);
  });

  test('a Data layer without rules, or excluded only from TEST, is in TRAIN', () => {
    expect(validateSolverAndNet(SOLVER, 'layer { name: "d" type: "Data" }')).toEqual([]);
    expect(validateSolverAndNet(SOLVER, 'layer { name: "d" type: "Data" exclude { phase: TEST } }')).toEqual([]);
  });

  test('V1 nets: layers with type DATA', () => {
    expect(validateSolverAndNet(SOLVER, 'layers { name: "d" type: DATA include: { phase: TRAIN } }')).toEqual([]);
    expect(validateSolverAndNet(SOLVER, 'layers { name: "d" type: DATA include { phase: TEST } }')).toEqual([
      {
        field: 'net',
        line: 1,
        column: 1,
        message: `${TRAIN_DATA_MISSING} (the Data layer at 1:1 is not in the training net, TRAIN)`,
      },
    ]);
  });

  test('mixing V1 and current layers is refused', () => {
    expect(validateSolverAndNet(SOLVER, `${NET}layers { name: "old" type: RELU }\n`)).toEqual([
      {
        field: 'net',
        line: 20,
        column: 1,
        message: 'the net mixes "layers" (V1 format, first at 20:1) and "layer" (first at 2:1); use one',
      },
    ]);
  });
});

describe('findDataLayers', () => {
  const phases = (net: string) => findDataLayers(parsePrototxt(net)).map((d) => [d.entry.line, d.phases]);
  const kinds = (net: string) => findDataLayers(parsePrototxt(net)).map((d) => d.kind);

  test('finds Data and ImageData layers in both formats, and only those', () => {
    const net = [
      'layer { type: "ImageData" }',
      'layers { type: IMAGE_DATA }',
      'layer { type: "Data" }',
      'layers { type: DATA }',
      'layer { type: "HDF5Data" }',
      'layers { type: "ImageData" }',
    ];
    expect(kinds(net.join('\n'))).toEqual(['ImageData', 'ImageData', 'Data', 'Data']);
  });

  test('follows Caffe include/exclude rules for the default net state', () => {
    const net = [
      'layer { type: "Data" }',
      'layer { type: "Data" include { phase: TRAIN } }',
      'layer { type: "Data" include { phase: TEST } include { phase: TRAIN } }',
      'layer { type: "Data" exclude { phase: TRAIN } }',
      'layer { type: "Data" include { phase: TRAIN stage: "deploy" } }',
      'layer { type: "Data" exclude { stage: "deploy" } }',
      'layer { type: "Data" include { min_level: 1 } }',
      'layer { type: "Data" include { max_level: 0 phase: TEST } }',
      'layer { type: "Data" include { not_stage: "x" } }',
      'layer { type: "ImageData" }',
      'layers { type: DATA }',
      'layers { type: "Data" }',
    ].join('\n');
    expect(phases(net)).toEqual([
      [1, { train: true, test: true }],
      [2, { train: true, test: false }],
      [3, { train: true, test: true }],
      [4, { train: false, test: true }],
      [5, { train: false, test: false }],
      [6, { train: true, test: true }],
      [7, { train: false, test: false }],
      [8, { train: false, test: true }],
      [9, { train: true, test: true }],
      [10, { train: true, test: true }],
      [11, { train: true, test: true }],
    ]);
  });
});

describe('summarizeSolver', () => {
  test('the LeNet solver', () => {
    expect(summarizeSolver(SOLVER)).toEqual({
      maxIterations: 10000,
      type: 'SGD',
      testInterval: 500,
      snapshot: 5000,
      display: 100,
    });
  });

  test('type from the string field or the old enum; optional fields left out', () => {
    expect(summarizeSolver('max_iter: 5 type: "Adam"')).toEqual({ maxIterations: 5, type: 'Adam' });
    expect(summarizeSolver('max_iter: 5 solver_type: ADADELTA')).toEqual({ maxIterations: 5, type: 'AdaDelta' });
    expect(summarizeSolver('max_iter: 5 solver_type: RMSPROP display: 0 snapshot: "9"')).toEqual({
      maxIterations: 5,
      type: 'RMSProp',
      display: 0,
    });
  });

  test('throws CaffeInputError with the position for syntax errors and a bad max_iter', () => {
    const thrown = (text: string) => {
      try {
        summarizeSolver(text);
      } catch (err) {
        if (err instanceof CaffeInputError) return [err.field, err.line, err.column, err.reason, err.message];
        throw err;
      }
      throw new Error('expected a throw');
    };
    expect(thrown('display: 1\nmax_iter: -2')).toEqual([
      'solver',
      2,
      1,
      'max_iter must be a positive integer, got "-2"',
      'solver 2:1: max_iter must be a positive integer, got "-2"',
    ]);
    expect(thrown('a {')).toEqual([
      'solver',
      1,
      4,
      'unexpected end of input: 1 unclosed "{" opened at 1:3',
      'solver 1:4: unexpected end of input: 1 unclosed "{" opened at 1:3',
    ]);
  });
});

describe('parseProtoInt', () => {
  test('protobuf integer spellings', () => {
    expect(['10', '-7', '0', '0x1F', '017', '08', '1.0', '1e3', '', ' 1', 'abc'].map(parseProtoInt)).toEqual([
      10,
      -7,
      0,
      31,
      15,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
