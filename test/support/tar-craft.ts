/**
 * Hand-made tar archives for tests: raw 512-byte ustar headers, so an archive can hold what
 * node-tar refuses to write (`../` paths, absolute paths, links pointing anywhere), plus small
 * image-folder archives of real Fashion-MNIST images, and a tiny solver and net that train on them
 * in seconds.
 */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import type { ElasticCaffeClient } from '../support/client';
import { fashionMnistDir, fashionMnistFiles } from '../../local/caffe/install';
import { fashionMnistFolders, greyPng } from '../../local/fixtures/fashion-mnist';
import { readIdxImages, readIdxLabels } from '../../local/fixtures/idx';

export type TarEntry =
  | { path: string; type?: 'file'; data: Buffer | string; mode?: number }
  | { path: string; type: 'directory'; mode?: number }
  | { path: string; type: 'symlink' | 'hardlink'; target: string };

const typeFlags = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const;

/** Writes `value` as a NUL-terminated octal number filling `length` bytes. */
function octal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length, 'latin1');
}

/** One ustar header block. Names must fit the 100-byte name field (tests keep them short). */
export function ustarHeader(entry: TarEntry, size: number): Buffer {
  const name = Buffer.from(entry.path, 'utf8');
  if (name.length > 100) throw new Error(`tar-craft: "${entry.path}" is longer than 100 bytes`);
  const header = Buffer.alloc(512);
  name.copy(header, 0);
  const type = entry.type ?? 'file';
  const mode =
    'mode' in entry && entry.mode !== undefined
      ? entry.mode
      : type === 'directory'
        ? 0o755
        : type === 'symlink'
          ? 0o777
          : 0o644;
  octal(header, 100, 8, mode);
  octal(header, 108, 8, 1000); // uid
  octal(header, 116, 8, 1000); // gid
  octal(header, 124, 12, size);
  octal(header, 136, 12, Math.floor(Date.UTC(2024, 0, 1) / 1000));
  header.write(typeFlags[type], 156, 1, 'latin1');
  if ('target' in entry) header.write(entry.target, 157, 100, 'utf8');
  header.write('ustar\0', 257, 6, 'latin1');
  header.write('00', 263, 2, 'latin1');
  header.write('test', 265, 32, 'latin1');
  header.write('test', 297, 32, 'latin1');
  // The checksum is the byte sum of the header with the checksum field read as spaces.
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return header;
}

/** A tar archive of the entries, in order (gzipped when asked). */
export function craftTar(entries: TarEntry[], options: { gzip?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = 'data' in entry ? Buffer.from(entry.data) : Buffer.alloc(0);
    blocks.push(ustarHeader(entry, data.length));
    if (data.length) blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return options.gzip ? gzipSync(tar) : tar;
}

let fashion: Promise<{ pixels: Buffer; labels: Buffer; width: number; height: number; count: number }> | undefined;

/** The Fashion-MNIST test split (10,000 images), read once per test file. */
function fashionMnist(dataDir: string) {
  fashion ??= (async () => {
    const files = fashionMnistFiles(dataDir, 'raw');
    const images = await readIdxImages(files.testImages);
    const labels = await readIdxLabels(files.testLabels);
    return { pixels: images.pixels, labels, width: images.width, height: images.height, count: images.count };
  })();
  return fashion;
}

/**
 * Tar entries for the first `count` Fashion-MNIST test images in image folders
 * (`<n>-<class>/<i>.png`), and how many landed in each folder.
 */
export async function fashionMnistEntries(
  dataDir: string,
  count: number,
): Promise<{ entries: TarEntry[]; counts: Record<string, number> }> {
  const data = await fashionMnist(dataDir);
  const size = data.width * data.height;
  const entries: TarEntry[] = [];
  const counts: Record<string, number> = {};
  const folders = new Set<string>();
  for (let i = 0; i < count; i++) {
    const folder = fashionMnistFolders[data.labels[i]!]!;
    if (!folders.has(folder)) {
      folders.add(folder);
      entries.push({ path: `${folder}/`, type: 'directory' });
    }
    counts[folder] = (counts[folder] ?? 0) + 1;
    entries.push({
      path: `${folder}/${String(i).padStart(5, '0')}.png`,
      data: greyPng(data.pixels.subarray(i * size, (i + 1) * size), data.width, data.height),
    });
  }
  return { entries, counts };
}

/** Registers a datafile and uploads `data` to its presigned URL, as a client would; returns the datafile. */
export async function uploadArchive(
  api: ElasticCaffeClient,
  name: string,
  data: Buffer,
  format = 'image-folders',
): Promise<{ id: string; upload: { url: string } }> {
  const created = await api.request<{
    id: string;
    upload: { url: string; method: string; headers: Record<string, string> };
  }>('POST', '/v1/datafiles', {
    name,
    format,
    sizeBytes: data.length,
  });
  const put = await fetch(created.upload.url, {
    method: created.upload.method,
    headers: created.upload.headers,
    body: data,
  });
  if (!put.ok) throw new Error(`upload of ${name} failed: ${put.status} ${await put.text()}`);
  return created;
}

/**
 * The small dataset most tests train on: `images` Fashion-MNIST images uploaded as an image-folders
 * .tar.gz, and a dataset split from it (`trainingSplit` for training, the rest for testing). With
 * `ready`, waits until the dataset is built and throws (naming its error) unless it is ready.
 */
export async function tinyDataset(
  api: ElasticCaffeClient,
  options: { images: number; trainingSplit?: number; ready?: boolean },
): Promise<{ datafileId: string; datasetId: string }> {
  const { entries } = await fashionMnistEntries(fashionMnistDir(), options.images);
  const datafileId = (await uploadArchive(api, 'tiny', craftTar(entries, { gzip: true }))).id;
  const trainingSplit = options.trainingSplit ?? 0.8;
  const { id: datasetId } = await api.request<{ id: string }>('POST', '/v1/datasets', {
    name: 'tiny',
    training: { datafileId, splitPercentage: trainingSplit },
    testing: { datafileId, splitPercentage: Math.round((1 - trainingSplit) * 100) / 100 },
  });
  if (options.ready) {
    const dataset = await api.waitFor<{ status: string; error?: string }>(
      `/v1/datasets/${datasetId}`,
      (d) => !['pending', 'processing'].includes(d.status),
      {
        timeoutMs: 5 * 60_000,
      },
    );
    if (dataset.status !== 'ready')
      throw new Error(`dataset ${datasetId} is ${dataset.status}: ${dataset.error ?? 'no error recorded'}`);
  }
  return { datafileId, datasetId };
}

/** A solver that trains the tiny net below in a few seconds on CPU (snapshots at 10 and at the end). */
export const tinySolver = (maxIter = 20): string => `test_iter: 1
test_interval: 10
base_lr: 0.01
momentum: 0.9
lr_policy: "fixed"
display: 5
max_iter: ${maxIter}
snapshot: 10
`;

/**
 * A solver for the tiny net that runs until cancelled: far more iterations than a test waits for, few log lines and
 * snapshots.
 */
export const longSolver = `test_iter: 1
test_interval: 200
base_lr: 0.01
momentum: 0.9
lr_policy: "fixed"
display: 50
max_iter: 10000000
snapshot: 1000000
`;

/** A one-layer classifier for 28x28 grey images; `extraLayer` is inserted before the loss. */
export const tinyNet = (extraLayer = ''): string => `name: "tiny"
layer {
  name: "data"
  type: "Data"
  top: "data"
  top: "label"
  include { phase: TRAIN }
  transform_param { scale: 0.00390625 }
  data_param { source: "train" batch_size: 10 backend: LMDB }
}
layer {
  name: "data"
  type: "Data"
  top: "data"
  top: "label"
  include { phase: TEST }
  transform_param { scale: 0.00390625 }
  data_param { source: "test" batch_size: 10 backend: LMDB }
}
layer {
  name: "ip"
  type: "InnerProduct"
  bottom: "data"
  top: "ip"
  inner_product_param { num_output: 10 weight_filler { type: "xavier" } }
}
${extraLayer}layer {
  name: "accuracy"
  type: "Accuracy"
  bottom: "ip"
  bottom: "label"
  top: "accuracy"
  include { phase: TEST }
}
layer {
  name: "loss"
  type: "SoftmaxWithLoss"
  bottom: "ip"
  bottom: "label"
  top: "loss"
}
`;

export interface ZipEntry {
  path: string;
  data?: Buffer | string;
  /** Unix mode including the file type bits (e.g. 0o120777 for a symlink); recorded as made on Unix. */
  mode?: number;
  /** Deflate the data (default true). */
  deflate?: boolean;
}

/** A zip archive of the entries, written by hand so it can hold what zip tools refuse (`../`, links, duplicates). */
export function craftZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.path, 'utf8');
    const raw = Buffer.from(entry.data ?? '');
    const deflate = entry.deflate !== false && raw.length > 0;
    const body = deflate ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made on Unix, so the external attributes hold a mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(name.length, 28);
    const mode = entry.mode ?? (entry.path.endsWith('/') ? 0o040755 : 0o100644);
    central.writeUInt32LE((mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Zip entries for the same image folders as fashionMnistEntries. */
export async function fashionMnistZipEntries(
  dataDir: string,
  count: number,
): Promise<{ entries: ZipEntry[]; counts: Record<string, number> }> {
  const { entries, counts } = await fashionMnistEntries(dataDir, count);
  return {
    entries: entries.flatMap((entry) =>
      'data' in entry ? [{ path: entry.path, data: entry.data }] : [{ path: entry.path }],
    ),
    counts,
  };
}
