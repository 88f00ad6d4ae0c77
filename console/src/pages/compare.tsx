/** Compare: several jobs' loss and test-output curves on the same axes; the jobs are in the URL (`?jobs=a,b`). */
import type { TrainingJobMetrics } from '@elastic-caffe/sdk';
import { useLocation } from 'preact-iso';
import { Chart } from '../chart';
import { useClient } from '../context';
import type { ChartSeries } from '../contracts';
import { ErrorAlert, PageHeader, StatusBadge, nameOf, useLoad } from '../ui';

export function ComparePage() {
  const client = useClient();
  const { query, route } = useLocation();
  const picked = (query.jobs ?? '').split(',').filter(Boolean);
  const jobs = useLoad(() => client.trainingJobs.list({ limit: 100 }), [client]);
  const metrics = useLoad(
    () =>
      Promise.all(
        picked.map(async (id) => ({ id, metrics: (await client.trainingJobs.metrics(id)) as TrainingJobMetrics })),
      ),
    [client, query.jobs],
  );
  const names = new Map((jobs.data?.items ?? []).map((j) => [j.id, nameOf(j)]));
  const label = (id: string) => names.get(id) ?? id;
  const loss: ChartSeries[] = (metrics.data ?? []).map(({ id, metrics: m }) => ({
    label: label(id),
    points: m.train.map((t) => [t.iteration, t.loss] as const),
  }));
  const outputs = [
    ...new Set((metrics.data ?? []).flatMap(({ metrics: m }) => m.test.flatMap((t) => Object.keys(t.outputs)))),
  ];
  const testSeries: ChartSeries[] = (metrics.data ?? []).flatMap(({ id, metrics: m }) =>
    outputs.map((name) => ({
      label: `${label(id)}: ${name}`,
      points: m.test.map((t) => [t.iteration, t.outputs[name] ?? null] as const),
    })),
  );
  const toggle = (id: string, on: boolean) => {
    const next = on ? [...picked, id] : picked.filter((x) => x !== id);
    route(`/compare?jobs=${next.join(',')}`, true);
  };
  return (
    <>
      <PageHeader title="Compare training jobs" />
      <ErrorAlert error={jobs.error} />
      <fieldset class="card">
        <legend>Jobs to compare</legend>
        <ul class="checklist">
          {(jobs.data?.items ?? []).map((job) => (
            <li key={job.id}>
              <input
                type="checkbox"
                id={`pick-${job.id}`}
                checked={picked.includes(job.id)}
                onChange={(e) => toggle(job.id, (e.target as HTMLInputElement).checked)}
              />
              <label for={`pick-${job.id}`}>{nameOf(job)}</label> <StatusBadge status={job.status} />
            </li>
          ))}
        </ul>
      </fieldset>
      <ErrorAlert error={metrics.error} prefix="Metrics" />
      {picked.length > 0 && (
        <div class="charts">
          <Chart title="Loss" series={loss} />
          <Chart title="Test outputs" series={testSeries} />
        </div>
      )}
      {!picked.length && <p>Tick two or more jobs to overlay their curves.</p>}
    </>
  );
}
