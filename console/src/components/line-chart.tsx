/**
 * A line chart of series against iterations, drawn by uPlot. New points go in with setData on the same uPlot
 * instance (a live job's chart grows without flicker); only new series or a new scale rebuild it. The width
 * follows the container. The picture has a text alternative: the caption names it, a hidden line gives the
 * latest values.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { ChartSeries, LineChartProps } from '../contracts';
import { type AlignedSeries, chartShapeKey, describeSeries, mergeSeries, tickLabels } from './chart-data';
import { adoptChartStyles } from './line-chart-styles';

const HEIGHT = 260;
/** Distinct hues, each at least 4.5:1 against white so a thin line stays visible. */
const PALETTE = ['#0b5cad', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0f766e', '#a16207', '#be185d'];

export default function LineChart({ title, xLabel, series, logY = false }: LineChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const data = useMemo(() => mergeSeries(series, logY), [series, logY]);
  const latest = useRef(data);
  latest.current = data;
  const shape = chartShapeKey(series, logY, xLabel);

  useEffect(() => {
    const el = host.current!;
    adoptChartStyles();
    const chart = new uPlot(chartOptions(series, xLabel, logY, el.clientWidth), latest.current, el);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      if (el.clientWidth > 0 && el.clientWidth !== chart.width)
        chart.setSize({ width: el.clientWidth, height: HEIGHT });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt only when the shape changes; points arrive through the effect below.
  }, [shape]);

  useEffect(() => {
    const chart = plot.current;
    if (chart && chart.data !== (data as uPlot.AlignedData)) chart.setData(data as uPlot.AlignedData);
  }, [data]);

  return (
    <figure class="ec-line-chart">
      <figcaption class="ec-line-chart-title">{title}</figcaption>
      {/* The canvas says nothing to a screen reader; the caption and the sentence below do. */}
      <div ref={host} class="ec-line-chart-plot" aria-hidden="true" />
      {/* Read by screen readers always; shown to everyone while there is nothing to draw. */}
      <p class={data[0].length === 0 ? 'ec-line-chart-empty' : 'ec-visually-hidden'}>
        {describeSeries(series, xLabel)}
      </p>
    </figure>
  );
}

function chartOptions(series: readonly ChartSeries[], xLabel: string, logY: boolean, width: number): uPlot.Options {
  const axis = { stroke: '#1f2328', grid: { stroke: '#e6e8eb', width: 1 }, ticks: { stroke: '#d0d7de', width: 1 } };
  return {
    width: Math.max(width, 200),
    height: HEIGHT,
    scales: { x: { time: false }, y: logY ? { distr: 3, log: 10 } : {} },
    axes: [
      { ...axis, label: xLabel },
      { ...axis, size: fitLabels, values: (_u: uPlot, splits: number[]) => tickLabels(splits) },
    ],
    series: [
      { label: xLabel },
      ...series.map((s, i) => ({
        label: s.label,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        points: { show: fewPoints, size: 6 },
      })),
    ],
    cursor: { drag: { x: true, y: false } },
    legend: { live: true },
  };
}

/** The y axis as wide as its longest tick label (uPlot's default 50px cuts "0.0005" short). */
function fitLabels(u: uPlot, values: string[] | undefined, axisIdx: number, cycleNum: number): number {
  const axis = u.axes[axisIdx]!;
  // uPlot asks again after laying out; a second answer that differs could make it cycle.
  if (cycleNum > 1) return (axis as { _size?: number })._size ?? 50;
  const longest = (values ?? []).reduce((a, b) => (b.length > a.length ? b : a), '');
  // After init uPlot keeps an axis font as [css font, px size] (scaled by the pixel ratio), whatever its type says.
  u.ctx.font = (axis as unknown as { font: [string, number] }).font[0];
  const gap = (axis.gap ?? 5) + (axis.ticks?.size ?? 10);
  return Math.ceil(gap + u.ctx.measureText(longest).width / devicePixelRatio) + 4;
}

/**
 * Dots only where the line alone would hide the data: a series with a handful of points in view (a test output
 * measured every few hundred iterations), never on a dense loss curve.
 */
function fewPoints(u: uPlot, seriesIdx: number, idx0: number, idx1: number): boolean {
  const ys = (u.data as AlignedSeries)[seriesIdx] ?? [];
  let count = 0;
  for (let i = idx0; i <= idx1; i++) if (ys[i] != null) count++;
  return count <= 1 || u.bbox.width / devicePixelRatio / count >= 16;
}
