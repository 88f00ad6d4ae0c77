/**
 * Models: register one (upload a .caffemodel, or import it from a URL, with an optional deploy net,
 * labels file and preprocessing), the list with status, labels and lineage (the training job, solver
 * and dataset a published model came from), and a model's page: Caffe's error when its check failed,
 * the deploy net read-only and drawn, labels, preprocessing and actions (make a classifier, fine-tune
 * from it, delete — a model in use answers 409, shown as the problem's detail).
 */
import type { CreateModel, Model } from '@elastic-caffe/sdk';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { useClient } from '../context';
import { NetGraph } from '../lazy';
import { parseLabels } from '../model-form';
import {
  Empty,
  ErrorAlert,
  PageHeader,
  ProgressBar,
  StatusBadge,
  formatBytes,
  formatDate,
  nameOf,
  useInterval,
  useLoad,
  RecordHeader,
} from '../ui';

type Preprocessing = NonNullable<CreateModel['preprocessing']>;
/** A model the service is still checking with Caffe changes by itself; one awaiting its upload waits for a person. */
const checking = (model: Model | undefined) => model?.status === 'checking';

const sources: Record<Model['source'], string> = {
  upload: 'uploaded',
  url: 'imported from a URL',
  'training-job': 'published from a training job',
};

/** The training job, solver and dataset a published model came from, as links. */
function Lineage({ model }: { model: Model }) {
  const from = model.lineage;
  if (!from) return <>{model.sourceUrl ? <code>{model.sourceUrl}</code> : sources[model.source]}</>;
  return (
    <span class="lineage">
      <span>
        job <a href={`/training-jobs/${from.trainingJobId}`}>{from.trainingJobId}</a> (iteration {from.iteration})
      </span>
      <span>
        solver <a href={`/solvers/${from.solverId}`}>{from.solverId}</a>
      </span>
      <span>
        dataset <a href={`/datasets/${from.datasetId}`}>{from.datasetId}</a>
      </span>
    </span>
  );
}

const readFile = (input: HTMLInputElement | null) => input?.files?.[0];

/** Register a model: its weights uploaded from a file or imported from a URL, and what describes them. */
function RegisterForm({ onRegistered }: { onRegistered: () => void }) {
  const client = useClient();
  const [from, setFrom] = useState<'file' | 'url'>('file');
  const [weights, setWeights] = useState<File>();
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const [deploy, setDeploy] = useState<File>();
  const [labels, setLabels] = useState<File>();
  const [shape, setShape] = useState({ channels: '', width: '', height: '', scale: '' });
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const register = async () => {
    const described: Omit<CreateModel, 'name'> = {};
    if (deploy) described.deploy = await deploy.text();
    if (labels) described.labels = parseLabels(await labels.text());
    if (shape.channels) {
      const preprocessing: Preprocessing = {
        channels: Number(shape.channels) as 1 | 3,
        width: Number(shape.width),
        height: Number(shape.height),
      };
      if (shape.scale) preprocessing.scale = Number(shape.scale);
      described.preprocessing = preprocessing;
    }
    if (from === 'url') {
      await client.models.create({ name: name || url.split('/').pop() || 'model', url: url.trim(), ...described });
      return;
    }
    if (!weights) throw new Error('Choose a .caffemodel file first.');
    setProgress({ sent: 0, total: weights.size });
    await client.uploadModel(weights, {
      name: name || weights.name.replace(/\.caffemodel$/, ''),
      model: described,
      onProgress: (p) => setProgress({ sent: p.sentBytes, total: p.totalBytes }),
    });
  };
  return (
    <form
      class="card"
      aria-labelledby="register-heading"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await register();
          setWeights(undefined);
          setUrl('');
          setName('');
          (e.target as HTMLFormElement).reset();
          onRegistered();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
          setProgress(undefined);
        }
      }}
    >
      <h2 id="register-heading">Register a model</h2>
      <fieldset class="choice">
        <legend>The weights</legend>
        <label>
          <input type="radio" name="model-from" checked={from === 'file'} onChange={() => setFrom('file')} /> Upload a
          .caffemodel file
        </label>
        <label>
          <input type="radio" name="model-from" checked={from === 'url'} onChange={() => setFrom('url')} /> Import from
          a URL
        </label>
      </fieldset>
      <div class="row">
        {from === 'file' ? (
          <div class="field">
            <label for="model-weights">Weights (.caffemodel)</label>
            <input
              id="model-weights"
              type="file"
              accept=".caffemodel"
              required
              onChange={(e) => setWeights(readFile(e.target as HTMLInputElement))}
            />
          </div>
        ) : (
          <div class="field wide">
            <label for="model-url">URL of the .caffemodel</label>
            <input
              id="model-url"
              type="url"
              required
              placeholder="https://…/bvlc_reference_caffenet.caffemodel"
              value={url}
              onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            />
          </div>
        )}
        <div class="field">
          <label for="model-name">Name (optional)</label>
          <input id="model-name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} />
        </div>
      </div>
      <div class="row">
        <div class="field">
          <label for="model-deploy">Deploy net (.prototxt, optional)</label>
          <input
            id="model-deploy"
            type="file"
            accept=".prototxt,.txt,text/plain"
            onChange={(e) => setDeploy(readFile(e.target as HTMLInputElement))}
          />
        </div>
        <div class="field">
          <label for="model-labels">Labels (one per line, optional)</label>
          <input
            id="model-labels"
            type="file"
            accept=".txt,text/plain"
            onChange={(e) => setLabels(readFile(e.target as HTMLInputElement))}
          />
        </div>
      </div>
      <fieldset class="row">
        <legend>Preprocessing (optional: what a classifier feeds the net)</legend>
        <div class="field">
          <label for="model-channels">Channels</label>
          <select
            id="model-channels"
            value={shape.channels}
            onChange={(e) => setShape({ ...shape, channels: (e.target as HTMLSelectElement).value })}
          >
            <option value="">—</option>
            <option value="1">1 (grey)</option>
            <option value="3">3 (colour)</option>
          </select>
        </div>
        {(['width', 'height', 'scale'] as const).map((key) => (
          <div class="field" key={key}>
            <label for={`model-${key}`}>{key[0]!.toUpperCase() + key.slice(1)}</label>
            <input
              id={`model-${key}`}
              type="number"
              min={key === 'scale' ? 0 : 1}
              step={key === 'scale' ? 'any' : 1}
              required={key !== 'scale' && shape.channels !== ''}
              value={shape[key]}
              onInput={(e) => setShape({ ...shape, [key]: (e.target as HTMLInputElement).value })}
            />
          </div>
        ))}
      </fieldset>
      {progress && (
        <p class="progress-line">
          <ProgressBar label="Upload progress" value={progress.sent} max={progress.total || 1} />{' '}
          {formatBytes(progress.sent)} of {formatBytes(progress.total)}
        </p>
      )}
      <ErrorAlert error={error} prefix="The model was refused" />
      <button type="submit" disabled={busy}>
        {from === 'file' ? 'Upload the model' : 'Import the model'}
      </button>
    </form>
  );
}

export function ModelsPage() {
  const client = useClient();
  const list = useLoad(() => client.models.list({ limit: 100 }), [client]);
  const items = list.data?.items ?? [];
  useInterval(list.reload, 1500, items.some(checking));
  return (
    <>
      <PageHeader title="Models" />
      <RegisterForm onRegistered={list.reload} />
      <section aria-labelledby="models-heading">
        <h2 id="models-heading">Your models</h2>
        <ErrorAlert error={list.error} />
        {list.data && !items.length ? (
          <Empty>No models yet: publish one from a finished training job, or register one above.</Empty>
        ) : (
          <table class="records">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Labels</th>
                <th scope="col">Came from</th>
                <th scope="col">Size</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((model) => (
                <tr key={model.id}>
                  <th scope="row">
                    <a href={`/models/${model.id}`}>{nameOf(model)}</a>
                  </th>
                  <td>
                    <StatusBadge status={model.status} />
                  </td>
                  <td class="number">{model.labels?.length ?? '—'}</td>
                  <td class="wrap">
                    <Lineage model={model} />
                  </td>
                  <td class="number">{formatBytes(model.sizeBytes)}</td>
                  <td>{formatDate(model.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function Actions({ model }: { model: Model }) {
  const client = useClient();
  const { route } = useLocation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  if (model.status !== 'ready') return null;
  return (
    <section aria-labelledby="actions-heading" class="actions">
      <h2 id="actions-heading" class="visually-hidden">
        Actions
      </h2>
      <div class="row">
        <button
          type="button"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              const classifier = await client.classifiers.create({ modelId: model.id, name: nameOf(model) });
              route(`/classifiers/${classifier.id}`);
            } catch (e) {
              setError(e);
              setBusy(false);
            }
          }}
        >
          Make a classifier
        </button>
        <a class="button secondary" href={`/training-jobs?weightsFrom=${model.id}`}>
          Fine-tune from this model
        </a>
      </div>
      <ErrorAlert error={error} prefix="Could not make a classifier" />
    </section>
  );
}

export function ModelPage({ id }: { id: string }) {
  const client = useClient();
  const record = useLoad(() => client.models.get(id), [client, id]);
  const model = record.data;
  useInterval(record.reload, 1500, checking(model));
  const pre = model?.preprocessing;
  return (
    <>
      <RecordHeader noun="Model" record={model} remove={() => client.models.delete(id)} listPath="/models" />
      <ErrorAlert error={record.error} />
      {model && (
        <>
          <dl class="facts">
            <dt>Id</dt>
            <dd>
              <code>{model.id}</code>
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={model.status} />
            </dd>
            <dt>Came from</dt>
            <dd>
              <Lineage model={model} />
            </dd>
            <dt>Size</dt>
            <dd>{formatBytes(model.sizeBytes)}</dd>
            <dt>Input, output</dt>
            <dd>
              {model.input ? <code>{model.input}</code> : '—'}, {model.output ? <code>{model.output}</code> : '—'}
            </dd>
            <dt>Preprocessing</dt>
            <dd>
              {pre
                ? `${pre.channels === 1 ? 'grey' : `colour (${pre.channelOrder})`}, ${pre.width} × ${pre.height}` +
                  `${pre.cropSize ? `, cropped to ${pre.cropSize}` : ''}, scale ${pre.scale}` +
                  `${pre.mean ? `, mean ${pre.mean.join(' ')}` : ''}${pre.meanFile ? ', the dataset’s mean image' : ''}`
                : '—'}
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(model.createdAt)}</dd>
          </dl>
          {model.error && (
            <div class="alert" role="alert">
              <p>Caffe could not load the weights: {model.error}</p>
            </div>
          )}
          <Actions model={model} />
          <div class="two-columns">
            <section aria-labelledby="labels-heading">
              <h2 id="labels-heading">Labels</h2>
              {model.labels?.length ? (
                <ol class="labels">
                  {model.labels.map((label, i) => (
                    <li key={`${i}:${label}`}>{label}</li>
                  ))}
                </ol>
              ) : (
                <Empty>No labels: a classifier answers class numbers.</Empty>
              )}
            </section>
            <section aria-labelledby="deploy-heading">
              <h2 id="deploy-heading">Deploy net</h2>
              {model.deploy ? (
                // biome-ignore lint/a11y/noNoninteractiveTabindex: axe: a scrolling box needs the keyboard
                <pre class="prototxt" tabIndex={0}>
                  {model.deploy}
                </pre>
              ) : (
                <Empty>None: give one when making a classifier from it.</Empty>
              )}
            </section>
          </div>
          {model.deploy && (
            <section aria-labelledby="drawing">
              <h2 id="drawing">The deploy net, drawn</h2>
              <NetGraph prototxt={model.deploy} phase="TEST" />
            </section>
          )}
        </>
      )}
    </>
  );
}
