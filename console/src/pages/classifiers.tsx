/**
 * Classifiers: the list, and a classifier's page where images dropped or picked get their top labels
 * as bars. More images than one synchronous call takes run as a classify job, with a table of results
 * and a CSV download.
 */
import { classifyLimits, type ClassifyImage, type ImageResult } from '@elastic-caffe/sdk';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ProbabilityBars } from '../components/bars';
import { resultsCsv } from '../results-csv';
import { useClient } from '../context';
import { Empty, ErrorAlert, PageHeader, ProgressBar, formatDate, nameOf, useLoad, RecordHeader } from '../ui';

export function ClassifiersPage() {
  const client = useClient();
  const list = useLoad(() => client.classifiers.list({ limit: 100 }), [client]);
  const items = list.data?.items ?? [];
  return (
    <>
      <PageHeader title="Classifiers" />
      <ErrorAlert error={list.error} />
      {list.data && !items.length ? (
        <Empty>
          No classifiers yet: open a finished <a href="/training-jobs">training job</a> and choose “Make a classifier”.
        </Empty>
      ) : (
        <table class="records">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Labels</th>
              <th scope="col">Input</th>
              <th scope="col">Training job</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <th scope="row">
                  <a href={`/classifiers/${c.id}`}>{nameOf(c)}</a>
                </th>
                <td class="number">{c.labels.length}</td>
                <td>
                  {c.preprocessing.channels} × {c.preprocessing.height} × {c.preprocessing.width}
                </td>
                <td>
                  <a href={`/training-jobs/${c.trainingJobId}`}>{c.trainingJobId}</a>
                </td>
                <td>{formatDate(c.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const asImage = (file: File): ClassifyImage => ({
  name: file.name,
  size: file.size,
  read: (start, end) => file.slice(start, end),
});

function Thumbnail({ file }: { file: File }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const made = URL.createObjectURL(file);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [file]);
  return url ? <img class="thumb" src={url} alt={file.name} width={64} height={64} /> : null;
}

function Classify({ classifierId }: { classifierId: string }) {
  const client = useClient();
  const [files, setFiles] = useState<File[]>([]);
  const [results, setResults] = useState<ImageResult[]>();
  const [progress, setProgress] = useState<{ classified: number; total: number; jobId?: string }>();
  const [error, setError] = useState<unknown>();
  const [dragging, setDragging] = useState(false);
  const run = async (picked: File[]) => {
    const images = picked.filter((f) => f.type.startsWith('image/') || /\.(png|jpe?g|bmp)$/i.test(f.name));
    setFiles(images);
    setResults(undefined);
    setError(undefined);
    if (!images.length) return setError(new Error('no images among the files (PNG, JPEG or BMP)'));
    setProgress({ classified: 0, total: images.length });
    try {
      const answer = await client.classify(classifierId, images.map(asImage), {
        topK: 5,
        // One synchronous call's worth at most; more become a classify job.
        maxSyncImages: classifyLimits.maxImages,
        onProgress: (p) =>
          setProgress({ classified: p.classified, total: p.total, ...(p.jobId ? { jobId: p.jobId } : {}) }),
      });
      setResults(answer);
    } catch (e) {
      setError(e);
    } finally {
      setProgress(undefined);
    }
  };
  const asJob = files.length > classifyLimits.maxImages;
  const csvUrl = useMemo(
    () => (results && asJob ? URL.createObjectURL(new Blob([resultsCsv(results)], { type: 'text/csv' })) : undefined),
    [results, asJob],
  );
  useEffect(() => () => csvUrl && URL.revokeObjectURL(csvUrl), [csvUrl]);
  return (
    <section class="card" aria-labelledby="classify-heading">
      <h2 id="classify-heading">Classify images</h2>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target; its inputs serve keyboards */}
      <div
        class={dragging ? 'dropzone dragging' : 'dropzone'}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void run([...(e.dataTransfer?.files ?? [])]);
        }}
      >
        <p>
          Drop images here, or{' '}
          <label class="button secondary">
            Choose images
            <input
              class="visually-hidden"
              type="file"
              accept="image/*"
              multiple
              onChange={(e) => void run([...((e.target as HTMLInputElement).files ?? [])])}
            />
          </label>
        </p>
        <p class="muted">Up to {classifyLimits.maxImages} images are answered at once; more run as a classify job.</p>
      </div>
      {progress && (
        <p class="progress-line">
          <ProgressBar label="Classifying" value={progress.classified} max={progress.total} />
          {` ${progress.classified} of `}
          {progress.total}
          {progress.jobId && (
            <>
              {' '}
              (classify job <code>{progress.jobId}</code>)
            </>
          )}
        </p>
      )}
      <ErrorAlert error={error} prefix="Classifying failed" />
      {results && !asJob && (
        <ul class="results" aria-label="Results">
          {results.map((r, i) => (
            <li key={`${i}-${r.image}`}>
              {files[i] && <Thumbnail file={files[i]} />}
              {r.top ? (
                <ProbabilityBars caption={r.image} top={r.top} />
              ) : (
                <p role="alert">
                  {r.image}: {r.error}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {results && asJob && (
        <>
          <p>
            <a class="button" href={csvUrl} download="classified.csv">
              Download the results (CSV)
            </a>
          </p>
          <table class="records">
            <caption>Results</caption>
            <thead>
              <tr>
                <th scope="col">Image</th>
                <th scope="col">Top label</th>
                <th scope="col">Probability</th>
              </tr>
            </thead>
            <tbody>
              {results.map((r, i) => (
                <tr key={`${i}-${r.image}`}>
                  <th scope="row">{r.image}</th>
                  <td>{r.top?.[0]?.label ?? r.error ?? '—'}</td>
                  <td class="number">{r.top?.[0] ? `${(100 * r.top[0].probability).toFixed(1)}%` : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function ClassifierPage({ id }: { id: string }) {
  const client = useClient();
  const record = useLoad(() => client.classifiers.get(id), [client, id]);
  const classifier = record.data;
  return (
    <>
      <RecordHeader
        noun="Classifier"
        record={classifier}
        remove={() => client.classifiers.delete(id)}
        listPath="/classifiers"
      />
      <ErrorAlert error={record.error} />
      {classifier && (
        <>
          <dl class="facts">
            <dt>Id</dt>
            <dd>
              <code>{classifier.id}</code>
            </dd>
            <dt>Labels</dt>
            <dd>{classifier.labels.join(', ')}</dd>
            <dt>Input</dt>
            <dd>
              {classifier.preprocessing.channelOrder}, {classifier.preprocessing.width} ×{' '}
              {classifier.preprocessing.height}
            </dd>
            <dt>From</dt>
            <dd>
              <a href={`/training-jobs/${classifier.trainingJobId}`}>{classifier.trainingJobId}</a> at iteration{' '}
              {classifier.iteration}
            </dd>
          </dl>
          <Classify classifierId={id} />
        </>
      )}
    </>
  );
}
