import { NetRewriteError, rewriteForJob, SolverRewriteError, type RewriteInput } from '../../../../core/caffe/rewrite';
import { CaffeInputError, TRAIN_DATA_MISSING } from '../../../../core/caffe/validate';
import {
  getAll,
  getField,
  getMessage,
  getScalar,
  isMessage,
  parsePrototxt,
  type PMessage,
} from '../../../../core/prototxt';

const LENET_SOLVER = `# The train/test net protocol buffer definition
net: "examples/mnist/lenet_train_test.prototxt"
test_iter: 100
test_interval: 500
base_lr: 0.01
momentum: 0.9
weight_decay: 0.0005
lr_policy: "inv"
gamma: 0.0001
power: 0.75
display: 100
max_iter: 10000
snapshot: 5000
snapshot_prefix: "examples/mnist/lenet"
solver_mode: GPU
`;

// The data layers of Caffe's LeNet as shipped, then a shortened rest of the net.
const LENET_NET = `name: "LeNet"
layer {
  name: "mnist"
  type: "Data"
  top: "data"
  top: "label"
  include {
    phase: TRAIN
  }
  transform_param {
    scale: 0.00390625
    mean_value: 33
  }
  data_param {
    source: "examples/mnist/mnist_train_lmdb"
    batch_size: 64
    backend: LEVELDB
  }
}
layer {
  name: "mnist"
  type: "Data"
  top: "data"
  top: "label"
  include {
    phase: TEST
  }
  transform_param {
    scale: 0.00390625
  }
  data_param {
    source: "examples/mnist/mnist_test_lmdb"
    batch_size: 100
    backend: LMDB
  }
}
layer {
  name: "ip"
  type: "InnerProduct"
  bottom: "data"
  top: "ip"
  inner_product_param { num_output: 10 weight_filler { type: "xavier" } }
}
layer {
  name: "accuracy"
  type: "Accuracy"
  bottom: "ip"
  bottom: "label"
  top: "accuracy"
  include { phase: TEST }
}
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
`;

const PATHS = {
  net: '/job/net.prototxt',
  snapshotPrefix: '/job/snapshots/snap',
  trainSource: '/data/train_lmdb',
  testSource: '/data/test_lmdb',
};

const input = (over: Partial<RewriteInput> = {}): RewriteInput => ({
  solver: LENET_SOLVER,
  net: LENET_NET,
  paths: PATHS,
  mode: 'CPU',
  ...over,
});

/** The tree without positions. */
function shape(msg: PMessage): unknown[] {
  return msg.fields.map((f) => [f.name, isMessage(f.value) ? shape(f.value) : f.value]);
}

const layers = (net: string, kind = 'layer') => getAll(parsePrototxt(net), kind).map((f) => f.value as PMessage);
const dataParam = (layer: PMessage | undefined) =>
  shape(getMessage(layer ?? { fields: [] }, 'data_param') ?? { fields: [] });

function thrown(run: () => unknown): CaffeInputError {
  try {
    run();
  } catch (err) {
    if (err instanceof CaffeInputError) return err;
    throw err;
  }
  throw new Error('expected a throw');
}

describe('rewriteForJob: net', () => {
  test('binds the TRAIN and TEST Data layers to the job LMDBs and keeps everything else', () => {
    const out = rewriteForJob(input());
    const [train, test, ...rest] = layers(out.net);
    expect(dataParam(train)).toEqual([
      ['source', { kind: 'string', text: '/data/train_lmdb' }],
      ['batch_size', { kind: 'number', text: '64' }],
      ['backend', { kind: 'identifier', text: 'LMDB' }],
    ]);
    expect(dataParam(test)).toEqual([
      ['source', { kind: 'string', text: '/data/test_lmdb' }],
      ['batch_size', { kind: 'number', text: '100' }],
      ['backend', { kind: 'identifier', text: 'LMDB' }],
    ]);
    // transform_param is untouched.
    expect(getScalar(getMessage(train as PMessage, 'transform_param') as PMessage, 'mean_value')).toBe('33');
    // Apart from data_param, the net is exactly what was submitted.
    const withoutDataParams = (net: string) =>
      layers(net).map((l) => shape({ fields: l.fields.filter((f) => f.name !== 'data_param') }));
    expect(withoutDataParams(out.net)).toEqual(withoutDataParams(LENET_NET));
    expect(rest.map((l) => getScalar(l, 'name'))).toEqual(['ip', 'accuracy', 'loss']);
    expect(getScalar(parsePrototxt(out.net), 'name')).toBe('LeNet');
  });

  test('binds backend LEVELDB when the dataset kept its LevelDBs, whatever the net said', () => {
    const out = rewriteForJob(input({ paths: { ...PATHS, dataBackend: 'LEVELDB' } }));
    const backends = layers(out.net)
      .slice(0, 2)
      .map((layer) => getScalar(getMessage(layer, 'data_param') as PMessage, 'backend'));
    expect(backends).toEqual(['LEVELDB', 'LEVELDB']);
  });

  test('creates data_param when absent; a Data layer in both phases gets the training data', () => {
    const out = rewriteForJob(
      input({ net: 'layer { name: "d" type: "Data" top: "data" }\nlayer { name: "l" type: "Loss" }' }),
    );
    expect(out.net).toBe(
      'layer {\n  name: "d"\n  type: "Data"\n  top: "data"\n  data_param ' +
        '{\n    source: "/data/train_lmdb"\n    backend: LMDB\n  }\n}\n' +
        'layer {\n  name: "l"\n  type: "Loss"\n}\n',
    );
  });

  test('exclude rules decide the phase too; layers in no net of the run are bound as well (testing split)', () => {
    const net = [
      'layer { name: "a" type: "Data" exclude { phase: TRAIN } }',
      'layer { name: "b" type: "Data" exclude { phase: TEST } }',
      'layer { name: "c" type: "Data" include { stage: "deploy" } data_param { source: "keep" } }',
    ].join('\n');
    const [a, b, c] = layers(rewriteForJob(input({ net })).net);
    expect([a, b, c].map((l) => getScalar(getMessage(l as PMessage, 'data_param') as PMessage, 'source'))).toEqual([
      '/data/test_lmdb',
      '/data/train_lmdb',
      '/data/test_lmdb',
    ]);
  });

  test('V1 nets: layers with type DATA', () => {
    const net =
      `name: "old"
layers { name: "mnist" type: DATA top: "data" data_param { source: "a" backend: LEVELDB batch_size: 64 } ` +
      `include: { phase: TRAIN } }
layers { name: "mnist" type: DATA top: "data" data_param { source: "b" batch_size: 100 } include: { phase: TEST } }
layers { name: "conv1" type: CONVOLUTION bottom: "data" top: "conv1" blobs_lr: 1 }
`;
    const [train, test, conv] = layers(rewriteForJob(input({ net })).net, 'layers');
    expect(dataParam(train)).toEqual([
      ['source', { kind: 'string', text: '/data/train_lmdb' }],
      ['backend', { kind: 'identifier', text: 'LMDB' }],
      ['batch_size', { kind: 'number', text: '64' }],
    ]);
    expect(dataParam(test)).toEqual([
      ['source', { kind: 'string', text: '/data/test_lmdb' }],
      ['batch_size', { kind: 'number', text: '100' }],
      ['backend', { kind: 'identifier', text: 'LMDB' }],
    ]);
    expect(getScalar(conv as PMessage, 'type')).toBe('CONVOLUTION');
  });

  test('no Data layer for TRAIN is a NetRewriteError', () => {
    const testOnly = LENET_NET.replace('phase: TRAIN', 'phase: TEST');
    const err = thrown(() => rewriteForJob(input({ net: testOnly })));
    expect(err).toBeInstanceOf(NetRewriteError);
    expect([err.field, err.line, err.column, err.name]).toEqual(['net', 1, 1, 'NetRewriteError']);
    expect(err.message).toBe(
      `net 1:1: ${TRAIN_DATA_MISSING} (the Data layer at 2:1 is not in the training net, TRAIN)`,
    );
    expect(thrown(() => rewriteForJob(input({ net: 'layer { type: "Input" }' }))).message).toBe(
      `net 1:1: ${TRAIN_DATA_MISSING}`,
    );
  });

  test('a syntax error in the net is a NetRewriteError at its position', () => {
    const err = thrown(() => rewriteForJob(input({ net: 'layer {\n  type: "Data"\n  name "x"\n}' })));
    expect(err).toBeInstanceOf(NetRewriteError);
    expect([err.line, err.column, err.message]).toEqual([3, 8, 'net 3:8: expected ":" or "{" after field name "name"']);
  });
});

describe('rewriteForJob: solver', () => {
  test('LeNet solver: points at the job files, keeps the rest in order', () => {
    const out = rewriteForJob(input());
    expect(out.maxIterations).toBe(10000);
    expect(out.solver).toBe(`net: "/job/net.prototxt"
test_iter: 100
test_interval: 500
base_lr: 0.01
momentum: 0.9
weight_decay: 0.0005
lr_policy: "inv"
gamma: 0.0001
power: 0.75
display: 100
max_iter: 10000
snapshot: 5000
snapshot_prefix: "/job/snapshots/snap"
solver_mode: CPU
`);
  });

  test('every other file naming the net is replaced by the job net', () => {
    const solver = `train_net: "a"\ntest_net: "b"\ntest_net: "c"\nnet: "d"\nmax_iter: 5\n`;
    const out = rewriteForJob(input({ solver, mode: 'GPU' }));
    expect(shape(parsePrototxt(out.solver))).toEqual([
      ['net', { kind: 'string', text: '/job/net.prototxt' }],
      ['max_iter', { kind: 'number', text: '5' }],
      ['snapshot_prefix', { kind: 'string', text: '/job/snapshots/snap' }],
      ['solver_mode', { kind: 'identifier', text: 'GPU' }],
    ]);
    expect(out.maxIterations).toBe(5);
  });

  test('refuses what validation refuses, for texts that never went through it', () => {
    const inline = thrown(() => rewriteForJob(input({ solver: 'max_iter: 5\nnet_param { name: "x" }\n' })));
    expect(inline).toBeInstanceOf(SolverRewriteError);
    expect([inline.line, inline.column]).toEqual([2, 1]);
    const hostile =
      `${LENET_NET}layer { name: "out" type: "HDF5Output" bottom: "ip" ` +
      `hdf5_output_param { file_name: "/tmp/pwned.h5" } }\n`;
    const err = thrown(() => rewriteForJob(input({ net: hostile })));
    expect(err).toBeInstanceOf(NetRewriteError);
    expect(err.message).toMatch(/HDF5Output layers write files on the worker/);
  });

  test("snapshot_format HDF5 is dropped: snapshots are the service's, in Caffe's binary format", () => {
    const out = rewriteForJob(input({ solver: `${LENET_SOLVER}snapshot_format: HDF5\n` }));
    expect(out.solver).not.toContain('snapshot_format');
  });

  test('store_blobs_in_old_format only when asked (BVLC Caffe 1.0 rejects the field)', () => {
    const asked = parsePrototxt(rewriteForJob(input({ storeBlobsInOldFormat: true, mode: 'GPU' })).solver);
    expect(getField(asked, 'store_blobs_in_old_format')?.value).toEqual({ kind: 'identifier', text: 'true' });
    const userSet = `${LENET_SOLVER}store_blobs_in_old_format: true\n`;
    expect(
      getField(parsePrototxt(rewriteForJob(input({ solver: userSet })).solver), 'store_blobs_in_old_format'),
    ).toBeUndefined();
    expect(
      getField(
        parsePrototxt(rewriteForJob(input({ storeBlobsInOldFormat: false })).solver),
        'store_blobs_in_old_format',
      ),
    ).toBeUndefined();
  });

  test('snapshotIntervalDefault applies only when the solver sets no snapshot', () => {
    const noSnapshot = LENET_SOLVER.replace('snapshot: 5000\n', '');
    const snapshotOf = (solver: string, snapshotIntervalDefault?: number) =>
      getAll(parsePrototxt(rewriteForJob(input({ solver, snapshotIntervalDefault })).solver), 'snapshot').map(
        (f) => f.value,
      );
    expect(snapshotOf(noSnapshot, 2500)).toEqual([{ kind: 'number', text: '2500' }]);
    expect(snapshotOf(noSnapshot)).toEqual([]);
    expect(snapshotOf(LENET_SOLVER, 2500)).toEqual([{ kind: 'number', text: '5000' }]);
    expect(snapshotOf(LENET_SOLVER.replace('snapshot: 5000', 'snapshot: 0'), 2500)).toEqual([
      { kind: 'number', text: '0' },
    ]);
    expect(() => rewriteForJob(input({ solver: noSnapshot, snapshotIntervalDefault: 1.5 }))).toThrow(RangeError);
  });

  test(
    "snapshotInterval reports the solver's own interval (0 for " +
      'none), which decides whether the worker snapshots by time',
    () => {
      const intervalOf = (solver: string) => rewriteForJob(input({ solver })).snapshotInterval;
      expect(intervalOf(LENET_SOLVER)).toBe(5000);
      expect(intervalOf(LENET_SOLVER.replace('snapshot: 5000\n', ''))).toBe(0);
      expect(intervalOf(LENET_SOLVER.replace('snapshot: 5000', 'snapshot: 0'))).toBe(0);
      // protobuf's text format: the last value of a singular field wins.
      expect(intervalOf(`${LENET_SOLVER}snapshot: 200\n`)).toBe(200);
    },
  );

  test('device_id, snapshot_after_train and unknown fields are kept', () => {
    const solver = 'max_iter: 7\ndevice_id: 1\nsnapshot_after_train: false\nsome_future_field { x: 1 }\n';
    expect(shape(parsePrototxt(rewriteForJob(input({ solver })).solver)).slice(0, 5)).toEqual([
      ['net', { kind: 'string', text: '/job/net.prototxt' }],
      ['max_iter', { kind: 'number', text: '7' }],
      ['device_id', { kind: 'number', text: '1' }],
      ['snapshot_after_train', { kind: 'identifier', text: 'false' }],
      ['some_future_field', [['x', { kind: 'number', text: '1' }]]],
    ]);
  });

  test('max_iter missing or invalid is a SolverRewriteError', () => {
    const missing = thrown(() => rewriteForJob(input({ solver: 'base_lr: 0.1' })));
    expect(missing).toBeInstanceOf(SolverRewriteError);
    expect([missing.field, missing.line, missing.column, missing.name]).toEqual(['solver', 1, 1, 'SolverRewriteError']);
    expect(missing.message).toBe('solver 1:1: the solver must set max_iter (how many iterations to train)');
    const negative = thrown(() => rewriteForJob(input({ solver: 'base_lr: 0.1\n  max_iter: -3' })));
    expect(negative.message).toBe('solver 2:3: max_iter must be a positive integer, got "-3"');
    const fractional = thrown(() => rewriteForJob(input({ solver: 'max_iter: 2.5' })));
    expect(fractional.message).toBe('solver 1:1: max_iter must be a positive integer, got "2.5"');
  });

  test('a syntax error in the solver is a SolverRewriteError', () => {
    const err = thrown(() => rewriteForJob(input({ solver: 'max_iter: 5\nnet: "unterminated' })));
    expect(err).toBeInstanceOf(SolverRewriteError);
    expect(err.message).toBe('solver 2:6: unterminated string');
  });

  test('paths are escaped, so no path can inject fields', () => {
    const nasty = {
      net: '/j/n"et\\x.prototxt',
      snapshotPrefix: '/j/s\n}\nevil: 1',
      trainSource: "/d/tr'ain",
      testSource: '/d/té st',
    };
    const out = rewriteForJob(input({ paths: nasty }));
    const solver = parsePrototxt(out.solver);
    expect([getScalar(solver, 'net'), getScalar(solver, 'snapshot_prefix'), getField(solver, 'evil')]).toEqual([
      nasty.net,
      nasty.snapshotPrefix,
      undefined,
    ]);
    const [train, test] = layers(out.net);
    expect(getScalar(getMessage(train as PMessage, 'data_param') as PMessage, 'source')).toBe(nasty.trainSource);
    expect(getScalar(getMessage(test as PMessage, 'data_param') as PMessage, 'source')).toBe(nasty.testSource);
  });
});
