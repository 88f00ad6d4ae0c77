/** A line chart of iterations, with its number of points on the wrapper (what the browser test watches grow). */
import LineChart from './components/line-chart';
import type { ChartSeries } from './contracts';

export function Chart({ title, series }: { title: string; series: ChartSeries[] }) {
  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <div class="chart" data-chart={title} data-points={points}>
      <LineChart title={title} xLabel="Iteration" series={series} />
    </div>
  );
}
