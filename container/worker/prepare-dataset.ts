/**
 * Builds a dataset: downloads its datafile(s), extracts them safely, splits stratified and seeded,
 * converts each side to LMDB with Caffe's own `convert_imageset`, uploads the LMDBs and records
 * labels, per-class counts and the image shape.
 */
import { stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { runCaffeTool } from '../../core/caffe/tools';
import { keys } from '../../core/objects';
import * as records from '../../core/records/store';
import type { Dataset } from '../../core/records/types';
import { extractArchive } from './archive';
import { PermanentFailure } from './errors';
import { readImageFolders, type LabelledImages } from './image-folders';
import { imageInfo } from './image-info';
import { seedFrom, seededRandom, shuffled, stratifiedSplit } from './split';
import { download, upload } from './transfer';
import type { WorkerContext } from './context';

type Side = 'training' | 'testing';
const sides: Side[] = ['training', 'testing'];

async function fetchDatafile(ctx: WorkerContext, tenantId: string, datafileId: string): Promise<LabelledImages> {
  const datafile = await records.find('datafiles', tenantId, datafileId);
  if (!datafile) throw new PermanentFailure(`datafile ${datafileId} no longer exists`);
  const archive = path.join(ctx.workDir, `${datafileId}.archive`);
  await download(datafile.objectKey, archive);
  const folder = path.join(ctx.workDir, datafileId);
  await extractArchive(archive, folder, `datafile ${datafileId}`);
  return readImageFolders(folder, `datafile ${datafileId}`);
}

/** Checks the images agree on size (unless resized) and finds whether they are all grayscale. */
async function inspectImages(images: Array<{ file: string; entry: string }>, dataset: Dataset) {
  let grayscale = true;
  let size: { width: number; height: number } | undefined;
  for (const { file, entry } of images) {
    const info = await imageInfo(file);
    if (!info) throw new PermanentFailure(`image "${entry}" is not a readable PNG, JPEG or BMP file`);
    grayscale &&= info.grayscale;
    if (dataset.transform?.width) continue;
    size ??= info;
    if (info.width !== size.width || info.height !== size.height)
      throw new PermanentFailure(
        `images differ in size ("${entry}" is ${info.width}x${info.height}, others ${size.width}x${size.height}); set transform.width and transform.height to resize them`,
      );
  }
  const width = dataset.transform?.width ?? size?.width ?? 0;
  const height = dataset.transform?.height ?? size?.height ?? 0;
  const gray = dataset.transform?.grayscale ?? grayscale;
  return { gray, shape: { channels: gray ? 1 : 3, height, width } };
}

export async function prepareDataset(ctx: WorkerContext, tenantId: string, datasetId: string): Promise<void> {
  const dataset = await records.get('datasets', tenantId, datasetId);
  if (dataset.status === 'ready' || dataset.status === 'failed') return;
  const sources = new Map<string, LabelledImages>();
  for (const side of sides) {
    const id = dataset[side].datafileId;
    if (!sources.has(id)) sources.set(id, await fetchDatafile(ctx, tenantId, id));
  }
  const seed = seedFrom(dataset.id);
  const parts = new Map<Side, Map<string, string[]>>();
  const rootOf = (side: Side) => sources.get(dataset[side].datafileId)!.root;
  if (dataset.training.datafileId === dataset.testing.datafileId) {
    const [training, testing] = stratifiedSplit(sources.get(dataset.training.datafileId)!.byLabel, [dataset.training.splitPercentage, dataset.testing.splitPercentage], seed);
    parts.set('training', training!).set('testing', testing!);
  } else {
    for (const side of sides) parts.set(side, stratifiedSplit(sources.get(dataset[side].datafileId)!.byLabel, [dataset[side].splitPercentage], seed)[0]!);
  }
  const labels = [...parts.get('training')!.keys()].sort();
  const unknown = [...parts.get('testing')!.keys()].find((label) => !labels.includes(label));
  if (unknown) throw new PermanentFailure(`the testing data has a label folder "${unknown}" that the training data lacks`);

  const all = sides.flatMap((side) =>
    [...parts.get(side)!.values()].flat().map((entry) => ({ entry, file: path.join(rootOf(side), entry) })),
  );
  const { gray, shape } = await inspectImages(all, dataset);
  const counts = { training: {} as Record<string, number>, testing: {} as Record<string, number> };
  const lmdb = { training: keys.datasetLmdb(tenantId, datasetId, 'training'), testing: keys.datasetLmdb(tenantId, datasetId, 'testing') };
  for (const side of sides) {
    const entries = [...parts.get(side)!.entries()].flatMap(([label, images]) => {
      counts[side][label] = images.length;
      return images.map((image) => `${image} ${labels.indexOf(label)}`);
    });
    if (!entries.length) throw new PermanentFailure(`the ${side} side of the dataset has no images; check splitPercentage`);
    // Caffe's Data layer reads an LMDB in order, so the classes are interleaved (seeded) here.
    const listFile = path.join(ctx.workDir, `${side}.txt`);
    await writeFile(listFile, `${shuffled(entries, seededRandom(seed ^ side.length)).join('\n')}\n`);
    const db = path.join(ctx.workDir, `${side}-lmdb`);
    const args = ['--backend=lmdb', ...(gray ? ['--gray'] : []), ...(dataset.transform?.width ? [`--resize_width=${shape.width}`, `--resize_height=${shape.height}`] : []), `${rootOf(side)}/`, listFile, db];
    const result = await runCaffeTool('convert_imageset', args, { ...(ctx.caffePrefix ? { prefix: ctx.caffePrefix } : {}) });
    const unreadable = /Could not open or find file (.+)/.exec(result.output);
    if (unreadable) throw new PermanentFailure(`image "${path.relative(rootOf(side), unreadable[1]!.trim())}" could not be decoded`);
    if (result.code !== 0) throw new Error(`convert_imageset failed (${result.code ?? result.signal}): ${result.output.slice(-500)}`);
    await stat(path.join(db, 'data.mdb'));
    await upload(path.join(db, 'data.mdb'), lmdb[side]);
  }
  await records.update('datasets', tenantId, datasetId, {
    set: { labels, counts, shape, lmdb, preparedAt: new Date().toISOString() },
  });
}
