/**
 * Training jobs: a form to start one (prefilled to fine-tune from another job's weights when the URL
 * says `?weightsFrom=tj_…`) and the list with status, progress and time left, updating while jobs run.
 */
import type { TrainingJob } from '@elastic-caffe/sdk';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { useClient } from '../context';
import { weightsFrom as weightsSource } from '../weights-from';
import {
  Empty,
  ErrorAlert,
  PageHeader,
  ProgressBar,
  StatusBadge,
  formatDate,
  formatDuration,
  isActive,
  nameOf,
  useInterval,
  useLoad,
} from '../ui';

function NewJobForm() {
  const client = useClient();
  const { query, route } = useLocation();
  const solvers = useLoad(() => client.solvers.list({ limit: 100 }), [client]);
  const usable = (solvers.data?.items ?? []).filter((s) => s.status !== 'failed' && s.status !== 'pending');
  const [solverId, setSolverId] = useState(query.solver ?? '');
  const [name, setName] = useState('');
  const [weightsFrom, setWeightsFrom] = useState(query.weightsFrom ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const chosen = solverId || usable[0]?.id || '';
  return (
    <form
      class="card"
      aria-labelledby="new-job"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const job = await client.trainingJobs.create({
            solverId: chosen,
            ...(name ? { name } : {}),
            ...(weightsFrom.trim() ? { weightsFrom: weightsSource(weightsFrom)! } : {}),
          });
          route(`/training-jobs/${job.id}`);
        } catch (err) {
          setError(err);
          setBusy(false);
        }
      }}
    >
      <h2 id="new-job">{query.weightsFrom ? 'Fine-tune' : 'New training job'}</h2>
      {query.weightsFrom && (
        <p>
          Pick a solver whose net shares layer names with the {query.weightsFrom.startsWith('md_') ? 'model' : 'job'}’s
          (e.g. from the <em>Fine-tune LeNet</em>
          template:{' '}
          <a href={`/solvers/new?template=finetune&weightsFrom=${encodeURIComponent(query.weightsFrom)}`}>write one</a>
          ).
        </p>
      )}
      <div class="row">
        <div class="field">
          <label for="job-solver">Solver</label>
          <select
            id="job-solver"
            required
            value={chosen}
            onChange={(e) => setSolverId((e.target as HTMLSelectElement).value)}
          >
            {usable.map((s) => (
              <option key={s.id} value={s.id}>
                {nameOf(s)} ({s.maxIterations} iterations)
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="new-job-name">Name (optional)</label>
          <input id="new-job-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="new-job-weights">Start from the weights of (training job or model id, optional)</label>
          <input
            id="new-job-weights"
            placeholder="tj_… or md_…"
            value={weightsFrom}
            onInput={(e) => setWeightsFrom((e.target as HTMLInputElement).value)}
          />
        </div>
      </div>
      <ErrorAlert error={error} prefix="The job was refused" />
      <button type="submit" disabled={busy || !chosen}>
        Start training
      </button>
    </form>
  );
}

export function JobProgress({ job }: { job: TrainingJob }) {
  const { iteration, maxIterations } = job.progress;
  return (
    <span class="job-progress">
      <ProgressBar label={`Progress of ${nameOf(job)}`} value={iteration} max={maxIterations || 1} />
      <span>
        {iteration} / {maxIterations}
      </span>
    </span>
  );
}

export function TrainingJobsPage() {
  const client = useClient();
  const list = useLoad(() => client.trainingJobs.list({ limit: 100 }), [client]);
  const items = list.data?.items ?? [];
  useInterval(
    list.reload,
    2000,
    items.some((j) => isActive(j.status)),
  );
  const [picked, setPicked] = useState<string[]>([]);
  return (
    <>
      <PageHeader title="Training jobs" />
      <NewJobForm />
      <section aria-labelledby="jobs-heading">
        <h2 id="jobs-heading">Your training jobs</h2>
        <ErrorAlert error={list.error} />
        {list.data && !items.length ? (
          <Empty>No training jobs yet.</Empty>
        ) : (
          <>
            <table class="records">
              <thead>
                <tr>
                  <th scope="col">
                    <span class="visually-hidden">Compare</span>
                  </th>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Progress</th>
                  <th scope="col">Loss</th>
                  <th scope="col">Time left</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {items.map((job) => (
                  <tr key={job.id}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Compare ${nameOf(job)}`}
                        checked={picked.includes(job.id)}
                        onChange={(e) =>
                          setPicked((p) =>
                            (e.target as HTMLInputElement).checked ? [...p, job.id] : p.filter((x) => x !== job.id),
                          )
                        }
                      />
                    </td>
                    <th scope="row">
                      <a href={`/training-jobs/${job.id}`}>{nameOf(job)}</a>
                    </th>
                    <td>
                      <StatusBadge status={job.status} />
                    </td>
                    <td>
                      <JobProgress job={job} />
                    </td>
                    <td class="number">{job.progress.loss?.toFixed(4) ?? '—'}</td>
                    <td>{isActive(job.status) ? formatDuration(job.progress.etaSeconds) : '—'}</td>
                    <td>{formatDate(job.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p>
              <a
                class={picked.length ? 'button' : 'button disabled'}
                aria-disabled={picked.length ? undefined : 'true'}
                href={`/compare?jobs=${picked.join(',')}`}
              >
                Compare the jobs ticked
              </a>
            </p>
          </>
        )}
      </section>
    </>
  );
}
