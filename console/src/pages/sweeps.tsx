/**
 * Sweeps: start one (a solver, a strategy and the parameters as JSON, which the API checks against
 * Caffe's schema and answers field by field), the list with trials done and the best objective, and a
 * sweep's page: the leaderboard (best first, each trial's jobs linked), every trial's loss and objective
 * curves overlaid (a trial's jobs resume one another at rungs, so one curve spans them), updating while
 * it runs, iterations trained against training every trial to the end, usage and cost when the API
 * reports them, and cancel or delete.
 */
import { ApiError, type CreateSweep, type TrainingJobMetrics } from '@elastic-caffe/sdk';
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Chart } from '../chart';
import { useClient } from '../context';
import {
  formatCost,
  formatNumber,
  formatParameters,
  leaderboard,
  type SweepView,
  trialCurves,
  trialEnded,
  trialName,
  trialsToRead,
  type Usage,
} from '../sweep-view';
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
  RecordHeader,
} from '../ui';

const doneTrials = (sweep: SweepView) => sweep.trials.filter(trialEnded).length;

const bestText = (sweep: SweepView) =>
  sweep.best ? `${formatNumber(sweep.best.objective)} (${trialName(sweep, sweep.best.trialId)})` : '—';

function UsageText({ usage }: { usage: Usage | undefined }) {
  if (!usage) return <>—</>;
  const cost = formatCost(usage.estimatedCost);
  return (
    <>
      {formatDuration(usage.billableSeconds)}
      {cost && ` · ${cost}`}
    </>
  );
}

const exampleParameters = `{
  "base_lr": { "values": [0.001, 0.01] }
}`;

/** A new sweep: the API checks every point of the space against Caffe's schema; its 400 names `parameters.<name>`. */
function NewSweepForm() {
  const client = useClient();
  const { route } = useLocation();
  const solvers = useLoad(() => client.solvers.list({ limit: 100 }), [client]);
  // A sweep's own trial solvers (sweepId) are points of another sweep, not a starting point.
  const usable = (solvers.data?.items ?? []).filter(
    (s) => s.status !== 'failed' && s.status !== 'pending' && !s.sweepId,
  );
  const [solverId, setSolverId] = useState('');
  const [name, setName] = useState('');
  const [strategy, setStrategy] = useState<CreateSweep['strategy']>('grid');
  const [parameters, setParameters] = useState(exampleParameters);
  const [maxTrials, setMaxTrials] = useState('');
  const [output, setOutput] = useState('accuracy');
  const [goal, setGoal] = useState<'maximize' | 'minimize'>('maximize');
  const [minIterations, setMinIterations] = useState('');
  const [jsonError, setJsonError] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const chosen = solverId || usable[0]?.id || '';
  // The API names a bad point of the space `parameters.<name>`: those go under the field, the rest above the button.
  const problem = error instanceof ApiError ? error.problem : undefined;
  const parameterErrors = (problem?.errors ?? []).filter((e) => /^parameters(\.|$)/.test(e.field));
  const parametersInvalid = Boolean(jsonError) || parameterErrors.length > 0;
  return (
    <form
      class="card"
      aria-labelledby="new-sweep"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(undefined);
        let parsed: CreateSweep['parameters'];
        try {
          parsed = JSON.parse(parameters) as CreateSweep['parameters'];
          setJsonError(undefined);
        } catch (err) {
          setJsonError(`Not JSON: ${(err as Error).message}`);
          return;
        }
        setBusy(true);
        try {
          const sweep = await client.sweeps.create({
            name: name || `sweep of ${Object.keys(parsed).join(', ')}`,
            solverId: chosen,
            parameters: parsed,
            strategy,
            objective: { output, goal },
            ...(maxTrials ? { maxTrials: Number(maxTrials) } : {}),
            ...(strategy === 'asha' && minIterations ? { asha: { minIterations: Number(minIterations) } } : {}),
          });
          route(`/sweeps/${sweep.id}`);
        } catch (err) {
          setError(err);
          setBusy(false);
        }
      }}
    >
      <h2 id="new-sweep">New sweep</h2>
      <div class="row">
        <div class="field">
          <label for="sweep-solver">Solver</label>
          <select
            id="sweep-solver"
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
          <label for="sweep-name">Name (optional)</label>
          <input id="sweep-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="sweep-strategy">Strategy</label>
          <select
            id="sweep-strategy"
            value={strategy}
            onChange={(e) => setStrategy((e.target as HTMLSelectElement).value as CreateSweep['strategy'])}
          >
            <option value="grid">Grid (every combination)</option>
            <option value="random">Random</option>
            <option value="asha">ASHA (stop the worst early)</option>
          </select>
        </div>
        <div class="field">
          <label for="sweep-trials">Trials{strategy === 'grid' ? ' (optional)' : ''}</label>
          <input
            id="sweep-trials"
            type="number"
            min={1}
            max={100}
            required={strategy !== 'grid'}
            value={maxTrials}
            onInput={(e) => setMaxTrials((e.target as HTMLInputElement).value)}
          />
        </div>
        {strategy === 'asha' && (
          <div class="field">
            <label for="sweep-min-iterations">First rung (iterations)</label>
            <input
              id="sweep-min-iterations"
              type="number"
              min={1}
              required
              value={minIterations}
              onInput={(e) => setMinIterations((e.target as HTMLInputElement).value)}
            />
          </div>
        )}
      </div>
      <div class="row">
        <div class="field">
          <label for="sweep-output">Objective: test output</label>
          <input
            id="sweep-output"
            required
            value={output}
            onInput={(e) => setOutput((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="sweep-goal">Goal</label>
          <select
            id="sweep-goal"
            value={goal}
            onChange={(e) => setGoal((e.target as HTMLSelectElement).value as 'maximize' | 'minimize')}
          >
            <option value="maximize">Maximize</option>
            <option value="minimize">Minimize</option>
          </select>
        </div>
      </div>
      <div class="field">
        <label for="sweep-parameters">Parameters (JSON)</label>
        <textarea
          id="sweep-parameters"
          class="code"
          rows={6}
          spellcheck={false}
          aria-describedby={`sweep-parameters-help${parametersInvalid ? ' sweep-parameters-errors' : ''}`}
          aria-invalid={parametersInvalid ? 'true' : undefined}
          value={parameters}
          onInput={(e) => setParameters((e.target as HTMLTextAreaElement).value)}
        />
        <p id="sweep-parameters-help" class="muted">
          Solver fields by name (<code>base_lr</code>) or net fields by a path naming the layer (
          <code>layer[conv1].convolution_param.num_output</code>), each <code>{'{"values": […]}'}</code>,{' '}
          <code>{'{"uniform": [a, b]}'}</code>, <code>{'{"logUniform": [a, b]}'}</code> or{' '}
          <code>{'{"intUniform": [a, b]}'}</code>.
        </p>
        {(jsonError || parameterErrors.length > 0) && (
          <div id="sweep-parameters-errors" role="alert">
            <ul class="problems">
              {jsonError && <li>{jsonError}</li>}
              {parameterErrors.map((e) => (
                <li key={`${e.field}:${e.message}`}>
                  <code>{e.field}</code>: {e.message}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {parameterErrors.length > 0 ? (
        <div class="alert" role="alert">
          <p>
            The sweep was refused: {problem!.title}: {problem!.detail} (see the parameters)
          </p>
        </div>
      ) : (
        <ErrorAlert error={error} prefix="The sweep was refused" />
      )}
      <button type="submit" disabled={busy || !chosen}>
        Start the sweep
      </button>
    </form>
  );
}

export function SweepsPage() {
  const client = useClient();
  const list = useLoad(() => client.sweeps.list({ limit: 100 }), [client]);
  const items = (list.data?.items ?? []) as SweepView[];
  useInterval(
    list.reload,
    2000,
    items.some((s) => isActive(s.status)),
  );
  return (
    <>
      <PageHeader title="Sweeps" />
      <NewSweepForm />
      <section aria-labelledby="sweeps-heading">
        <h2 id="sweeps-heading">Your sweeps</h2>
        <ErrorAlert error={list.error} />
        {list.data && !items.length ? (
          <Empty>No sweeps yet.</Empty>
        ) : (
          <table class="records">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Strategy</th>
                <th scope="col">Status</th>
                <th scope="col">Trials done</th>
                <th scope="col">Best objective</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((sweep) => (
                <tr key={sweep.id}>
                  <th scope="row">
                    <a href={`/sweeps/${sweep.id}`}>{nameOf(sweep)}</a>
                  </th>
                  <td>{sweep.strategy}</td>
                  <td>
                    <StatusBadge status={sweep.status} />
                  </td>
                  <td>
                    <span class="job-progress">
                      <ProgressBar
                        label={`Trials done of ${nameOf(sweep)}`}
                        value={doneTrials(sweep)}
                        max={sweep.maxTrials || 1}
                      />
                      <span>
                        {doneTrials(sweep)} / {sweep.maxTrials}
                      </span>
                    </span>
                  </td>
                  <td>
                    {sweep.objective.output}: {bestText(sweep)}
                  </td>
                  <td>{formatDate(sweep.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

/**
 * The trials' curves, read while the sweep runs: each trial's from the API, which joins its jobs
 * (and answers an empty curve for a job the sweep has named but not created yet), on every poll
 * until it has been read once after the trial ended.
 */
function useTrialMetrics(sweep: SweepView | undefined): { metrics: Map<string, TrainingJobMetrics>; error: unknown } {
  const client = useClient();
  const [metrics, setMetrics] = useState(new Map<string, TrainingJobMetrics>());
  const [error, setError] = useState<unknown>();
  const settled = useRef(new Set<string>());
  // One round of reads at a time, its answers kept even when a newer view of the sweep arrived meanwhile
  // (reads slower than the poll would otherwise never land), then one more round for the newest view (the
  // sweep's last view must be read: no poll follows it); answers are dropped once the page closes.
  const reading = useRef(false);
  const again = useRef(false);
  const latest = useRef(sweep);
  latest.current = sweep;
  const open = useRef(true);
  useEffect(
    () => () => {
      open.current = false;
    },
    [],
  );
  useEffect(() => {
    const round = () => {
      const view = latest.current;
      if (!view) return;
      if (reading.current) {
        again.current = true;
        return;
      }
      reading.current = true;
      // Trials that had ended when this view of the sweep was read: their curves read now are final.
      const ended = new Set(view.trials.filter(trialEnded).map((t) => t.id));
      (async () => {
        const ids = trialsToRead(view, settled.current);
        const read = await Promise.all(
          ids.map(async (id) => [id, (await client.sweeps.trial(view.id, id)).metrics] as const),
        );
        if (!open.current) return;
        for (const [id] of read) if (ended.has(id)) settled.current.add(id);
        if (read.length) setMetrics((old) => new Map([...old, ...read]));
        setError(undefined);
      })()
        .catch((e: unknown) => open.current && setError(e))
        .finally(() => {
          reading.current = false;
          if (again.current && open.current) {
            again.current = false;
            round();
          }
        });
    };
    round();
  }, [client, sweep]);
  return { metrics, error };
}

function Leaderboard({ sweep }: { sweep: SweepView }) {
  const rows = leaderboard(sweep);
  const withUsage = sweep.trials.some((t) => t.usage);
  return (
    <section aria-labelledby="leaderboard-heading">
      <h2 id="leaderboard-heading">Leaderboard</h2>
      <table class="records leaderboard">
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Trial</th>
            <th scope="col">Parameters</th>
            <th scope="col">Status</th>
            <th scope="col">Rung</th>
            <th scope="col">Iterations</th>
            <th scope="col">
              {sweep.objective.output} ({sweep.objective.goal})
            </th>
            {withUsage && <th scope="col">Usage</th>}
            <th scope="col">Training jobs</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.trial.id} class={row.best ? 'best' : undefined} data-trial={row.trial.id}>
              <td class="number">{row.rank ?? '—'}</td>
              <th scope="row">
                {row.name}
                {row.best && <span class="tag best-tag">best</span>}
              </th>
              <td class="wrap">{formatParameters(row.trial.parameters)}</td>
              <td>
                <StatusBadge status={row.trial.status} />
              </td>
              <td class="number">
                {row.rung.at} of {row.rung.of}
              </td>
              <td class="number">{row.trial.iteration}</td>
              <td class="number">{row.trial.objective === null ? '—' : formatNumber(row.trial.objective)}</td>
              {withUsage && (
                <td>
                  <UsageText usage={row.trial.usage} />
                </td>
              )}
              <td class="wrap">
                {row.trial.jobIds.map((id, i) => (
                  <span key={id}>
                    {i > 0 && ' → '}
                    <a href={`/training-jobs/${id}`} title={id} aria-label={`job ${i + 1} of ${row.name}: ${id}`}>
                      job {i + 1}
                    </a>
                  </span>
                ))}
                {row.trial.error && <p class="problems">{row.trial.error}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Summary({ sweep }: { sweep: SweepView }) {
  const it = sweep.iterations;
  const saved = sweep.saved;
  const savedCost = formatCost(saved?.estimatedCost);
  return (
    <dl class="facts">
      <dt>Strategy</dt>
      <dd>
        {sweep.strategy}
        {sweep.asha && ` (first rung ${sweep.asha.minIterations} iterations, keeps 1 in ${sweep.asha.reductionFactor})`}
        {sweep.seed !== undefined && `, seed ${sweep.seed}`}
      </dd>
      <dt>Rungs</dt>
      <dd>{sweep.rungs.join(', ')} iterations</dd>
      <dt>Trials</dt>
      <dd>
        {doneTrials(sweep)} of {sweep.maxTrials} done, up to {sweep.maxParallel} at a time
      </dd>
      <dt>Best {sweep.objective.output}</dt>
      <dd>{bestText(sweep)}</dd>
      <dt>Iterations trained</dt>
      <dd>
        {it ? (
          <span class="job-progress">
            <ProgressBar label="Iterations trained" value={it.trained} max={it.everyTrialToTheEnd || 1} />
            <span>
              {it.trained} of {it.everyTrialToTheEnd} (every trial to the end)
            </span>
          </span>
        ) : (
          '—'
        )}
      </dd>
      {sweep.usage && (
        <>
          <dt>Usage</dt>
          <dd>
            <UsageText usage={sweep.usage} />
          </dd>
        </>
      )}
      {saved?.iterations ? (
        <>
          <dt>Saved</dt>
          <dd>
            {saved.iterations} iterations, {formatDuration(saved.billableSeconds)}
            {savedCost && `, ${savedCost}`}
          </dd>
        </>
      ) : null}
      <dt>Solver, dataset</dt>
      <dd>
        <a href={`/solvers/${sweep.solverId}`}>{sweep.solverId}</a>,{' '}
        <a href={`/datasets/${sweep.datasetId}`}>{sweep.datasetId}</a>
      </dd>
      <dt>Created</dt>
      <dd>{formatDate(sweep.createdAt)}</dd>
      {sweep.finishedAt && (
        <>
          <dt>Finished</dt>
          <dd>{formatDate(sweep.finishedAt)}</dd>
        </>
      )}
    </dl>
  );
}

function Cancel({ sweep, onChange }: { sweep: SweepView; onChange: () => void }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <>
      <button
        type="button"
        class="danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await client.sweeps.cancel(sweep.id);
            onChange();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        Cancel the sweep
      </button>
      <ErrorAlert error={error} prefix="Could not cancel" />
    </>
  );
}

export function SweepPage({ id }: { id: string }) {
  const client = useClient();
  const record = useLoad(() => client.sweeps.get(id) as Promise<SweepView>, [client, id]);
  const sweep = record.data;
  const running = isActive(sweep?.status);
  useInterval(record.reload, 2000, running);
  const { metrics, error } = useTrialMetrics(sweep);
  const curves = sweep ? trialCurves(sweep, metrics) : undefined;
  return (
    <>
      <RecordHeader
        noun="Sweep"
        record={sweep}
        remove={() => client.sweeps.delete(id)}
        listPath="/sweeps"
        deletable={!running}
      >
        {sweep && running && <Cancel sweep={sweep} onChange={record.reload} />}
      </RecordHeader>
      <ErrorAlert error={record.error} />
      {sweep && curves && (
        <>
          <div class="summary">
            <StatusBadge status={sweep.status} />
            <span>
              {doneTrials(sweep)} / {sweep.maxTrials} trials done
            </span>
            <span>
              Best {sweep.objective.output} {bestText(sweep)}
            </span>
          </div>
          {sweep.error && (
            <div class="alert" role="alert">
              {sweep.error}
            </div>
          )}
          <Leaderboard sweep={sweep} />
          <section aria-labelledby="curves-heading">
            <h2 id="curves-heading">Curves</h2>
            <ErrorAlert error={error} prefix="Metrics" />
            <div class="charts">
              <Chart title="Loss" series={curves.loss} />
              <Chart title={`Test ${sweep.objective.output}`} series={curves.objective} />
            </div>
          </section>
          <section aria-labelledby="facts-heading">
            <h2 id="facts-heading">The sweep</h2>
            <Summary sweep={sweep} />
            <h3>Parameters searched</h3>
            {/* biome-ignore lint/a11y/noNoninteractiveTabindex: axe: a scrolling box needs the keyboard */}
            <pre class="prototxt" tabIndex={0}>
              {JSON.stringify(sweep.parameters, null, 2)}
            </pre>
          </section>
        </>
      )}
    </>
  );
}
