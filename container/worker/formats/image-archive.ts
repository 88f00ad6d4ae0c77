/**
 * A dataset side's images for Caffe's ImageData layer, as one tar: `list.txt` (`<path> <label>`
 * lines, the same list convert_imageset read) and the images under `images/`. Stored beside the
 * LMDB; a training job whose net has ImageData layers extracts it through the host's cache.
 */
import { copyFile, mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { create, replace } from 'tar';
import type { ImageSide, JobImages } from '../../../core/caffe/rewrite';
import type { Dataset } from '../../../core/records/types';
import type { WorkerContext } from '../context';
import { PermanentFailure } from '../errors';
import { extractArchive } from '../archive';
import { downloadCached } from '../transfer';

const LIST_NAME = 'list.txt';
const IMAGES_FOLDER = 'images';

/** Where the extracted tar's list and images are (what rewrite.ts binds). */
const sideIn = (dir: string): ImageSide => ({
  listFile: path.join(dir, LIST_NAME),
  rootFolder: `${path.join(dir, IMAGES_FOLDER)}/`,
});

const hasList = (dir: string): Promise<boolean> =>
  stat(path.join(dir, LIST_NAME)).then(
    () => true,
    () => false,
  );

/** Writes the tar of the images `listFile` names (paths relative to `root`). */
export async function packImages(root: string, listFile: string, tarFile: string): Promise<void> {
  const lines = (await readFile(listFile, 'utf8')).split('\n').filter((line) => line.length > 0);
  // The label is after the last space (as Caffe reads it), so names with spaces survive.
  const images = lines.map((line) => line.slice(0, line.lastIndexOf(' ')));
  // Uncompressed: the images are PNG/JPEG already, and only a plain tar can be appended to.
  await create({ file: tarFile, cwd: root, prefix: IMAGES_FOLDER, portable: true, noDirRecurse: true }, images);
  const listDir = path.join(path.dirname(tarFile), `${path.basename(tarFile)}-list`);
  await rm(listDir, { recursive: true, force: true });
  await mkdir(listDir, { recursive: true });
  await copyFile(listFile, path.join(listDir, LIST_NAME));
  await replace({ file: tarFile, cwd: listDir, portable: true }, [LIST_NAME]);
}

/**
 * Downloads and extracts one side's image tar. With a cache directory the extracted folder is kept
 * beside the cached tar (keyed by its ETag, like the LMDBs) and reused by the next job on the host;
 * it is extracted under a temporary name and renamed, so a half-extracted folder is never used.
 */
export async function fetchImages(
  key: string,
  cacheDir: string | undefined,
  workDir: string,
  side: string,
): Promise<ImageSide> {
  const tarFile = await downloadCached(key, cacheDir, path.join(workDir, `${side}-images.tar`));
  const dir = `${tarFile}.d`;
  if (await hasList(dir)) return sideIn(dir);
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await extractArchive(tarFile, partial, `the ${side} images`);
  try {
    await rename(partial, dir);
  } catch (error) {
    // Another job on this host extracted the same tar first: use that one.
    if (!(await hasList(dir))) throw error;
    await rm(partial, { recursive: true, force: true });
  }
  return sideIn(dir);
}

/** Both sides' images of a ready dataset, extracted, with the preprocessing ImageData must repeat. */
export async function jobImages(ctx: WorkerContext, dataset: Dataset): Promise<JobImages> {
  const archives = dataset.imageArchives;
  const pre = dataset.preprocessing;
  if (!archives || !pre)
    throw new PermanentFailure(
      `the net has ImageData layers, but dataset ${dataset.id} keeps no images ` +
        `(only datasets built from image folders, or from IDX with a transform, do); use Data layers`,
    );
  return {
    training: await fetchImages(archives.training, ctx.cacheDir, ctx.workDir, 'training'),
    testing: await fetchImages(archives.testing, ctx.cacheDir, ctx.workDir, 'testing'),
    grayscale: pre.grayscale,
    ...(pre.resizeMode === 'stretch' ? { resize: { width: pre.width, height: pre.height } } : {}),
  };
}
