/**
 * Datafiles: upload an archive or a folder of class folders (dropped, or picked with a file input),
 * with a progress bar — the SDK sends big files as a multipart upload, retrying parts and resuming —
 * and the list with status, detected format, labels and counts; a datafile's page; delete.
 */
import type { ByteSource, CreateDatafile, Datafile } from '@elastic-caffe/sdk';
import { UploadError } from '@elastic-caffe/sdk';
import { useState } from 'preact/hooks';
import { CountBars } from '../components/bars';
import { useClient } from '../context';
import { droppedSource, folderSource, pickedFolder } from '../folder-source';
import {
  DeleteButton,
  Empty,
  ErrorAlert,
  PageHeader,
  ProgressBar,
  StatusBadge,
  formatBytes,
  formatDate,
  isActive,
  nameOf,
  useInterval,
  useLoad,
  RecordHeader,
} from '../ui';
import { blobSource } from '@elastic-caffe/sdk';

const formats: Array<{ value: CreateDatafile['format']; text: string }> = [
  { value: 'image-folders', text: 'Image folders (one folder per class)' },
  { value: 'idx', text: 'IDX (MNIST files)' },
  { value: 'lmdb', text: 'LMDB' },
  { value: 'leveldb', text: 'LevelDB' },
];

const imageCount = (d: Datafile) =>
  d.counts ? Object.values(d.counts).reduce((a, b) => a + b, 0) : (d.entries ?? undefined);

function Uploader({ onUploaded }: { onUploaded: (datafile: Datafile) => void }) {
  const client = useClient();
  const [source, setSource] = useState<ByteSource>();
  const [name, setName] = useState('');
  const [format, setFormat] = useState<CreateDatafile['format']>('image-folders');
  const [progress, setProgress] = useState<{ sent: number; total: number }>();
  const [error, setError] = useState<unknown>();
  const [resumable, setResumable] = useState<string>();
  const [dragging, setDragging] = useState(false);
  const pick = (picked: ByteSource) => {
    setSource(picked);
    setName(picked.name?.replace(/\.(tar|tar\.gz|tgz|zip)$/, '') ?? '');
    setError(undefined);
    setResumable(undefined);
  };
  const choose = (make: () => ByteSource) => {
    try {
      pick(make());
    } catch (e) {
      setError(e);
    }
  };
  const upload = async (resume?: string) => {
    if (!source) return;
    setError(undefined);
    setProgress({ sent: 0, total: source.size });
    try {
      const datafile = await client.upload(source, {
        name: name || source.name || 'upload',
        format,
        onProgress: (p) => setProgress({ sent: p.sentBytes, total: p.totalBytes }),
        ...(resume ? { resume } : {}),
      });
      setSource(undefined);
      setName('');
      setResumable(undefined);
      onUploaded(datafile);
    } catch (e) {
      setError(e);
      setResumable(e instanceof UploadError && e.resumable ? e.datafileId : undefined);
    } finally {
      setProgress(undefined);
    }
  };
  return (
    <section class="card" aria-labelledby="upload-heading">
      <h2 id="upload-heading">Upload</h2>
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
          if (e.dataTransfer) droppedSource(e.dataTransfer.items).then(pick, setError);
        }}
      >
        <p>Drop an archive (.tar, .tar.gz, .zip) or a folder with one sub-folder of images per class here, or</p>
        <div class="pickers">
          <label class="button secondary">
            Choose an archive
            <input
              class="visually-hidden"
              type="file"
              accept=".tar,.tgz,.gz,.zip,.mdb,application/x-tar,application/gzip,application/zip"
              onChange={(e) => {
                const file = (e.target as HTMLInputElement).files?.[0];
                if (file) choose(() => blobSource(file));
              }}
            />
          </label>
          <label class="button secondary">
            Choose a folder
            <input
              class="visually-hidden"
              type="file"
              {...{ webkitdirectory: true }}
              multiple
              onChange={(e) => {
                const list = (e.target as HTMLInputElement).files;
                if (list?.length)
                  choose(() => {
                    const { files, name: folder } = pickedFolder(list);
                    return folderSource(files, folder);
                  });
              }}
            />
          </label>
        </div>
      </div>
      {source && (
        <form
          class="upload-form"
          onSubmit={(e) => {
            e.preventDefault();
            void upload();
          }}
        >
          <p>
            Ready: <strong>{source.name}</strong> ({formatBytes(source.size)})
          </p>
          <div class="row">
            <div class="field">
              <label for="datafile-name">Name</label>
              <input
                id="datafile-name"
                value={name}
                required
                onInput={(e) => setName((e.target as HTMLInputElement).value)}
              />
            </div>
            <div class="field">
              <label for="datafile-format">Format</label>
              <select
                id="datafile-format"
                value={format}
                onChange={(e) => setFormat((e.target as HTMLSelectElement).value as CreateDatafile['format'])}
              >
                {formats.map((f) => (
                  <option key={f.value} value={f.value}>
                    {f.text}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <button type="submit" disabled={progress !== undefined}>
            Upload
          </button>
        </form>
      )}
      {progress && (
        <p class="progress-line">
          <ProgressBar label="Upload progress" value={progress.sent} max={progress.total || 1} />{' '}
          {formatBytes(progress.sent)} of {formatBytes(progress.total)}
        </p>
      )}
      <ErrorAlert error={error} prefix="The upload failed" />
      {resumable && (
        <button type="button" onClick={() => void upload(resumable)}>
          Resume the upload
        </button>
      )}
    </section>
  );
}

function DatafileRow({ datafile, onDeleted }: { datafile: Datafile; onDeleted: () => void }) {
  const client = useClient();
  const labels = datafile.labels ?? [];
  return (
    <tr>
      <th scope="row">
        <a href={`/datafiles/${datafile.id}`}>{nameOf(datafile)}</a>
      </th>
      <td>
        <StatusBadge status={datafile.status} />
      </td>
      <td>{datafile.detectedFormat ?? datafile.format}</td>
      <td class="wrap">
        {labels.length ? `${labels.length}: ${labels.slice(0, 4).join(', ')}${labels.length > 4 ? ', …' : ''}` : '—'}
      </td>
      <td class="number">{imageCount(datafile) ?? '—'}</td>
      <td class="number">{formatBytes(datafile.sizeBytes)}</td>
      <td>{formatDate(datafile.createdAt)}</td>
      <td>
        <DeleteButton
          what={nameOf(datafile)}
          onDelete={async () => {
            await client.datafiles.delete(datafile.id);
            onDeleted();
          }}
        />
      </td>
    </tr>
  );
}

export function DatafilesPage() {
  const client = useClient();
  const list = useLoad(() => client.datafiles.list({ limit: 100 }), [client]);
  const items = list.data?.items ?? [];
  useInterval(
    list.reload,
    1500,
    items.some((d) => isActive(d.status)),
  );
  return (
    <>
      <PageHeader title="Datafiles" />
      <Uploader onUploaded={list.reload} />
      <section aria-labelledby="datafiles-heading">
        <h2 id="datafiles-heading">Your datafiles</h2>
        <ErrorAlert error={list.error} />
        {list.data && !items.length ? (
          <Empty>No datafiles yet: upload one above.</Empty>
        ) : (
          <table class="records">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Format</th>
                <th scope="col">Labels</th>
                <th scope="col">Images</th>
                <th scope="col">Size</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <DatafileRow key={d.id} datafile={d} onDeleted={list.reload} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

export function DatafilePage({ id }: { id: string }) {
  const client = useClient();
  const record = useLoad(() => client.datafiles.get(id), [client, id]);
  const datafile = record.data;
  useInterval(record.reload, 1500, isActive(datafile?.status));
  return (
    <>
      <RecordHeader
        noun="Datafile"
        record={datafile}
        remove={() => client.datafiles.delete(id)}
        listPath="/datafiles"
      />
      <ErrorAlert error={record.error} />
      {datafile && (
        <>
          <dl class="facts">
            <dt>Id</dt>
            <dd>
              <code>{datafile.id}</code>
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={datafile.status} />
            </dd>
            <dt>Format</dt>
            <dd>{datafile.detectedFormat ?? datafile.format}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(datafile.sizeBytes)}</dd>
            <dt>Entries</dt>
            <dd>{datafile.entries ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{formatDate(datafile.createdAt)}</dd>
          </dl>
          {datafile.error && (
            <div class="alert" role="alert">
              {datafile.error}
            </div>
          )}
          {datafile.counts && <CountBars title="Images per label" counts={datafile.counts} />}
          {datafile.status === 'ready' && (
            <p>
              <a class="button" href={`/datasets?datafile=${datafile.id}`}>
                Build a dataset from it
              </a>
            </p>
          )}
        </>
      )}
    </>
  );
}
