/**
 * A line chart of iterations, with its number of points on the wrapper, in all and per series (what the
 * browser tests watch grow, and check each overlaid curve by).
 */
import LineChart from './components/line-chart';
import type { ChartSeries } from './contracts';

export function Chart({ title, series }: { title: string; series: ChartSeries[] }) {
  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <div
      class="chart"
      data-chart={title}
      data-points={points}
      data-series-points={series.map((s) => s.points.length).join(',')}
    >
      <LineChart title={title} xLabel="Iteration" series={series} />
    </div>
  );
}
