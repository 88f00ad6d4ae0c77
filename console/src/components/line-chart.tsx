// STAND-IN: replaced by the components helper's version at merge
/** A chart's points as a table (the real one draws them with uPlot). */
import type { LineChartProps } from '../contracts';

export default function LineChart({ title, xLabel, series }: LineChartProps) {
  const xs = [...new Set(series.flatMap((s) => s.points.map(([x]) => x)))].sort((a, b) => a - b);
  const byX = series.map((s) => new Map(s.points.map(([x, y]) => [x, y])));
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: axe: a scrolling box needs the keyboard
    // biome-ignore lint/a11y/useSemanticElements: a <section> would need a heading; the region is named by the title
    <div class="chart-table" role="region" aria-label={title} tabIndex={0}>
      <table>
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{xLabel}</th>
            {series.map((s) => (
              <th scope="col" key={s.label}>
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {xs.map((x) => (
            <tr key={x}>
              <th scope="row">{x}</th>
              {byX.map((points, i) => (
                <td key={series[i]!.label}>{points.get(x) ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
