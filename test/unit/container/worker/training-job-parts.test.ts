/** Pure parts of training jobs: metrics from a Caffe log, log Range parsing, solver-state rewriting. */
import { collectMetrics } from '../../../../core/caffe/metrics';
import { parseRangeHeader } from '../../../../core/usecases/training-job-logs';
import { checkProtobufMessage, learnedNetOf, withLearnedNet } from '../../../../container/worker/solver-state';

const LOG = `I1126 13:14:11.100000  2657 solver.cpp:330] Iteration 0, Testing net (#0)
I1126 13:14:12.000000  2657 solver.cpp:397]     Test net output #0: accuracy = 0.0816
I1126 13:14:12.000000  2657 solver.cpp:397]     Test net output #1: loss = 2.30259 (* 1 = 2.30259 loss)
I1126 13:14:12.100000  2657 solver.cpp:218] Iteration 0 (-1.4013e-45 iter/s, 1.1s/100 iters), loss = 2.33
I1126 13:14:12.100100  2657 solver.cpp:237]     Train net output #0: loss = 2.33 (* 1 = 2.33 loss)
I1126 13:14:12.100200  2657 sgd_solver.cpp:105] Iteration 0, lr = 0.01
I1126 13:14:15.210000  2657 solver.cpp:218] Iteration 100 (32.1446 iter/s, 3.11095s/100 iters), loss = 0.512
I1126 13:14:15.210200  2657 sgd_solver.cpp:105] Iteration 100, lr = 0.00992565
I1126 13:14:45.200000  2657 solver.cpp:310] Iteration 200, loss = 0.0433
I1126 13:14:45.300000  2657 solver.cpp:330] Iteration 200, Testing net (#0)
I1126 13:14:46.000000  2657 solver.cpp:397]     Test net output #0: accuracy = 0.9876
I1126 13:14:46.000000  2657 solver.cpp:397]     Test net output #1: loss = 0.0402 (* 1 = 0.0402 loss)
I1126 13:14:46.100000  2657 solver.cpp:315] Optimization Done.
`;

describe('metrics from a Caffe log', () => {
  it(
    'has one train point per display step with its learning rate, ' +
      'and one test point per test interval with every output',
    async () => {
      const metrics = await collectMetrics(LOG.split('\n'), 2024);
      expect(metrics.train.map(({ at, ...point }) => point)).toEqual([
        { iteration: 0, loss: 2.33, learningRate: 0.01 },
        { iteration: 100, loss: 0.512, learningRate: 0.00992565 },
        { iteration: 200, loss: 0.0433 },
      ]);
      expect(metrics.train[1]!.at).toBe(new Date(2024, 10, 26, 13, 14, 15, 210).toISOString());
      expect(metrics.test.map(({ at, ...point }) => point)).toEqual([
        { iteration: 0, outputs: { accuracy: 0.0816, loss: 2.30259 } },
        { iteration: 200, outputs: { accuracy: 0.9876, loss: 0.0402 } },
      ]);
    },
  );

  it('several test nets at one iteration make one point; test net n > 0 names its outputs <name>#n', async () => {
    const log = LOG.replace(
      'I1126 13:14:12.100000  2657 solver.cpp:218] Iteration 0 (',
      `I1126 13:14:12.050000  2657 solver.cpp:330] Iteration 0, Testing net (#1)
I1126 13:14:12.060000  2657 solver.cpp:397]     Test net output #0: accuracy = 0.5
I1126 13:14:12.100000  2657 solver.cpp:218] Iteration 0 (`,
    );
    const metrics = await collectMetrics(log.split('\n'), 2024);
    expect(metrics.test.map((point) => point.outputs)).toEqual([
      { accuracy: 0.0816, loss: 2.30259, 'accuracy#1': 0.5 },
      { accuracy: 0.9876, loss: 0.0402 },
    ]);
  });

  it('an empty log has no points', async () => {
    expect(await collectMetrics([])).toEqual({ train: [], test: [] });
  });
});

describe('log Range header', () => {
  it.each([
    ['bytes=10-', { start: 10 }],
    ['bytes=10-19', { start: 10, end: 19 }],
    ['bytes=-500', { suffix: 500 }],
  ])('%s', (header, range) => expect(parseRangeHeader(header)).toEqual(range));

  it.each(['bytes=1-2,5-6', 'items=1-', 'bytes=-', 'bytes=9-3'])('%s → 400', (header) => {
    expect(() => parseRangeHeader(header)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

describe('solver state learned_net rewrite', () => {
  // iter = 100 (field 1 varint), learned_net = "/old/x.caffemodel" (field 2), history (field 3, bytes),
  // current_step = 0 (field 4).
  const path = Buffer.from('/old/x.caffemodel');
  const history = Buffer.from([0x0a, 0x02, 0x01, 0x02]);
  const state = Buffer.concat([
    Buffer.from([0x08, 0x64, 0x12, path.length]),
    path,
    Buffer.from([0x1a, history.length]),
    history,
    Buffer.from([0x20, 0x00]),
  ]);

  it('replaces the weights path and keeps every other field byte for byte', () => {
    const rewritten = withLearnedNet(state, '/scratch/resume_iter_100.caffemodel');
    expect(learnedNetOf(state)).toBe('/old/x.caffemodel');
    expect(learnedNetOf(rewritten)).toBe('/scratch/resume_iter_100.caffemodel');
    expect(rewritten.subarray(0, 2)).toEqual(Buffer.from([0x08, 0x64]));
    expect(
      rewritten.includes(Buffer.concat([Buffer.from([0x1a, history.length]), history, Buffer.from([0x20, 0x00])])),
    ).toBe(true);
  });

  it('a truncated state is refused', () => {
    expect(() => withLearnedNet(state.subarray(0, 8), '/x')).toThrow(/truncated/);
  });

  it('a snapshot file cut short or empty is not a whole message (resume then takes an older snapshot)', () => {
    expect(() => checkProtobufMessage(state)).not.toThrow();
    expect(() => checkProtobufMessage(state.subarray(0, state.length - 3))).toThrow(/truncated/);
    expect(() => checkProtobufMessage(Buffer.alloc(0))).toThrow(/empty/);
  });
});
