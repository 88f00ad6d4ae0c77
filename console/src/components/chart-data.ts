/**
 * The line chart's data, without the DOM: uPlot wants one shared x array and one y array per series of the
 * same length, while a job's series are sampled at their own iterations (the loss every `display`, the test
 * outputs every `test_interval`).
 */
import type { ChartSeries } from '../contracts';

/**
 * uPlot's aligned form: `[x, ...ys]`. In a y array `undefined` means "this series has no point at this x" (uPlot
 * draws the line across it) and `null` means "a point that is missing" (uPlot breaks the line there).
 */
export type AlignedSeries = [x: number[], ...ys: (number | null | undefined)[][]];

/**
 * Merges the series onto the sorted union of their x values. A y that is null, not finite, or (on a log axis)
 * not positive becomes a gap; a series' later point at the same x wins.
 */
export function mergeSeries(series: readonly ChartSeries[], logY = false): AlignedSeries {
  const xs = new Set<number>();
  for (const s of series) for (const [x] of s.points) if (Number.isFinite(x)) xs.add(x);
  const x = [...xs].sort((a, b) => a - b);
  const indexOf = new Map(x.map((value, index) => [value, index]));
  const ys = series.map((s) => {
    const y: (number | null | undefined)[] = new Array(x.length).fill(undefined);
    for (const [px, py] of s.points) {
      const index = indexOf.get(px);
      if (index !== undefined) y[index] = plottable(py, logY);
    }
    return y;
  });
  return [x, ...ys];
}

function plottable(y: number | null, logY: boolean): number | null {
  if (y === null || !Number.isFinite(y)) return null;
  return logY && y <= 0 ? null : y;
}

/** The last point of each series that has a value, for the chart's text alternative. */
export function lastValues(series: readonly ChartSeries[]): { label: string; x: number; y: number }[] {
  const found: { label: string; x: number; y: number }[] = [];
  for (const s of series) {
    for (let i = s.points.length - 1; i >= 0; i--) {
      const [x, y] = s.points[i]!;
      if (y !== null && Number.isFinite(y)) {
        found.push({ label: s.label, x, y });
        break;
      }
    }
  }
  return found;
}

/** A sentence a screen reader can say instead of the picture, e.g. "loss 0.0421 at iteration 1000". */
export function describeSeries(series: readonly ChartSeries[], xLabel: string): string {
  const last = lastValues(series);
  if (last.length === 0) return 'No data yet.';
  const x = xLabel.toLowerCase();
  const parts = last.map((p) => `${p.label} ${formatValue(p.y)} at ${x} ${p.x}`);
  return `Latest values: ${parts.join('; ')}.`;
}

/** Four significant digits, without the trailing zeros toPrecision leaves. */
export function formatValue(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

/** What decides whether uPlot can keep its instance (new data only) or must be rebuilt (new series or scale). */
export function chartShapeKey(series: readonly ChartSeries[], logY: boolean, xLabel: string): string {
  return JSON.stringify([series.map((s) => s.label), logY, xLabel]);
}

/**
 * Tick labels with as many decimals as the step between ticks needs: uPlot's own rounding printed a learning rate
 * decaying from 0.01 to 0.00995 as five ticks of "0.01".
 */
export function tickLabels(splits: readonly number[]): string[] {
  const step = splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : 0;
  const decimals = step > 0 ? Math.min(12, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9))) : 2;
  return splits.map((value) =>
    Math.abs(value) >= 1e5 || (value !== 0 && Math.abs(value) < 1e-4)
      ? value.toExponential(2)
      : value.toFixed(decimals),
  );
}
