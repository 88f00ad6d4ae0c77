import { chartsOf } from '../../../../console/src/chart-series';

test('loss and learning rate per iteration, and one series per test output', () => {
  const charts = chartsOf({
    train: [
      { iteration: 0, loss: 2.3, learningRate: 0.01 },
      { iteration: 10, loss: null },
    ],
    test: [
      { iteration: 0, outputs: { accuracy: 0.1, loss: 2.3 } },
      { iteration: 100, outputs: { accuracy: 0.8 } },
    ],
  });
  expect(charts.loss).toEqual([
    {
      label: 'loss',
      points: [
        [0, 2.3],
        [10, null],
      ],
    },
  ]);
  expect(charts.learningRate).toEqual([{ label: 'learning rate', points: [[0, 0.01]] }]);
  expect(charts.testOutputs).toEqual([
    {
      label: 'accuracy',
      points: [
        [0, 0.1],
        [100, 0.8],
      ],
    },
    {
      label: 'loss',
      points: [
        [0, 2.3],
        [100, null],
      ],
    },
  ]);
});

test('no metrics yet: empty series, so the charts draw nothing', () => {
  expect(chartsOf(undefined)).toEqual({
    loss: [{ label: 'loss', points: [] }],
    learningRate: [{ label: 'learning rate', points: [] }],
    testOutputs: [],
  });
});
