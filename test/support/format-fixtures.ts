/**
 * Tiny datafiles of every format, made from the first Fashion-MNIST test images: image folders
 * (zip or tar), IDX pairs in a tar (gzipped files), and an LMDB of Datums written by Caffe's own
 * convert_mnist_data, archived. Plus the client steps a test repeats: upload and wait until ready,
 * and what the worker's builders get for a dataset (to call them without the API).
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCaffeTool } from '../../core/caffe/tools';
import { ensureCaffe, fashionMnistFiles } from '../../local/caffe/install';
import type { ElasticCaffeClient } from '../support/client';
import {
  craftTar,
  craftZip,
  fashionMnistEntries,
  fashionMnistZipEntries,
  uploadArchive,
  type TarEntry,
} from './tar-craft';

/** The first `count` images and labels as IDX files (images, labels). */
export async function idxPair(dataDir: string, count: number): Promise<{ images: Buffer; labels: Buffer }> {
  const files = fashionMnistFiles(dataDir, 'raw');
  const images = await readFile(files.testImages);
  const labels = await readFile(files.testLabels);
  const head = Buffer.from(images.subarray(0, 16));
  head.writeUInt32BE(count, 4);
  const labelHead = Buffer.from(labels.subarray(0, 8));
  labelHead.writeUInt32BE(count, 4);
  return {
    images: Buffer.concat([head, images.subarray(16, 16 + count * 28 * 28)]),
    labels: Buffer.concat([labelHead, labels.subarray(8, 8 + count)]),
  };
}

/** A tar of gzipped IDX files, as MNIST ships them. */
export async function idxArchive(dataDir: string, count: number): Promise<Buffer> {
  const { images, labels } = await idxPair(dataDir, count);
  return craftTar([
    { path: 'mnist/', type: 'directory' },
    { path: 'mnist/t10k-images-idx3-ubyte.gz', data: gzipSync(images) },
    { path: 'mnist/t10k-labels-idx1-ubyte.gz', data: gzipSync(labels) },
  ]);
}

/** A .tar.gz of an LMDB of `count` Datums (1x28x28) written by convert_mnist_data. */
export const lmdbArchive = (dataDir: string, count: number): Promise<Buffer> => datumDbArchive(dataDir, count, 'lmdb');

/** A .tar.gz of an LMDB or LevelDB of `count` Datums (1x28x28) written by convert_mnist_data. */
export async function datumDbArchive(dataDir: string, count: number, backend: 'lmdb' | 'leveldb'): Promise<Buffer> {
  const work = await mkdtemp(path.join(os.tmpdir(), `${backend}-fixture-`));
  try {
    const { images, labels } = await idxPair(dataDir, count);
    await writeFile(path.join(work, 'images'), images);
    await writeFile(path.join(work, 'labels'), labels);
    const db = path.join(work, `fashion_${backend}`);
    const result = await runCaffeTool(
      'convert_mnist_data',
      [`--backend=${backend}`, path.join(work, 'images'), path.join(work, 'labels'), db],
      { prefix: await ensureCaffe() },
    );
    if (result.code !== 0) throw new Error(`convert_mnist_data failed: ${result.output.slice(-400)}`);
    const entries: TarEntry[] = [{ path: `fashion_${backend}/`, type: 'directory' }];
    for (const name of await readdir(db))
      entries.push({ path: `fashion_${backend}/${name}`, data: await readFile(path.join(db, name)) });
    return craftTar(entries, { gzip: true });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export const imageFoldersZip = async (dataDir: string, count: number): Promise<Buffer> =>
  craftZip((await fashionMnistZipEntries(dataDir, count)).entries);
export const imageFoldersTar = async (dataDir: string, count: number): Promise<Buffer> =>
  craftTar((await fashionMnistEntries(dataDir, count)).entries);

export interface DatafileView {
  id: string;
  status: string;
  error?: string;
}

/** Uploads a datafile and waits until the service has it (ready, or failed with the reason). */
export async function readyDatafile(
  api: ElasticCaffeClient,
  name: string,
  data: Buffer,
  format: string,
): Promise<DatafileView> {
  const { id } = await uploadArchive(api, name, data, format);
  return api.waitFor<DatafileView>(
    `/v1/datafiles/${id}`,
    (d) => d.status !== 'awaiting-upload' && d.status !== 'processing',
    { timeoutMs: 2 * 60_000 },
  );
}
