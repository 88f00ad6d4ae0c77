/**
 * A new solver: the net and the solver in two prototxt editors, started from a template; the
 * service's complaints come back at their line and column in the editor they belong to; the net is
 * drawn below its editor.
 */
import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { useClient } from '../context';
import { NetGraph, PrototxtEditor } from '../lazy';
import { problemsByField } from '../prototxt-problems';
import { templateById, templates } from '../templates';
import { ErrorAlert, PageHeader, nameOf, useLoad } from '../ui';

/** The net text a moment after the last keystroke, so the drawing is not rebuilt on every key. */
function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export function NewSolverPage() {
  const client = useClient();
  const { query, route } = useLocation();
  const datasets = useLoad(() => client.datasets.list({ limit: 100 }), [client]);
  const ready = (datasets.data?.items ?? []).filter((d) => d.status === 'ready');
  const first = templateById(query.template);
  const [templateId, setTemplateId] = useState(first.id);
  const [name, setName] = useState('');
  const [datasetId, setDatasetId] = useState(query.dataset ?? '');
  const [net, setNet] = useState(first.net);
  const [solver, setSolver] = useState(first.solver);
  const [error, setError] = useState<unknown>();
  const [problems, setProblems] = useState(problemsByField(undefined));
  const [busy, setBusy] = useState(false);
  const drawn = useSettled(net, 400);
  const chosenDataset = datasetId || ready[0]?.id || '';
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const created = await client.solvers.create({ name, datasetId: chosenDataset, net, solver });
      const weightsFrom = query.weightsFrom ? `?weightsFrom=${encodeURIComponent(query.weightsFrom)}` : '';
      route(`/solvers/${created.id}${weightsFrom}`);
    } catch (e) {
      setError(e);
      setProblems(problemsByField(e));
      setBusy(false);
    }
  };
  return (
    <>
      <PageHeader title="New solver" />
      <form
        class="solver-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div class="row">
          <div class="field">
            <label for="solver-name">Name</label>
            <input
              id="solver-name"
              required
              value={name}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          </div>
          <div class="field">
            <label for="solver-dataset">Dataset</label>
            <select
              id="solver-dataset"
              required
              value={chosenDataset}
              onChange={(e) => setDatasetId((e.target as HTMLSelectElement).value)}
            >
              {ready.map((d) => (
                <option key={d.id} value={d.id}>
                  {nameOf(d)}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="template">Template</label>
            <select
              id="template"
              value={templateId}
              onChange={(e) => {
                const template = templateById((e.target as HTMLSelectElement).value);
                setTemplateId(template.id);
                setNet(template.net);
                setSolver(template.solver);
                setProblems(problemsByField(undefined));
              }}
            >
              {templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.title}
                </option>
              ))}
            </select>
          </div>
        </div>
        {datasets.data && !ready.length && (
          <p>
            No dataset is ready yet: <a href="/datasets">build one</a> first.
          </p>
        )}
        {query.weightsFrom && (
          <p class="note">
            Fine-tuning: the job will start from the weights of <code>{query.weightsFrom}</code>.
          </p>
        )}
        <div class="editors">
          <div class="editor-box" data-editor="Net">
            <p class="editor-caption">Net</p>
            <PrototxtEditor
              label="Net"
              value={net}
              onChange={(value) => {
                setNet(value);
                setProblems((p) => ({ ...p, net: [] }));
              }}
              problems={problems.net}
            />
          </div>
          <div class="editor-box" data-editor="Solver">
            <p class="editor-caption">Solver</p>
            <PrototxtEditor
              label="Solver"
              value={solver}
              onChange={(value) => {
                setSolver(value);
                setProblems((p) => ({ ...p, solver: [] }));
              }}
              problems={problems.solver}
            />
          </div>
        </div>
        <ErrorAlert error={error} prefix="The solver was refused" />
        <button type="submit" disabled={busy || !chosenDataset}>
          Create solver
        </button>
      </form>
      <section aria-labelledby="graph-heading">
        <h2 id="graph-heading">The net</h2>
        <NetGraph prototxt={drawn} phase="TRAIN" />
      </section>
    </>
  );
}
