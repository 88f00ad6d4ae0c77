/**
 * Hand-made tar archives for tests: raw 512-byte ustar headers, so an archive can hold what
 * node-tar refuses to write (`../` paths, absolute paths, links pointing anywhere), plus small
 * image-folder archives of real Fashion-MNIST images, and a tiny solver and net that train on them
 * in seconds.
 */
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { ElasticCaffeClient } from '../../local/client';
import { fashionMnistFiles } from '../../local/caffe/install';
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
  const mode = 'mode' in entry && entry.mode !== undefined ? entry.mode : type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644;
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
export async function fashionMnistEntries(dataDir: string, count: number): Promise<{ entries: TarEntry[]; counts: Record<string, number> }> {
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
    entries.push({ path: `${folder}/${String(i).padStart(5, '0')}.png`, data: greyPng(data.pixels.subarray(i * size, (i + 1) * size), data.width, data.height) });
  }
  return { entries, counts };
}

/** Writes a gzipped image-folders archive of `count` Fashion-MNIST images to `out`; returns per-folder counts. */
export async function writeSmallFashionArchive(dataDir: string, count: number, out: string): Promise<Record<string, number>> {
  const { entries, counts } = await fashionMnistEntries(dataDir, count);
  await writeFile(out, craftTar(entries, { gzip: true }));
  return counts;
}

/** Registers a datafile and uploads `data` to its presigned URL, as a client would; returns the datafile. */
export async function uploadArchive(api: ElasticCaffeClient, name: string, data: Buffer): Promise<{ id: string; upload: { url: string } }> {
  const created = await api.request<{ id: string; upload: { url: string; method: string; headers: Record<string, string> } }>('POST', '/v1/datafiles', {
    name,
    format: 'image-folders',
    sizeBytes: data.length,
  });
  const put = await fetch(created.upload.url, { method: created.upload.method, headers: created.upload.headers, body: data });
  if (!put.ok) throw new Error(`upload of ${name} failed: ${put.status} ${await put.text()}`);
  return created;
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
