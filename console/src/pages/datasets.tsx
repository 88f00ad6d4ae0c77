/**
 * Datasets: a form (training datafile; a test split of it or another datafile; resize; grey or
 * colour), the list, and a dataset's page with its class counts as bars and sample images per class.
 */
import type { CreateDataset, Dataset } from '@elastic-caffe/sdk';
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { datasetSamples } from '../api-extras';
import { CountBars } from '../components/bars';
import { useClient } from '../context';
import {
  Empty,
  ErrorAlert,
  PageHeader,
  StatusBadge,
  formatDate,
  isActive,
  nameOf,
  useInterval,
  useLoad,
  RecordHeader,
} from '../ui';

type Channels = 'detect' | 'grey' | 'colour';

function NewDatasetForm({ onCreated }: { onCreated: (dataset: Dataset) => void }) {
  const client = useClient();
  const { query } = useLocation();
  const datafiles = useLoad(() => client.datafiles.list({ limit: 100 }), [client]);
  const ready = (datafiles.data?.items ?? []).filter((d) => d.status === 'ready');
  const [name, setName] = useState('');
  const [training, setTraining] = useState(query.datafile ?? '');
  const [testing, setTesting] = useState<'split' | 'datafile'>('split');
  const [testDatafile, setTestDatafile] = useState('');
  const [testPercent, setTestPercent] = useState(20);
  const [width, setWidth] = useState('');
  const [height, setHeight] = useState('');
  const [channels, setChannels] = useState<Channels>('detect');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const trainingId = training || ready[0]?.id || '';
  const submit = async () => {
    const transform: NonNullable<CreateDataset['transform']> = {
      ...(width && height ? { width: Number(width), height: Number(height), resizeMode: 'stretch' as const } : {}),
      ...(channels !== 'detect' ? { grayscale: channels === 'grey' } : {}),
    };
    const body: CreateDataset = {
      name,
      ...(testing === 'split'
        ? {
            training: { datafileId: trainingId, splitPercentage: (100 - testPercent) / 100 },
            testing: { datafileId: trainingId, splitPercentage: testPercent / 100 },
          }
        : {
            training: { datafileId: trainingId, splitPercentage: 0 },
            testing: { datafileId: testDatafile, splitPercentage: 0 },
          }),
      ...(Object.keys(transform).length ? { transform } : {}),
    };
    setBusy(true);
    setError(undefined);
    try {
      onCreated(await client.datasets.create(body));
      setName('');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const datafileOptions = ready.map((d) => (
    <option key={d.id} value={d.id}>
      {nameOf(d)} ({d.labels?.length ?? 0} labels)
    </option>
  ));
  return (
    <form
      class="card"
      aria-labelledby="new-dataset"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="new-dataset">New dataset</h2>
      {datafiles.data && !ready.length && (
        <p>
          No datafile is ready yet: <a href="/datafiles">upload one</a> first.
        </p>
      )}
      <div class="row">
        <div class="field">
          <label for="dataset-name">Name</label>
          <input
            id="dataset-name"
            required
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="training-datafile">Training datafile</label>
          <select
            id="training-datafile"
            required
            value={trainingId}
            onChange={(e) => setTraining((e.target as HTMLSelectElement).value)}
          >
            {datafileOptions}
          </select>
        </div>
      </div>
      <fieldset>
        <legend>Testing images</legend>
        <div class="field checkbox">
          <input
            type="radio"
            id="testing-split"
            name="testing"
            checked={testing === 'split'}
            onChange={() => setTesting('split')}
          />
          <label for="testing-split">Split them off the training datafile</label>
        </div>
        {testing === 'split' && (
          <div class="field indent">
            <label for="test-percent">Share for testing (%)</label>
            <input
              id="test-percent"
              type="number"
              min={1}
              max={90}
              required
              value={testPercent}
              onInput={(e) => setTestPercent(Number((e.target as HTMLInputElement).value))}
            />
          </div>
        )}
        <div class="field checkbox">
          <input
            type="radio"
            id="testing-datafile"
            name="testing"
            checked={testing === 'datafile'}
            onChange={() => setTesting('datafile')}
          />
          <label for="testing-datafile">Use another datafile</label>
        </div>
        {testing === 'datafile' && (
          <div class="field indent">
            <label for="test-datafile">Testing datafile</label>
            <select
              id="test-datafile"
              required
              value={testDatafile}
              onChange={(e) => setTestDatafile((e.target as HTMLSelectElement).value)}
            >
              <option value="">Choose…</option>
              {datafileOptions}
            </select>
          </div>
        )}
      </fieldset>
      <div class="row">
        <div class="field">
          <label for="resize-width">Resize width (px)</label>
          <input
            id="resize-width"
            type="number"
            min={1}
            max={4096}
            placeholder="as they are"
            value={width}
            required={height !== ''}
            onInput={(e) => setWidth((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="resize-height">Resize height (px)</label>
          <input
            id="resize-height"
            type="number"
            min={1}
            max={4096}
            placeholder="as they are"
            value={height}
            required={width !== ''}
            onInput={(e) => setHeight((e.target as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="channels">Channels</label>
          <select
            id="channels"
            value={channels}
            onChange={(e) => setChannels((e.target as HTMLSelectElement).value as Channels)}
          >
            <option value="detect">Detect from the images</option>
            <option value="grey">Grey (1 channel)</option>
            <option value="colour">Colour (3 channels)</option>
          </select>
        </div>
      </div>
      <ErrorAlert error={error} prefix="The dataset was refused" />
      <button type="submit" disabled={busy || !trainingId}>
        Build dataset
      </button>
    </form>
  );
}

export function DatasetsPage() {
  const client = useClient();
  const { route } = useLocation();
  const list = useLoad(() => client.datasets.list({ limit: 100 }), [client]);
  const items = list.data?.items ?? [];
  useInterval(
    list.reload,
    1500,
    items.some((d) => isActive(d.status)),
  );
  return (
    <>
      <PageHeader title="Datasets" />
      <NewDatasetForm onCreated={(dataset) => route(`/datasets/${dataset.id}`)} />
      <section aria-labelledby="datasets-heading">
        <h2 id="datasets-heading">Your datasets</h2>
        <ErrorAlert error={list.error} />
        {list.data && !items.length ? (
          <Empty>No datasets yet.</Empty>
        ) : (
          <table class="records">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Labels</th>
                <th scope="col">Shape</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <th scope="row">
                    <a href={`/datasets/${d.id}`}>{nameOf(d)}</a>
                  </th>
                  <td>
                    <StatusBadge status={d.status} />
                  </td>
                  <td class="number">{d.labels?.length ?? '—'}</td>
                  <td>{d.shape ? `${d.shape.channels} × ${d.shape.height} × ${d.shape.width}` : '—'}</td>
                  <td>{formatDate(d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function Samples({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const samples = useLoad(() => datasetSamples(client, datasetId), [client, datasetId]);
  if (samples.error) return <ErrorAlert error={samples.error} prefix="Samples" />;
  if (samples.loading && !samples.data) return <p>Loading samples…</p>;
  if (!samples.data) return <p class="muted">Sample images are not available from this API.</p>;
  return (
    <div class="samples">
      {samples.data.classes.map((c) => (
        <figure key={c.label}>
          <figcaption>
            {c.label} <span class="muted">({c.count})</span>
          </figcaption>
          <div class="thumbs">
            {c.samples.map((s, i) => (
              <img
                key={s.url}
                src={s.url}
                width={Math.min(s.width, 64)}
                height={Math.round((Math.min(s.width, 64) * s.height) / Math.max(1, s.width))}
                alt={`${c.label} sample ${i + 1}`}
              />
            ))}
          </div>
        </figure>
      ))}
    </div>
  );
}

export function DatasetPage({ id }: { id: string }) {
  const client = useClient();
  const record = useLoad(() => client.datasets.get(id), [client, id]);
  const dataset = record.data;
  useInterval(record.reload, 1500, isActive(dataset?.status));
  return (
    <>
      <RecordHeader noun="Dataset" record={dataset} remove={() => client.datasets.delete(id)} listPath="/datasets">
        {dataset?.status === 'ready' && (
          <a class="button" href={`/solvers/new?dataset=${id}`}>
            New solver on it
          </a>
        )}
      </RecordHeader>
      <ErrorAlert error={record.error} />
      {dataset && (
        <>
          <dl class="facts">
            <dt>Id</dt>
            <dd>
              <code>{dataset.id}</code>
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={dataset.status} />
            </dd>
            <dt>Training datafile</dt>
            <dd>
              <a href={`/datafiles/${dataset.training.datafileId}`}>{dataset.training.datafileId}</a>
            </dd>
            <dt>Testing datafile</dt>
            <dd>
              <a href={`/datafiles/${dataset.testing.datafileId}`}>{dataset.testing.datafileId}</a>
            </dd>
            <dt>Image shape</dt>
            <dd>
              {dataset.shape
                ? `${dataset.shape.channels} channel(s), ${dataset.shape.width} × ${dataset.shape.height}`
                : '—'}
            </dd>
            <dt>Created</dt>
            <dd>{formatDate(dataset.createdAt)}</dd>
          </dl>
          {dataset.error && (
            <div class="alert" role="alert">
              {dataset.error}
            </div>
          )}
          {dataset.counts && (
            <div class="two-columns">
              <CountBars title="Training images per class" counts={dataset.counts.training} />
              <CountBars title="Testing images per class" counts={dataset.counts.testing} />
            </div>
          )}
          {dataset.status === 'ready' && (
            <section aria-labelledby="samples-heading">
              <h2 id="samples-heading">Samples</h2>
              <Samples datasetId={id} />
            </section>
          )}
        </>
      )}
    </>
  );
}
