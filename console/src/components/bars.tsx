/** Counts per label as horizontal bars: a table (read as one by screen readers) whose cells draw the bars. */
export function CountBars({ title, counts }: { title: string; counts: Record<string, number> }) {
  const entries = Object.entries(counts);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <table class="bars">
      <caption>{title}</caption>
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">Images</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([label, n]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>
              <span class="bar" style={{ width: `${(100 * n) / max}%` }} aria-hidden="true" />
              <span class="bar-value">{n}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Probabilities as bars, most probable first. */
export function ProbabilityBars({
  top,
  caption,
}: {
  top: Array<{ label: string; probability: number }>;
  caption: string;
}) {
  return (
    <table class="bars probabilities">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">Probability</th>
        </tr>
      </thead>
      <tbody>
        {top.map(({ label, probability }) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>
              <span class="bar" style={{ width: `${100 * probability}%` }} aria-hidden="true" />
              <span class="bar-value">{(100 * probability).toFixed(1)}%</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
