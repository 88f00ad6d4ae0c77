import { planDataBinding } from '../../../../core/caffe/data-layers';
import { layerInState, solverStates, stateMeetsRule, type NetState } from '../../../../core/caffe/net-state';
import { rewriteForJob } from '../../../../core/caffe/rewrite';
import { validateSolverAndNet } from '../../../../core/caffe/validate';
import { getMessage, getScalar, parsePrototxt, type PMessage } from '../../../../core/prototxt';

const rule = (text: string): PMessage => parsePrototxt(text);
const state = (phase: 'TRAIN' | 'TEST', level = 0, stages: string[] = []): NetState => ({ phase, level, stages });

// The data layers of Caffe's MNIST autoencoder, as shipped (examples/mnist/mnist_autoencoder.prototxt).
const AUTOENCODER_DATA = `layer { name: "data" type: "Data" top: "data" include { phase: TRAIN }
  data_param { source: "examples/mnist/mnist_train_lmdb" batch_size: 100 backend: LMDB } }
layer { name: "data" type: "Data" top: "data" include { phase: TEST stage: "test-on-train" }
  data_param { source: "examples/mnist/mnist_train_lmdb" batch_size: 100 backend: LMDB } }
layer { name: "data" type: "Data" top: "data" include { phase: TEST stage: "test-on-test" }
  data_param { source: "examples/mnist/mnist_test_lmdb" batch_size: 100 backend: LMDB } }
layer { name: "flat" type: "Flatten" bottom: "data" top: "flat" }
`;
const AUTOENCODER_SOLVER = `net: "examples/mnist/mnist_autoencoder.prototxt"
test_state: { stage: 'test-on-train' }
test_iter: 500
test_state: { stage: 'test-on-test' }
test_iter: 100
test_interval: 500
base_lr: 0.01
lr_policy: "fixed"
max_iter: 65000
`;

describe("Caffe's net state rules (Net::StateMeetsRule, Net::FilterNet)", () => {
  test('phase, level range, stages and not_stages must all hold', () => {
    expect(stateMeetsRule(state('TEST'), rule('phase: TEST'))).toBe(true);
    expect(stateMeetsRule(state('TRAIN'), rule('phase: TEST'))).toBe(false);
    expect(stateMeetsRule(state('TEST', 2), rule('min_level: 1 max_level: 2'))).toBe(true);
    expect(stateMeetsRule(state('TEST', 0), rule('min_level: 1'))).toBe(false);
    expect(stateMeetsRule(state('TEST', 3), rule('max_level: 2'))).toBe(false);
    expect(stateMeetsRule(state('TEST', 0, ['a', 'b']), rule('stage: "a" stage: "b"'))).toBe(true);
    expect(stateMeetsRule(state('TEST', 0, ['a']), rule('stage: "a" stage: "b"'))).toBe(false);
    expect(stateMeetsRule(state('TEST', 0, ['a']), rule('not_stage: "a"'))).toBe(false);
    expect(stateMeetsRule(state('TEST', 0, []), rule('not_stage: "a"'))).toBe(true);
  });

  test('include rules: in when any is met; exclude rules: in unless one is met', () => {
    const include = rule('include { phase: TRAIN } include { stage: "x" }');
    expect([
      layerInState(include, state('TRAIN')),
      layerInState(include, state('TEST', 0, ['x'])),
      layerInState(include, state('TEST')),
    ]).toEqual([true, true, false]);
    const exclude = rule('exclude { phase: TEST stage: "x" }');
    expect([layerInState(exclude, state('TEST')), layerInState(exclude, state('TEST', 0, ['x']))]).toEqual([
      true,
      false,
    ]);
  });

  test("a solver's train_state and test_state merge onto the net's own state, one test net per test_iter", () => {
    const net = parsePrototxt('state { level: 1 stage: "net" }');
    const solver = parsePrototxt(
      'train_state { stage: "t" } test_iter: 1 test_iter: 2 test_state { level: 3 } test_state { stage: "b" }',
    );
    expect(solverStates(net, solver)).toEqual({
      train: state('TRAIN', 1, ['net', 't']),
      tests: [state('TEST', 3, ['net']), state('TEST', 1, ['net', 'b'])],
    });
    expect(solverStates(parsePrototxt(''), parsePrototxt('max_iter: 1')).tests).toEqual([]);
    expect(solverStates(parsePrototxt('')).tests).toEqual([state('TEST')]);
  });
});

describe('planDataBinding: which split each data layer reads', () => {
  const plan = (net: string, solver?: string) =>
    planDataBinding(parsePrototxt(net), solver === undefined ? undefined : parsePrototxt(solver)).map((d) => [
      d.entry.line,
      d.side,
      d.states.length,
    ]);

  test("the autoencoder's stage-selected test layers: test-on-train names the training source: training split", () => {
    expect(plan(AUTOENCODER_DATA, AUTOENCODER_SOLVER)).toEqual([
      [1, 'training', 1],
      [3, 'training', 1],
      [5, 'testing', 1],
    ]);
  });

  test('without the solver the stage layers are in no net; they are still bound (no user path survives)', () => {
    expect(plan(AUTOENCODER_DATA)).toEqual([
      [1, 'training', 1],
      [3, 'training', 0],
      [5, 'testing', 0],
    ]);
  });

  test('a TEST layer reads testing unless it names a training source; a layer in both nets reads training', () => {
    const net = `layer { type: "Data" include { phase: TRAIN } data_param { source: "a" } }
layer { type: "Data" include { phase: TEST } data_param { source: "b" } }
layer { type: "ImageData" image_data_param { source: "c" } }
layer { type: "Data" include { phase: TEST } }`;
    expect(plan(net)).toEqual([
      [1, 'training', 1],
      [2, 'testing', 1],
      [3, 'training', 2],
      [4, 'testing', 1],
    ]);
  });

  test('a train_state stage picks the training layer', () => {
    const net = `layer { type: "Data" include { phase: TRAIN stage: "big" } data_param { source: "big" } }
layer { type: "Data" include { phase: TRAIN not_stage: "big" } data_param { source: "small" } }
layer { type: "Data" include { phase: TEST } data_param { source: "small" } }`;
    const solver = 'train_state { stage: "big" } test_iter: 1 max_iter: 1';
    expect(plan(net, solver)).toEqual([
      [1, 'training', 1],
      [2, 'testing', 0],
      [3, 'testing', 1],
    ]);
  });
});

describe('stage-selected nets, validated and rewritten', () => {
  const paths = {
    net: '/job/net.prototxt',
    snapshotPrefix: '/job/snap',
    trainSource: '/data/train',
    testSource: '/data/test',
  };

  test('the autoencoder layout is accepted and every data layer is bound to the split it means', () => {
    expect(validateSolverAndNet(AUTOENCODER_SOLVER, AUTOENCODER_DATA)).toEqual([]);
    const out = rewriteForJob({ solver: AUTOENCODER_SOLVER, net: AUTOENCODER_DATA, paths, mode: 'CPU' });
    const sources = parsePrototxt(out.net)
      .fields.filter((f) => f.name === 'layer')
      .map((f) => getMessage(f.value as PMessage, 'data_param'))
      .flatMap((p) => (p ? [getScalar(p, 'source')] : []));
    expect(sources).toEqual(['/data/train', '/data/train', '/data/test']);
    expect(out.solver).toContain('test_state {\n  stage: "test-on-train"\n}');
  });

  test('a train_state that selects no data layer is refused, naming the state', () => {
    const solver = `${AUTOENCODER_SOLVER}train_state { stage: "nothing" level: 2 }\n`;
    const net = AUTOENCODER_DATA.replace('include { phase: TRAIN }', 'include { phase: TRAIN not_stage: "nothing" }');
    expect(validateSolverAndNet(solver, net)).toEqual([
      expect.objectContaining({
        field: 'net',
        line: 1,
        column: 1,
        message: expect.stringContaining(
          '(the Data layer at 1:1 is not in the training net, TRAIN (level 2, stage nothing))',
        ),
      }),
    ]);
  });

  test('test_state count other than test_iter, and include with exclude, are refused as Caffe would', () => {
    const solver = AUTOENCODER_SOLVER.replace('test_iter: 100\n', '');
    expect(validateSolverAndNet(solver, AUTOENCODER_DATA)).toEqual([
      {
        field: 'solver',
        line: 2,
        column: 1,
        message:
          'the solver has 2 test_state and 1 test_iter; Caffe builds one test net per test_iter and needs a ' +
          'test_state for each (or none)',
      },
    ]);
    const relu =
      'layer { name: "x" type: "ReLU" bottom: "flat" top: "flat"\n' +
      '  include { phase: TRAIN } exclude { stage: "a" } }\n';
    const both = `${AUTOENCODER_DATA}${relu}`;
    expect(validateSolverAndNet(AUTOENCODER_SOLVER, both).map((i) => [i.line, i.message])).toEqual([
      [9, 'a layer takes include rules or exclude rules, not both (Caffe refuses the net)'],
    ]);
  });
});
