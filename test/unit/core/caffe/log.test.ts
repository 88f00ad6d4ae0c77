import {
  CaffeProgressTracker,
  parseCaffeLine,
  parseCaffeNumber,
  parseGlogTime,
  readableFatal,
  type CaffeProgress,
} from '../../../../core/caffe/log';

const KNOWN_TYPES =
  'AbsVal, Accuracy, ArgMax, BNLL, BatchNorm, BatchReindex, Bias, Concat, ContrastiveLoss, Convolution, Crop, Data, ' +
  'Deconvolution, Dropout, DummyData, ELU, Eltwise, Embed, ' +
  'EuclideanLoss, Exp, Filter, Flatten, HDF5Data, HDF5Output, ' +
  'HingeLoss, Im2col, ImageData, InfogainLoss, InnerProduct, Input, LRN, LSTM, LSTMUnit, Log, MVN, MemoryData, ' +
  'MultinomialLogisticLoss, PReLU, Parameter, Pooling, Power, Python, RNN, ReLU, Reduction, Reshape, SPP, Scale, ' +
  'Sigmoid, SigmoidCrossEntropyLoss, Silence, Slice, Softmax, ' +
  'SoftmaxWithLoss, Split, TanH, Threshold, Tile, WindowData';

/** A Caffe 1.0 run of LeNet for 1000 iterations, trimmed but with every kind of line kept. */
const RUN =
  `I1126 13:14:10.000000  2657 caffe.cpp:218] Using GPUs 0
I1126 13:14:10.100000  2657 solver.cpp:44] Initializing solver from parameters: 
test_iter: 100
test_interval: 500
base_lr: 0.01
display: 100
max_iter: 1000
lr_policy: "inv"
net: "/w/net.prototxt"
train_state {
  level: 0
  stage: ""
}
I1126 13:14:10.200000  2657 solver.cpp:87] Creating training net from net file: /w/net.prototxt
I1126 13:14:10.300000  2657 net.cpp:51] Initializing net from parameters: 
name: "LeNet"
state {
  phase: TRAIN
}
layer {
  name: "mnist"
  type: "Data"
}
I1126 13:14:10.400000  2657 layer_factory.hpp:77] Creating layer mnist
I1126 13:14:11.000000  2657 solver.cpp:57] Solving LeNet
I1126 13:14:11.000010  2657 solver.cpp:58] Learning Rate Policy: inv
I1126 13:14:11.100000  2657 solver.cpp:330] Iteration 0, Testing net (#0)
I1126 13:14:12.000000  2657 solver.cpp:397]     Test net output #0: accuracy = 0.0816
I1126 13:14:12.000000  2657 solver.cpp:397]     Test net output #1: loss = 2.30259 (* 1 = 2.30259 loss)
I1126 13:14:12.100000  2657 solver.cpp:218] Iteration 0 (-1.4013e-45 iter/s, 1.1s/100 iters), loss = 2.33
I1126 13:14:12.100100  2657 solver.cpp:237]     Train net output #0: loss = 2.33 (* 1 = 2.33 loss)
I1126 13:14:12.100200  2657 sgd_solver.cpp:105] Iteration 0, lr = 0.01
I1126 13:14:15.210000  2657 solver.cpp:218] Iteration 100 (32.1446 iter/s, 3.11095s/100 iters), loss = 0.512
I1126 13:14:15.210100  2657 solver.cpp:237]     Train net output #0: loss = 0.512 (* 1 = 0.512 loss)
I1126 13:14:15.210200  2657 sgd_solver.cpp:105] Iteration 100, lr = 0.00992565
I1126 13:14:28.000000  2657 solver.cpp:464] Snapshotting to binary proto file /w/snap_iter_500.caffemodel
I1126 13:14:28.100000  2657 sgd_solver.cpp:273] Snapshotting solver state to binary proto file ` +
  `/w/snap_iter_500.solverstate
I1126 13:14:28.200000  2657 solver.cpp:330] Iteration 500, Testing net (#0)
I1126 13:14:29.000000  2657 solver.cpp:397]     Test net output #0: accuracy = 0.9712
I1126 13:14:29.000000  2657 solver.cpp:397]     Test net output #1: loss = 0.0871 (* 1 = 0.0871 loss)
I1126 13:14:29.100000  2657 solver.cpp:218] Iteration 500 (35.5 iter/s, 2.81690s/100 iters), loss = 0.12
I1126 13:14:29.100200  2657 sgd_solver.cpp:105] Iteration 500, lr = 0.00965
I1126 13:14:42.000000  2657 solver.cpp:218] Iteration 900 (36 iter/s, 2.77778s/100 iters), loss = 0.0521
I1126 13:14:42.000200  2657 sgd_solver.cpp:105] Iteration 900, lr = 0.00937411
I1126 13:14:45.000000  2657 solver.cpp:464] Snapshotting to binary proto file /w/snap_iter_1000.caffemodel
I1126 13:14:45.100000  2657 sgd_solver.cpp:273] Snapshotting solver state to binary proto file ` +
  `/w/snap_iter_1000.solverstate
I1126 13:14:45.200000  2657 solver.cpp:310] Iteration 1000, loss = 0.0433
I1126 13:14:45.300000  2657 solver.cpp:330] Iteration 1000, Testing net (#0)
I1126 13:14:46.000000  2657 solver.cpp:397]     Test net output #0: accuracy = 0.9876
I1126 13:14:46.000000  2657 solver.cpp:397]     Test net output #1: loss = 0.0402 (* 1 = 0.0402 loss)
I1126 13:14:46.100000  2657 solver.cpp:315] Optimization Done.
I1126 13:14:46.200000  2657 caffe.cpp:259] Optimization Done.
`;

const local = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) =>
  new Date(y, mo - 1, d, h, mi, s, ms);

function track(log: string, options: { maxIterations?: number; year?: number } = { year: 2024 }): CaffeProgress {
  const tracker = new CaffeProgressTracker(options);
  for (const line of log.split('\n')) tracker.feed(line);
  return tracker.snapshot();
}

describe('CaffeProgressTracker', () => {
  test('a whole run', () => {
    expect(track(RUN)).toEqual({
      iteration: 1000,
      maxIterations: 1000,
      loss: 0.0433,
      learningRate: 0.00937411,
      iterationsPerSecond: 36,
      testOutputs: { accuracy: 0.9876, loss: 0.0402 },
      snapshots: [
        '/w/snap_iter_500.caffemodel',
        '/w/snap_iter_500.solverstate',
        '/w/snap_iter_1000.caffemodel',
        '/w/snap_iter_1000.solverstate',
      ],
      done: true,
      stoppedEarly: false,
      firstIterationAt: local(2024, 11, 26, 13, 14, 11, 100),
      lastIterationAt: local(2024, 11, 26, 13, 14, 45, 300),
    });
  });

  test('progress part way through', () => {
    const upTo = RUN.slice(0, RUN.indexOf('I1126 13:14:28.000000'));
    expect(track(upTo)).toEqual({
      iteration: 100,
      maxIterations: 1000,
      loss: 0.512,
      learningRate: 0.00992565,
      iterationsPerSecond: 32.1446,
      testOutputs: { accuracy: 0.0816, loss: 2.30259 },
      snapshots: [],
      done: false,
      stoppedEarly: false,
      firstIterationAt: local(2024, 11, 26, 13, 14, 11, 100),
      lastIterationAt: local(2024, 11, 26, 13, 14, 15, 210),
    });
  });

  test('the caller’s maxIterations wins over the solver dump', () => {
    expect(track(RUN, { maxIterations: 5000, year: 2024 }).maxIterations).toBe(5000);
    expect(track('I1126 13:14:10.100000  2657 solver.cpp:44] Iteration 5').maxIterations).toBeUndefined();
  });

  test('max_iter is only read from the solver dump, not from later unprefixed text', () => {
    const log = 'I1126 13:14:10.300000  2657 net.cpp:51] Initializing net from parameters: \nmax_iter: 77\n';
    expect(track(log).maxIterations).toBeUndefined();
    const nested =
      'I1126 13:14:10.100000  2657 solver.cpp:44] Initializing solver from parameters: \n  max_iter: 5\nmax_iter: 9\n';
    expect(track(nested).maxIterations).toBe(9);
  });

  test('older Caffe without iter/s: the rate comes from timestamps', () => {
    const log = [
      'I0301 10:00:00.000000  1 solver.cpp:209] Iteration 0, loss = 2.3',
      'I0301 10:00:05.000000  1 solver.cpp:209] Iteration 100, loss = 0.9',
      'I0301 10:00:05.000100  1 solver.cpp:464] Iteration 100, lr = 0.01',
      'I0301 10:00:09.000000  1 solver.cpp:209] Iteration 200, loss = 0.5',
    ].join('\n');
    const p = track(log);
    expect([p.iteration, p.loss, p.learningRate, p.iterationsPerSecond]).toEqual([200, 0.5, 0.01, 25]);
  });

  test('a reported rate is never replaced by a derived one', () => {
    const log = [
      'I0301 10:00:00.000000  1 solver.cpp:218] Iteration 900 (50 iter/s, 2s/100 iters), loss = 0.1',
      'I0301 10:01:00.000000  1 solver.cpp:310] Iteration 1000, loss = 0.09',
    ].join('\n');
    expect(track(log).iterationsPerSecond).toBe(50);
  });

  test('a fatal glog line, with the known-types list shortened', () => {
    const log = [
      'I1126 13:14:19.000000  2657 layer_factory.hpp:77] Creating layer bogus',
      `F1126 13:14:19.746896  2657 layer_factory.hpp:81] Check failed: registry.count(type) == 1 (0 vs. 1) ` +
        `Unknown layer type: Bogus (known types: ${KNOWN_TYPES})`,
      '*** Check failure stack trace: ***',
      '    @     0x7f5d1c2b5daa  (unknown)',
      'F1126 13:14:19.800000  2657 other.cpp:1] Check failed: something later',
    ].join('\n');
    const p = track(log);
    expect(p.fatalError).toBe(
      'Check failed: registry.count(type) == 1 (0 vs. 1) Unknown layer type: Bogus ' +
        '(known types: AbsVal, Accuracy, ArgMax, BNLL, BatchNorm, BatchReindex, Bias, Concat, … 51 more)',
    );
    expect(p.done).toBe(false);
  });

  test('a protobuf parse error is kept over the Check failure that follows it', () => {
    const log = [
      '[libprotobuf ERROR google/protobuf/text_format.cc:298] Error parsing text-format ' +
        'caffe.NetParameter: 4:8: Message type "caffe.LayerParameter" has no field named "bogus".',
      'F1126 13:14:19.746896  2657 upgrade_proto.cpp:88] Check failed: ' +
        'ReadProtoFromTextFile(param_file, param) Failed to parse NetParameter file: /w/net.prototxt',
    ].join('\n');
    expect(track(log).fatalError).toBe(
      'Error parsing text-format caffe.NetParameter: 4:8: Message ' +
        'type "caffe.LayerParameter" has no field named "bogus".',
    );
  });

  test('libprotobuf warnings are not fatal', () => {
    const log =
      '[libprotobuf WARNING google/protobuf/io/coded_stream.cc:537] Reading dangerously large protocol message.';
    expect(track(log).fatalError).toBeUndefined();
  });

  test('stopped by SIGINT', () => {
    const log = [
      'I1126 13:14:15.210000  2657 solver.cpp:218] Iteration 300 (32 iter/s, 3.1s/100 iters), loss = 0.3',
      'I1126 13:14:16.000000  2657 solver.cpp:464] Snapshotting to binary proto file /w/snap_iter_342.caffemodel',
      'I1126 13:14:16.100000  2657 sgd_solver.cpp:273] Snapshotting ' +
        'solver state to binary proto file /w/snap_iter_342.solverstate',
      'I1126 13:14:16.200000  2657 solver.cpp:307] Optimization stopped early.',
      'I1126 13:14:16.300000  2657 caffe.cpp:259] Optimization Done.',
    ].join('\n');
    const p = track(log);
    // The snapshot says where training stopped, past the last display line.
    expect([p.iteration, p.stoppedEarly, p.done, p.snapshots]).toEqual([
      342,
      true,
      true,
      ['/w/snap_iter_342.caffemodel', '/w/snap_iter_342.solverstate'],
    ]);
  });

  test('a display interval that does not divide max_iter: the final snapshot gives the last iteration', () => {
    const log = [
      'I1126 13:14:10.000000  2657 solver.cpp:218] Iteration 0 (0 iter/s, 0.1s/100 iters), loss = 2.3',
      'I1126 13:14:11.000000  2657 solver.cpp:464] Snapshotting to binary proto file /w/snap_iter_30.caffemodel',
      'I1126 13:14:11.100000  2657 sgd_solver.cpp:273] Snapshotting solver state to binary proto file /w/s_iter_30.s',
      'I1126 13:14:11.200000  2657 solver.cpp:311] Optimization Done.',
    ].join('\n');
    expect(track(log).iteration).toBe(30);
  });

  test('several test nets (test_state): outputs of test net n > 0 are named <name>#n', () => {
    const log = [
      'I1126 13:14:10.000000  2657 solver.cpp:330] Iteration 500, Testing net (#0)',
      'I1126 13:14:10.100000  2657 solver.cpp:397]     Test net output #0: l2_error = 1.5',
      'I1126 13:14:10.200000  2657 solver.cpp:330] Iteration 500, Testing net (#1)',
      'I1126 13:14:10.300000  2657 solver.cpp:397]     Test net output #0: l2_error = 2.5',
      'I1126 13:14:10.400000  2657 solver.cpp:218] Iteration 500 (10 iter/s, 1s/100 iters), loss = 0.3',
    ].join('\n');
    expect(track(log).testOutputs).toEqual({ l2_error: 1.5, 'l2_error#1': 2.5 });
  });

  test('HDF5 snapshots and NVIDIA Caffe’s extra fields', () => {
    const log = [
      'I0101 00:00:01.000000  7 solver.cpp:300] Iteration 20 ' +
        '(4.34834 iter/s, 4.59945s/20 iter), 0.1/90ep, loss = 6.90777',
      'I0101 00:00:01.100000  7 sgd_solver.cpp:172] Iteration 20, lr = 0.1, m = 0.9, lrm = 0.01, wd = 1e-05, gs = 1',
      'I0101 00:00:02.000000  7 solver.cpp:600] Snapshotting to HDF5 file /w/s_iter_20.caffemodel.h5',
      'I0101 00:00:02.100000  7 sgd_solver.cpp:300] Snapshotting solver state to HDF5 file /w/s_iter_20.solverstate.h5',
      'I0101 00:00:03.000000  7 solver.cpp:500]     Test net output #0: top-5 = 0.25',
    ].join('\n');
    const p = track(log);
    expect([p.iteration, p.iterationsPerSecond, p.loss, p.learningRate, p.snapshots, p.testOutputs]).toEqual([
      20,
      4.34834,
      6.90777,
      0.1,
      ['/w/s_iter_20.caffemodel.h5', '/w/s_iter_20.solverstate.h5'],
      { 'top-5': 0.25 },
    ]);
  });

  test('nan loss is kept; an inf rate is not a rate', () => {
    const p = track(
      'I1126 13:14:15.210000  2657 solver.cpp:218] Iteration 300 (inf iter/s, 0s/100 iters), loss = -nan',
    );
    expect(p.iterationsPerSecond).toBeUndefined();
    expect(p.loss).toBeNaN();
  });

  test('the bogus rate Caffe prints at iteration 0 is ignored', () => {
    const line =
      'I1126 13:27:54.769977 21085 solver.cpp:239] Iteration 0 (-1.03291e+14 iter/s, 0.315s/50 iters), loss = 2.53607';
    const p = track(line);
    expect([p.iteration, p.loss, p.iterationsPerSecond]).toEqual([0, 2.53607, undefined]);
  });

  test('abbreviated or re-prefixed lines still count; times are then unknown', () => {
    const log =
      'I1126 ... solver.cpp:310] Iteration 1000, loss = 0.31\r\n  I1126 ... solver.cpp:315] Optimization Done.';
    const p = track(log);
    expect([p.iteration, p.loss, p.done, p.firstIterationAt, p.lastIterationAt]).toEqual([
      1000,
      0.31,
      true,
      undefined,
      undefined,
    ]);
  });

  test('a chunk of several lines is split', () => {
    const tracker = new CaffeProgressTracker();
    tracker.feed(
      'I1126 13:14:15.210000  2657 solver.cpp:218] Iteration 100, loss = 1\nI1126 ' +
        '13:14:16.210000  2657 solver.cpp:218] Iteration 200, loss = 0.5\n',
    );
    expect(tracker.snapshot()).toMatchObject({ iteration: 200, loss: 0.5 });
  });

  test('garbage changes nothing and never throws', () => {
    const tracker = new CaffeProgressTracker();
    const garbage = [
      '',
      '\0\0\xff',
      ']]]]',
      'I',
      'I1126',
      'Iteration 5, loss = 1',
      'F',
      'Fxxxx] boom',
      '[libprotobuf',
      'I9999 99:99:99.999999 1 x.cpp:1] Iteration',
      'x'.repeat(1_000_000),
      `I1126 ${'('.repeat(100_000)}`,
      'I1126 13:14:15.210000  2657 solver.cpp:218] Iteration abc, loss = 1',
      'I1126 13:14:15.210000  2657 solver.cpp:218] Snapshotting to',
      'W1126 13:14:15.210000  2657 x.cpp:1] Test net output #0: accuracy = not-a-number',
    ];
    for (const g of garbage) tracker.feed(g);
    tracker.feed(undefined as unknown as string);
    expect(tracker.snapshot()).toEqual({
      iteration: 0,
      testOutputs: {},
      snapshots: [],
      done: false,
      stoppedEarly: false,
    });
  });

  test('snapshot() returns a copy', () => {
    const tracker = new CaffeProgressTracker();
    tracker.feed('I1126 13:14:29.000000  2657 solver.cpp:397]     Test net output #0: accuracy = 0.5');
    const first = tracker.snapshot();
    first.testOutputs.accuracy = 1;
    first.snapshots.push('x');
    expect(tracker.snapshot()).toMatchObject({ testOutputs: { accuracy: 0.5 }, snapshots: [] });
  });

  test('with an explicit year, a run across New Year moves into the next year', () => {
    const log = [
      'I1231 23:59:59.500000  1 solver.cpp:218] Iteration 100 (1 iter/s, 1s/1 iters), loss = 1',
      'I0101 00:00:00.500000  1 solver.cpp:218] Iteration 101 (1 iter/s, 1s/1 iters), loss = 1',
    ].join('\n');
    const p = track(log, { year: 2024 });
    expect([p.firstIterationAt, p.lastIterationAt]).toEqual([
      local(2024, 12, 31, 23, 59, 59, 500),
      local(2025, 1, 1, 0, 0, 0, 500),
    ]);
  });
});

describe('parseGlogTime', () => {
  afterEach(() => jest.useRealTimers());

  test('reads month, day, time and microseconds as local time', () => {
    expect(parseGlogTime('I1126 13:14:19.746896  2657 solver.cpp:218] x', 2023)).toEqual(
      local(2023, 11, 26, 13, 14, 19, 746),
    );
    expect(parseGlogTime('F0229 00:00:00.000999  1 x.cpp:1] x', 2024)).toEqual(local(2024, 2, 29, 0, 0, 0, 0));
    expect(parseGlogTime('E0102 03:04:05  1 x.cpp:1] no fraction', 2024)).toEqual(local(2024, 1, 2, 3, 4, 5, 0));
  });

  test('undefined for lines that are not glog or carry impossible dates', () => {
    expect(parseGlogTime('hello', 2024)).toBeUndefined();
    expect(parseGlogTime('[libprotobuf ERROR x.cc:1] y', 2024)).toBeUndefined();
    expect(parseGlogTime('I0229 00:00:00.000000  1 x.cpp:1] x', 2023)).toBeUndefined();
    expect(parseGlogTime('I1332 00:00:00.000000  1 x.cpp:1] x', 2023)).toBeUndefined();
    expect(parseGlogTime('I1126 25:00:00.000000  1 x.cpp:1] x', 2023)).toBeUndefined();
  });

  test('without a year: this year, unless that is more than a day ahead', () => {
    jest.useFakeTimers({ now: local(2025, 1, 1, 0, 5, 0, 0) });
    expect(parseGlogTime('I1231 23:59:00.000000  1 x.cpp:1] x')).toEqual(local(2024, 12, 31, 23, 59, 0, 0));
    expect(parseGlogTime('I0101 00:04:00.000000  1 x.cpp:1] x')).toEqual(local(2025, 1, 1, 0, 4, 0, 0));
    expect(parseGlogTime('I0101 12:00:00.000000  1 x.cpp:1] x')).toEqual(local(2025, 1, 1, 12, 0, 0, 0));
  });
});

describe('line parsing', () => {
  test('parseCaffeLine events', () => {
    const testing = 'I1126 13:14:22.101010  2657 solver.cpp:330] Iteration 500, Testing net (#0)';
    expect(parseCaffeLine(testing)).toEqual({ type: 'iteration', iteration: 500, testNet: 0 });
    expect(
      parseCaffeLine(
        'I1126 13:14:19.746990  2657 solver.cpp:237]     Train net output #0: loss = 0.512 (* 1 = 0.512 loss)',
      ),
    ).toBeUndefined();
    expect(parseCaffeLine('I1126 13:14:19.000000  2657 solver.cpp:57] Solving LeNet')).toBeUndefined();
    expect(parseCaffeLine('Iteration 100, loss = 1')).toBeUndefined();
  });

  test('parseCaffeNumber', () => {
    expect([
      parseCaffeNumber('1e-05'),
      parseCaffeNumber('-inf'),
      parseCaffeNumber('inf'),
      parseCaffeNumber('+3'),
    ]).toEqual([1e-5, -Infinity, Infinity, 3]);
    expect(parseCaffeNumber('-nan')).toBeNaN();
  });

  test('readableFatal keeps short lists and caps length', () => {
    expect(readableFatal(' Unknown layer type: X (known types: A, B) ')).toBe(
      'Unknown layer type: X (known types: A, B)',
    );
    expect(readableFatal(`Unknown layer type: X (known types: ${KNOWN_TYPES.slice(0, 200)}`)).toMatch(
      /\(known types: AbsVal, .*, Concat, … \d+ more\)$/,
    );
    expect(readableFatal('x'.repeat(5000))).toHaveLength(1001);
  });
});
