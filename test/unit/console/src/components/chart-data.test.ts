import {
  chartShapeKey,
  describeSeries,
  formatValue,
  lastValues,
  mergeSeries,
  tickLabels,
} from '../../../../../console/src/components/chart-data';
import type { ChartSeries } from '../../../../../console/src/contracts';

const loss: ChartSeries = {
  label: 'loss',
  points: [
    [0, 2.3],
    [100, 0.9],
    [200, 0.4],
  ],
};
const accuracy: ChartSeries = {
  label: 'accuracy',
  points: [
    [0, 0.1],
    [200, 0.9],
    [250, 0.92],
  ],
};

describe('mergeSeries', () => {
  it('puts series sampled at different iterations on the union of their x values', () => {
    expect(mergeSeries([loss, accuracy])).toEqual([
      [0, 100, 200, 250],
      [2.3, 0.9, 0.4, undefined],
      [0.1, undefined, 0.9, 0.92],
    ]);
  });

  it('keeps a null y as a gap (null), unlike an x the series has no point at (undefined)', () => {
    const diverged: ChartSeries = {
      label: 'loss',
      points: [
        [0, 1],
        [10, null],
        [20, Number.NaN],
        [30, 0.5],
      ],
    };
    const [, y] = mergeSeries([diverged, { label: 'lr', points: [[5, 0.01]] }]);
    expect(y).toEqual([1, undefined, null, null, 0.5]);
  });

  it('turns values a log axis cannot show into gaps only when the axis is logarithmic', () => {
    const s: ChartSeries = {
      label: 'loss',
      points: [
        [0, 0],
        [1, -1],
        [2, 0.5],
      ],
    };
    expect(mergeSeries([s], true)).toEqual([
      [0, 1, 2],
      [null, null, 0.5],
    ]);
    expect(mergeSeries([s], false)[1]).toEqual([0, -1, 0.5]);
  });

  it('sorts x values that arrive out of order and lets a later point at the same x win', () => {
    const s: ChartSeries = {
      label: 'loss',
      points: [
        [20, 1],
        [10, 2],
        [20, 3],
      ],
    };
    expect(mergeSeries([s])).toEqual([
      [10, 20],
      [2, 3],
    ]);
  });

  it('gives an empty x axis and empty series when there are no points', () => {
    expect(mergeSeries([{ label: 'loss', points: [] }])).toEqual([[], []]);
    expect(mergeSeries([])).toEqual([[]]);
  });
});

describe('the text alternative', () => {
  it('names the last value of each series that has one', () => {
    const withGapAtEnd: ChartSeries = {
      label: 'lr',
      points: [
        [0, 0.01],
        [50, null],
      ],
    };
    expect(lastValues([loss, withGapAtEnd, { label: 'empty', points: [] }])).toEqual([
      { label: 'loss', x: 200, y: 0.4 },
      { label: 'lr', x: 0, y: 0.01 },
    ]);
    expect(describeSeries([loss, accuracy], 'Iterations')).toBe(
      'Latest values: loss 0.4 at iterations 200; accuracy 0.92 at iterations 250.',
    );
    expect(describeSeries([], 'Iteration')).toBe('No data yet.');
  });

  it('formats values to four significant digits', () => {
    expect(formatValue(0.0421337)).toBe('0.04213');
    expect(formatValue(2.302585)).toBe('2.303');
    expect(formatValue(1234567)).toBe('1.235e+6');
    expect(formatValue(0.00001)).toBe('1e-5');
    expect(formatValue(0)).toBe('0');
  });
});

describe('chartShapeKey', () => {
  it('changes with the series labels or the scale, not with new points', () => {
    const grown: ChartSeries = { label: 'loss', points: [...loss.points, [300, 0.3]] };
    expect(chartShapeKey([grown], false, 'Iteration')).toBe(chartShapeKey([loss], false, 'Iteration'));
    expect(chartShapeKey([loss], true, 'Iteration')).not.toBe(chartShapeKey([loss], false, 'Iteration'));
    expect(chartShapeKey([loss, accuracy], false, 'Iteration')).not.toBe(chartShapeKey([loss], false, 'Iteration'));
  });
});

describe('tickLabels', () => {
  it('gives each tick as many decimals as the step between ticks needs', () => {
    expect(tickLabels([0.00995, 0.00996, 0.00997, 0.00998])).toEqual(['0.00995', '0.00996', '0.00997', '0.00998']);
    expect(tickLabels([0, 0.5, 1, 1.5])).toEqual(['0.0', '0.5', '1.0', '1.5']);
    expect(tickLabels([0, 20, 40])).toEqual(['0', '20', '40']);
  });

  it('writes very small and very large values in exponent form', () => {
    expect(tickLabels([0.00001, 0.00002])).toEqual(['1.00e-5', '2.00e-5']);
    expect(tickLabels([200000, 400000])).toEqual(['2.00e+5', '4.00e+5']);
  });
});
