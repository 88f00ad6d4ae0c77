/**
 * A training job: its progress, live charts (loss, test outputs, learning rate) fed from the metrics
 * route and polled while it runs, attempts and resumes on a timeline, artifacts to download, actions
 * (cancel, resume with more iterations, fine-tune, make a classifier) and Caffe's log, followed at the bottom.
 */
import type { TrainingJob } from '@elastic-caffe/sdk';
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { chartsOf } from '../chart-series';
import { Chart } from '../chart';
import { useClient } from '../context';
import {
  ErrorAlert,
  PageHeader,
  StatusBadge,
  formatBytes,
  formatDate,
  formatDuration,
  isActive,
  nameOf,
  useInterval,
  useLoad,
} from '../ui';
import { JobProgress } from './training-jobs';

function Charts({ jobId, running }: { jobId: string; running: boolean }) {
  const client = useClient();
  const metrics = useLoad(() => client.trainingJobs.metrics(jobId), [client, jobId]);
  useInterval(metrics.reload, 2000, running);
  // One more read once the job ends, for the last points.
  const wasRunning = useRef(running);
  useEffect(() => {
    if (wasRunning.current && !running) metrics.reload();
    wasRunning.current = running;
  }, [running, metrics.reload]);
  const charts = chartsOf(metrics.data);
  return (
    <section aria-labelledby="charts-heading">
      <h2 id="charts-heading">Charts</h2>
      <ErrorAlert error={metrics.error} prefix="Metrics" />
      <div class="charts">
        <Chart title="Loss" series={charts.loss} />
        <Chart title="Test outputs" series={charts.testOutputs} />
        <Chart title="Learning rate" series={charts.learningRate} />
      </div>
    </section>
  );
}

/** Caffe's log, followed (long polling) while the job runs; the last lines only. */
function Log({ jobId }: { jobId: string }) {
  const client = useClient();
  const [lines, setLines] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const stop = new AbortController();
    (async () => {
      let batch: string[] = [];
      let flush: ReturnType<typeof setTimeout> | undefined;
      for await (const line of client.followLogs(jobId, { signal: stop.signal })) {
        batch.push(line);
        // Lines arrive in bursts: one render per burst.
        if (flush === undefined)
          flush = setTimeout(() => {
            const added = batch;
            batch = [];
            flush = undefined;
            setLines((old) => [...old, ...added].slice(-1000));
          }, 100);
      }
    })().catch((e: unknown) => {
      if (!stop.signal.aborted) setError(e);
    });
    return () => stop.abort();
  }, [client, jobId]);
  useEffect(() => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return (
    <section aria-labelledby="log-heading">
      <h2 id="log-heading">Caffe’s log</h2>
      <ErrorAlert error={error} prefix="Log" />
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: axe: a scrolling box needs the keyboard */}
      <pre class="log" ref={box} role="log" aria-labelledby="log-heading" tabIndex={0}>
        {lines.length ? lines.join('\n') : 'No log yet.'}
      </pre>
    </section>
  );
}

type StartPoint = { trainingJobId: string; iteration: number } | { modelId: string };

/** Where the job started from: another job's snapshot, or a model's weights. */
function JobLink({ prefix, from }: { prefix: string; from: StartPoint }) {
  if ('modelId' in from)
    return (
      <>
        {` · ${prefix} model `}
        <a href={`/models/${from.modelId}`}>{from.modelId}</a>
      </>
    );
  return (
    <>
      {` · ${prefix} `}
      <a href={`/training-jobs/${from.trainingJobId}`}>{from.trainingJobId}</a>
      {` (iteration ${from.iteration})`}
    </>
  );
}

function Timeline({ job }: { job: TrainingJob }) {
  const events = [
    { at: job.createdAt, text: 'Queued' },
    ...(job.startedAt ? [{ at: job.startedAt, text: 'Started' }] : []),
    ...(job.resumes ?? []).map((r) => ({
      at: r.at,
      text: `Resumed from its snapshot at iteration ${r.iteration} (attempt ${r.attempt})`,
    })),
    ...(job.cancelledAt ? [{ at: job.cancelledAt, text: 'Cancelled' }] : []),
    ...(job.finishedAt ? [{ at: job.finishedAt, text: `Finished: ${job.status}` }] : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Timeline</h2>
      <p>
        {job.attempts} attempt{job.attempts === 1 ? '' : 's'}
        {job.weightsFrom && <JobLink prefix="weights from" from={job.weightsFrom} />}
        {job.resumeFrom && <JobLink prefix="resumed from" from={job.resumeFrom} />}
      </p>
      <ol class="timeline">
        {events.map((e) => (
          <li key={`${e.at}-${e.text}`}>
            <time dateTime={e.at}>{formatDate(e.at)}</time> {e.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Artifacts({ jobId }: { jobId: string }) {
  const client = useClient();
  const artifacts = useLoad(() => client.trainingJobs.artifacts(jobId), [client, jobId]);
  const a = artifacts.data;
  return (
    <section aria-labelledby="artifacts-heading">
      <h2 id="artifacts-heading">Artifacts</h2>
      <ErrorAlert error={artifacts.error} />
      {a && (
        <ul class="plain">
          {a.model && (
            <li>
              <a href={a.model.url} download>
                Trained model (.caffemodel, iteration {a.model.iteration})
              </a>{' '}
              {formatBytes(a.model.bytes)}
            </li>
          )}
          {a.bundle && (
            <li>
              <a href={a.bundle.url} download>
                Model bundle (deploy net, labels, mean)
              </a>{' '}
              {formatBytes(a.bundle.bytes)}
            </li>
          )}
          {a.snapshots.map((s) => (
            <li key={s.iteration}>
              Snapshot at iteration {s.iteration}:{' '}
              {s.model && (
                <a href={s.model.url} download>
                  model
                </a>
              )}{' '}
              {s.solverState && (
                <a href={s.solverState.url} download>
                  solver state
                </a>
              )}
            </li>
          ))}
          {!a.model && !a.bundle && !a.snapshots.length && <li>None yet.</li>}
        </ul>
      )}
    </section>
  );
}

/** Resume: a copy of the job's solver with a larger max_iter, trained from the job's last snapshot. */
function ResumeForm({ job }: { job: TrainingJob }) {
  const client = useClient();
  const { route } = useLocation();
  const [iterations, setIterations] = useState(job.progress.maxIterations * 2);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const solver = await client.solvers.get(job.solverId);
          const text = /^\s*max_iter\s*:/m.test(solver.solver)
            ? solver.solver.replace(/^(\s*max_iter\s*:\s*)\d+/m, `$1${iterations}`)
            : `${solver.solver}\nmax_iter: ${iterations}\n`;
          const longer = await client.solvers.create({
            name: `${nameOf(solver)} to ${iterations}`,
            datasetId: solver.datasetId,
            net: solver.net,
            solver: text,
          });
          const resumed = await client.trainingJobs.create({
            solverId: longer.id,
            name: `${nameOf(job)} resumed`,
            resumeFrom: { trainingJobId: job.id },
          });
          route(`/training-jobs/${resumed.id}`);
        } catch (err) {
          setError(err);
          setBusy(false);
        }
      }}
    >
      <label for="more-iterations">Train on up to iteration</label>
      <input
        id="more-iterations"
        type="number"
        min={job.progress.iteration + 1}
        required
        value={iterations}
        onInput={(e) => setIterations(Number((e.target as HTMLInputElement).value))}
      />
      <button type="submit" class="secondary" disabled={busy}>
        Resume with more iterations
      </button>
      <ErrorAlert error={error} prefix="Could not resume" />
    </form>
  );
}

function Actions({ job, onChange }: { job: TrainingJob; onChange: () => void }) {
  const client = useClient();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="actions-heading" class="actions">
      <h2 id="actions-heading" class="visually-hidden">
        Actions
      </h2>
      <div class="row">
        {isActive(job.status) && (
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={() =>
              act(async () => {
                await client.trainingJobs.cancel(job.id);
                onChange();
              })
            }
          >
            Cancel the job
          </button>
        )}
        {job.status === 'succeeded' && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              act(async () => {
                const classifier = await client.classifiers.create({ trainingJobId: job.id, name: nameOf(job) });
                route(`/classifiers/${classifier.id}`);
              })
            }
          >
            Make a classifier
          </button>
        )}
        {job.status === 'succeeded' && job.model && (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() =>
              act(async () => {
                // The job's weights as a model, without a copy: to fine-tune from or share by id.
                const model = await client.models.create({ trainingJobId: job.id, name: nameOf(job) });
                route(`/models/${model.id}`);
              })
            }
          >
            Publish as a model
          </button>
        )}
        {job.model && (
          <a class="button secondary" href={`/training-jobs?weightsFrom=${job.id}`}>
            Fine-tune from this job
          </a>
        )}
        <a class="button secondary" href={`/compare?jobs=${job.id}`}>
          Compare with other jobs
        </a>
      </div>
      {!isActive(job.status) && job.model && <ResumeForm job={job} />}
      <ErrorAlert error={error} />
    </section>
  );
}

export function TrainingJobPage({ id }: { id: string }) {
  const client = useClient();
  const record = useLoad(() => client.trainingJobs.get(id), [client, id]);
  const job = record.data;
  const running = isActive(job?.status);
  useInterval(record.reload, 1000, running);
  return (
    <>
      <PageHeader title={job ? `Training job ${nameOf(job)}` : 'Training job'} />
      <ErrorAlert error={record.error} />
      {job && (
        <>
          <div class="summary">
            <StatusBadge status={job.status} />
            <JobProgress job={job} />
            <span>Loss {job.progress.loss?.toFixed(4) ?? '—'}</span>
            {running && <span>Time left {formatDuration(job.progress.etaSeconds)}</span>}
            {job.progress.iterationsPerSecond !== undefined && (
              <span>{job.progress.iterationsPerSecond.toFixed(1)} iterations/s</span>
            )}
            <span>
              Solver <a href={`/solvers/${job.solverId}`}>{job.solverId}</a>
            </span>
          </div>
          {job.error && (
            <div class="alert" role="alert">
              {job.error}
            </div>
          )}
          <Actions job={job} onChange={record.reload} />
          <Charts jobId={id} running={running} />
          <div class="two-columns">
            <Timeline job={job} />
            {!running && <Artifacts jobId={id} />}
          </div>
          <Log jobId={id} />
        </>
      )}
    </>
  );
}
