/** Solvers: the list, and a solver's page with its texts, warnings, the net drawn, and a form to train it. */
import type { CreateTrainingJob } from '@elastic-caffe/sdk';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { useClient } from '../context';
import { weightsFrom as weightsSource } from '../weights-from';
import { NetGraph } from '../lazy';
import { Empty, ErrorAlert, PageHeader, StatusBadge, formatDate, nameOf, useLoad, RecordHeader } from '../ui';

export function SolversPage() {
  const client = useClient();
  const list = useLoad(() => client.solvers.list({ limit: 100 }), [client]);
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader title="Solvers">
        <a class="button" href="/solvers/new">
          New solver
        </a>
      </PageHeader>
      <ErrorAlert error={list.error} />
      {list.data && !items.length ? (
        <Empty>
          No solvers yet: <a href="/solvers/new">write one</a> from a template.
        </Empty>
      ) : (
        <table class="records">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Iterations</th>
              <th scope="col">Dataset</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id}>
                <th scope="row">
                  <a href={`/solvers/${s.id}`}>{nameOf(s)}</a>
                </th>
                <td>{s.solverType}</td>
                <td class="number">{s.maxIterations}</td>
                <td>
                  <a href={`/datasets/${s.datasetId}`}>{s.datasetId}</a>
                </td>
                <td>{formatDate(s.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Starts a training job with the solver (from another job's weights when fine-tuning). */
function TrainForm({ solverId, solverName }: { solverId: string; solverName: string }) {
  const client = useClient();
  const { query, route } = useLocation();
  const [name, setName] = useState(`${solverName} run`);
  const [weightsFrom, setWeightsFrom] = useState(query.weightsFrom ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <form
      class="card"
      aria-labelledby="train-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        const body: CreateTrainingJob = {
          solverId,
          name,
          ...(weightsFrom.trim() ? { weightsFrom: weightsSource(weightsFrom)! } : {}),
        };
        try {
          const job = await client.trainingJobs.create(body);
          route(`/training-jobs/${job.id}`);
        } catch (err) {
          setError(err);
          setBusy(false);
        }
      }}
    >
      <h2 id="train-heading">Train</h2>
      <div class="row">
        <div class="field">
          <label for="job-name">Job name</label>
          <input id="job-name" required value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="weights-from">Start from the weights of (training job or model id, optional)</label>
          <input
            id="weights-from"
            value={weightsFrom}
            placeholder="tj_… or md_…"
            onInput={(e) => setWeightsFrom((e.target as HTMLInputElement).value)}
          />
        </div>
      </div>
      <ErrorAlert error={error} prefix="The job was refused" />
      <button type="submit" disabled={busy}>
        Train
      </button>
    </form>
  );
}

export function SolverPage({ id }: { id: string }) {
  const client = useClient();
  const record = useLoad(() => client.solvers.get(id), [client, id]);
  const solver = record.data;
  return (
    <>
      <RecordHeader noun="Solver" record={solver} remove={() => client.solvers.delete(id)} listPath="/solvers" />
      <ErrorAlert error={record.error} />
      {solver && (
        <>
          <dl class="facts">
            <dt>Id</dt>
            <dd>
              <code>{solver.id}</code>
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={solver.status} />
            </dd>
            <dt>Type</dt>
            <dd>{solver.solverType}</dd>
            <dt>Iterations</dt>
            <dd>{solver.maxIterations}</dd>
            <dt>Dataset</dt>
            <dd>
              <a href={`/datasets/${solver.datasetId}`}>{solver.datasetId}</a>
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(solver.createdAt)}</dd>
          </dl>
          {solver.warnings && solver.warnings.length > 0 && (
            <div class="note">
              <p>Warnings:</p>
              <ul>
                {solver.warnings.map((w) => (
                  <li key={`${w.field}:${w.line}:${w.message}`}>
                    {w.field}
                    {w.line ? ` line ${w.line}` : ''}: {w.message}
                  </li>
                ))}
              </ul>
            </div>
          )}
          {solver.status !== 'failed' && <TrainForm solverId={solver.id} solverName={nameOf(solver)} />}
          <div class="editors">
            <section aria-labelledby="net-text">
              <h2 id="net-text">Net</h2>
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: axe: a scrolling box needs the keyboard */}
              <pre class="prototxt" tabIndex={0}>
                {solver.net}
              </pre>
            </section>
            <section aria-labelledby="solver-text">
              <h2 id="solver-text">Solver</h2>
              {/* biome-ignore lint/a11y/noNoninteractiveTabindex: axe: a scrolling box needs the keyboard */}
              <pre class="prototxt" tabIndex={0}>
                {solver.solver}
              </pre>
            </section>
          </div>
          <section aria-labelledby="drawing">
            <h2 id="drawing">The net, drawn</h2>
            <NetGraph prototxt={solver.net} phase="TRAIN" />
          </section>
        </>
      )}
    </>
  );
}
