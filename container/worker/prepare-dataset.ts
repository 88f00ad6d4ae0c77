/**
 * Builds a dataset: downloads its datafile(s) and converts each side to an LMDB the way its format
 * allows, computes the training database's mean image (and the testing one's when asked), uploads
 * everything and records labels, per-class counts, the image shape, each split's per-channel mean
 * and the preprocessing classification must repeat. Builds from
 * images also keep each side's images and list as a tar, for nets that read them with ImageData layers.
 *
 * - Image folders: straight from the archive into LMDBs written by mdb_load, the mean summed on
 *   the way, when every image is a plain 8-bit grey/RGB PNG of one size and nothing is resized
 *   (formats/stream-images.ts: the bytes convert_imageset would write); otherwise extracted safely
 *   and converted by convert_imageset, the mean by compute_image_mean.
 * - IDX: Datums written directly by mdb_load (formats/build-idx.ts; convert_mnist_data's bytes),
 *   or through image folders when a transform needs images.
 * - lmdb and leveldb: used whole, as stored (a LevelDB kept as a tar of its folder), the mean and
 *   the check that they hold Datums by compute_image_mean.
 * Without LMDB's tools (mdb_load) every build uses Caffe's converters.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { channelMeans, readBlobProto } from '../../core/caffe/mean';
import { keys } from '../../core/objects';
import * as records from '../../core/records/store';
import type { Dataset, DatasetPreprocessing } from '../../core/records/types';
import { extractArchive, isZip } from './archive';
import type { WorkerContext } from './context';
import { PermanentFailure } from './errors';
import type { BuildInput, BuiltSides } from './formats/build';
import { buildFromIdx } from './formats/build-idx';
import { buildFromImages } from './formats/build-images';
import { findDatumDb } from './formats/datum-db';
import { readIdx, writeIdxAsImageFolders, type IdxData } from './formats/idx';
import { defaultArchiveLimits } from './formats/limits';
import { packImages } from './formats/image-archive';
import { packLeveldb } from './formats/leveldb';
import { computeMean } from './formats/mean';
import { lmdbToolsAvailable } from './formats/lmdb-load';
import { buildImagesInStream } from './formats/stream-images';
import { readImageFolders, type LabelledImages } from './image-folders';
import { seedFrom, sides, type Side } from './split';
import { download, upload } from './transfer';
import { readyDatafile } from './import-datafile';
import { writeDatasetSamples } from './dataset-samples';

/** Downloads each distinct datafile once; returns its archive file per side. */
async function downloadDatafiles(ctx: WorkerContext, dataset: Dataset): Promise<Record<Side, string>> {
  const archives = new Map<string, string>();
  for (const side of sides) {
    const id = dataset[side].datafileId;
    if (archives.has(id)) continue;
    const datafile = await readyDatafile(dataset.tenantId, id, ctx.stopping);
    const archive = path.join(ctx.workDir, `${id}.archive`);
    await download(datafile.objectKey, archive);
    archives.set(id, archive);
  }
  return { training: archives.get(dataset.training.datafileId)!, testing: archives.get(dataset.testing.datafileId)! };
}

/** Safely extracts each distinct downloaded datafile once; returns its folder per side. */
async function extractDatafiles(
  ctx: WorkerContext,
  dataset: Dataset,
  archives: Record<Side, string>,
): Promise<Record<Side, string>> {
  const limits = defaultArchiveLimits();
  const roots = new Map<string, string>();
  for (const side of sides) {
    const id = dataset[side].datafileId;
    if (roots.has(id)) continue;
    const folder = path.join(ctx.workDir, id);
    await extractArchive(archives[side], folder, `datafile ${id}`, limits);
    roots.set(id, folder);
  }
  return { training: roots.get(dataset.training.datafileId)!, testing: roots.get(dataset.testing.datafileId)! };
}

/**
 * Image folders straight from the archives when the result is convert_imageset's
 * (formats/stream-images.ts says when); undefined when they must be extracted and converted.
 */
async function streamImages(input: BuildInput, archives: Record<Side, string>): Promise<BuiltSides | undefined> {
  const { dataset, ctx } = input;
  if ((dataset.format ?? 'image-folders') !== 'image-folders' || !(await lmdbToolsAvailable(ctx.caffePrefix)))
    return undefined;
  for (const side of sides) if (await isZip(archives[side])) return undefined;
  const source = (side: Side) => ({ archive: archives[side], label: `datafile ${dataset[side].datafileId}` });
  return buildImagesInStream(
    input,
    { training: source('training'), testing: source('testing') },
    defaultArchiveLimits(),
  );
}

/** Reads each side once (the same datafile on both sides is read once and shared). */
async function perSide<T>(
  roots: Record<Side, string>,
  read: (root: string, side: Side) => Promise<T>,
): Promise<Record<Side, T>> {
  const training = await read(roots.training, 'training');
  const testing = roots.testing === roots.training ? training : await read(roots.testing, 'testing');
  return { training, testing };
}

/** An lmdb or leveldb datafile is used whole and as stored (the API allows nothing else). */
async function useDatabases(
  roots: Record<Side, string>,
  dataset: Dataset,
  backend: 'lmdb' | 'leveldb',
): Promise<BuiltSides> {
  const dbs = await perSide(roots, async (root, side) => {
    const db = await findDatumDb(root, backend);
    if (!db)
      throw new PermanentFailure(
        `datafile ${dataset[side].datafileId} holds no ` +
          `${backend === 'lmdb' ? 'LMDB (data.mdb)' : 'LevelDB (CURRENT, MANIFEST-*)'}`,
      );
    return db;
  });
  // The shape comes from the mean computed below (which reads every Datum).
  return { dbs, shape: { channels: 0, height: 0, width: 0 }, grayscale: false, resized: false };
}

async function build(input: BuildInput, roots: Record<Side, string>): Promise<BuiltSides> {
  const { dataset, ctx } = input;
  const label = (side: Side) => `datafile ${dataset[side].datafileId}`;
  const format = dataset.format ?? 'image-folders';
  if (format === 'lmdb' || format === 'leveldb') return useDatabases(roots, dataset, format);
  if (format === 'image-folders')
    return buildFromImages(input, await perSide(roots, (root, side) => readImageFolders(root, label(side))));
  if (format !== 'idx') throw new PermanentFailure(`datasets from ${format} datafiles are not supported`);
  const idx: Record<Side, IdxData> = await perSide(roots, (root) =>
    readIdx(root, defaultArchiveLimits().maxUncompressedBytes),
  );
  const t = dataset.transform ?? {};
  if (t.width === undefined && t.grayscale !== false) return buildFromIdx(input, idx);
  // Resizing or forcing colour needs images: write the IDX images as PNG folders first.
  const images: Record<Side, LabelledImages> = await perSide(roots, async (_root, side) => {
    const root = path.join(ctx.workDir, `${dataset[side].datafileId}-images`);
    return { root, byLabel: await writeIdxAsImageFolders(idx[side], root) };
  });
  return buildFromImages(input, images);
}

async function uploadLmdbs(tenantId: string, datasetId: string, dbs: BuiltSides['dbs']) {
  const lmdb = {
    training: keys.datasetLmdb(tenantId, datasetId, 'training'),
    testing: keys.datasetLmdb(tenantId, datasetId, 'testing'),
  };
  await Promise.all(sides.map((side) => upload(path.join(dbs[side], 'data.mdb'), lmdb[side])));
  return lmdb;
}

async function uploadLeveldbs(ctx: WorkerContext, tenantId: string, datasetId: string, dbs: BuiltSides['dbs']) {
  const leveldb = {
    training: keys.datasetLeveldb(tenantId, datasetId, 'training'),
    testing: keys.datasetLeveldb(tenantId, datasetId, 'testing'),
  };
  for (const side of sides) {
    const tarFile = path.join(ctx.workDir, `${side}-leveldb.tar`);
    await packLeveldb(dbs[side], tarFile);
    await upload(tarFile, leveldb[side], 'application/x-tar');
  }
  return leveldb;
}

/** Packs (unless the builder did) and uploads each side's images (the ones its LMDB holds) with their list file. */
async function uploadImages(ctx: WorkerContext, tenantId: string, datasetId: string, built: BuiltSides) {
  const archives = {
    training: keys.datasetImages(tenantId, datasetId, 'training'),
    testing: keys.datasetImages(tenantId, datasetId, 'testing'),
  };
  await Promise.all(
    sides.map(async (side) => {
      let tarFile = built.imageTars?.[side];
      if (!tarFile) {
        tarFile = path.join(ctx.workDir, `${side}-images.tar`);
        await packImages(built.images![side].root, built.images![side].listFile, tarFile);
      }
      await upload(tarFile, archives[side], 'application/x-tar');
    }),
  );
  return archives;
}

export async function prepareDataset(ctx: WorkerContext, tenantId: string, datasetId: string): Promise<void> {
  const dataset = await records.get('datasets', tenantId, datasetId);
  if (dataset.status === 'ready' || dataset.status === 'failed') return;
  const seed = dataset.transform?.seed ?? seedFrom(dataset.id);
  const input: BuildInput = {
    ctx,
    dataset,
    seed,
    shuffle: dataset.transform?.shuffle ?? true,
    sameDatafile: dataset.training.datafileId === dataset.testing.datafileId,
  };
  const archives = await downloadDatafiles(ctx, dataset);
  const built =
    (await streamImages(input, archives)) ?? (await build(input, await extractDatafiles(ctx, dataset, archives)));

  const backend = dataset.format === 'leveldb' ? 'leveldb' : 'lmdb';
  // A builder that wrote the Datums itself computed the mean on the way (formats/datum.ts).
  const meanFile = built.mean?.file ?? path.join(ctx.workDir, 'mean.binaryproto');
  const mean =
    built.mean?.shape ??
    (await computeMean(
      built.dbs.training,
      backend,
      meanFile,
      `the training data of dataset ${datasetId}`,
      ctx.caffePrefix,
    ));
  const shape = { channels: mean.channels, height: mean.height, width: mean.width };
  const testingMeanFile = path.join(ctx.workDir, 'testing-mean.binaryproto');
  if (dataset.testingMean) {
    const what = `the testing data of dataset ${datasetId}`;
    await computeMean(built.dbs.testing, backend, testingMeanFile, what, ctx.caffePrefix);
  }
  const means = {
    training: channelMeans(readBlobProto(await readFile(meanFile))),
    ...(dataset.testingMean ? { testing: channelMeans(readBlobProto(await readFile(testingMeanFile))) } : {}),
  };
  // The uploads are independent: side by side, the slowest one sets the time, not their sum.
  const [databases, imageArchives] = await Promise.all([
    backend === 'leveldb'
      ? uploadLeveldbs(ctx, tenantId, datasetId, built.dbs).then((leveldb) => ({ leveldb }))
      : uploadLmdbs(tenantId, datasetId, built.dbs).then((lmdb) => ({ lmdb })),
    built.images || built.imageTars ? uploadImages(ctx, tenantId, datasetId, built) : undefined,
    upload(meanFile, keys.datasetMean(tenantId, datasetId)),
    dataset.testingMean ? upload(testingMeanFile, keys.datasetMean(tenantId, datasetId, 'testing')) : undefined,
    built.samples && built.labels ? writeDatasetSamples(tenantId, datasetId, built.labels, built.samples) : undefined,
  ]);
  const preprocessing: DatasetPreprocessing = {
    ...shape,
    grayscale: shape.channels === 1,
    resizeMode: built.resized ? (dataset.transform?.resizeMode ?? 'stretch') : 'none',
    meanFile: true,
  };
  await records.update('datasets', tenantId, datasetId, {
    set: {
      ...(built.labels ? { labels: built.labels } : {}),
      ...(built.counts ? { counts: built.counts } : {}),
      shape,
      mean: means,
      ...databases,
      ...(imageArchives ? { imageArchives } : {}),
      seed,
      preprocessing,
      preparedAt: new Date().toISOString(),
    },
  });
}
