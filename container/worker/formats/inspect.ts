/**
 * Inspecting an uploaded datafile: extract it safely, detect its format, check that it matches the
 * declared one, and count what it holds. Every problem is a PermanentFailure naming the entry.
 */
import { mkdtemp } from 'node:fs/promises';
import * as path from 'node:path';
import { extractArchive } from '../archive';
import { PermanentFailure } from '../errors';
import { readImageFolders } from '../image-folders';
import { checkedImages } from '../image-info';
import { findDatumDb } from './datum-db';
import { detectFormat, type DatafileFormat } from './detect';
import { idxByLabel, readIdx } from './idx';
import type { ArchiveLimits } from './limits';
import { computeMean, type DatumShape } from './mean';

export interface DatafileInspection {
  format: DatafileFormat;
  /** Label folders (image-folders) or label values (idx), in label-index order. */
  labels?: string[];
  /** Images per label. */
  counts?: Record<string, number>;
  /** Archive entries (files and folders). */
  entries: number;
  /** Images (or Datums) in all. */
  images: number;
  /** Datum shape of an lmdb/leveldb datafile, or the common image shape when all images agree. */
  shape?: DatumShape;
  /** Where it was extracted (inside workDir), for a caller that goes on to convert it. */
  root: string;
}

/** Checks every image's header and decodes it; throws naming the first bad one. */
export async function checkImages(root: string, images: string[]): Promise<DatumShape | undefined> {
  let shape: DatumShape | undefined;
  let uniform = true;
  for (const info of await checkedImages(images.map((image) => ({ file: path.join(root, image), entry: image })))) {
    const channels = info.grayscale ? 1 : 3;
    shape ??= { channels, height: info.height, width: info.width };
    uniform &&= shape.height === info.height && shape.width === info.width && shape.channels === channels;
  }
  return uniform ? shape : undefined;
}

/** Inspects the datafile at `file`, extracting it under `workDir`. */
export async function inspectDatafile(
  file: string,
  workDir: string,
  declaredFormat: string,
  limits: ArchiveLimits,
  options: { label?: string; caffePrefix?: string } = {},
): Promise<DatafileInspection> {
  const label = options.label ?? 'the datafile';
  const root = await mkdtemp(path.join(workDir, 'datafile-'));
  const entries = await extractArchive(file, root, label, limits);
  const format = await detectFormat(root);
  if (format !== declaredFormat)
    throw new PermanentFailure(`${label} was declared "${declaredFormat}" but holds ${describe[format]}`);
  if (format === 'image-folders') {
    const folders = await readImageFolders(root, label);
    const images = [...folders.byLabel.values()].flat();
    const shape = await checkImages(folders.root, images);
    const counts = Object.fromEntries([...folders.byLabel].map(([name, list]) => [name, list.length]));
    return {
      format,
      labels: [...folders.byLabel.keys()],
      counts,
      entries,
      images: images.length,
      ...(shape ? { shape } : {}),
      root: folders.root,
    };
  }
  if (format === 'idx') {
    const idx = await readIdx(root, limits.maxUncompressedBytes);
    const { labels, byLabel } = idxByLabel(idx);
    const counts = Object.fromEntries(labels.map((name) => [name, byLabel.get(name)?.length ?? 0]));
    return {
      format,
      labels,
      counts,
      entries,
      images: idx.count,
      shape: { channels: 1, height: idx.height, width: idx.width },
      root,
    };
  }
  const db = (await findDatumDb(root, format))!;
  const { count, ...shape } = await computeMean(
    db,
    format,
    path.join(workDir, 'inspect-mean.binaryproto'),
    label,
    options.caffePrefix,
  );
  if (!count) throw new PermanentFailure(`${label} is an empty ${format} database`);
  return { format, entries, images: count, shape, root: db };
}

const describe: Record<DatafileFormat, string> = {
  'image-folders': 'image folders (no IDX files or database found)',
  idx: 'IDX image and label files',
  lmdb: 'an LMDB database (data.mdb)',
  leveldb: 'a LevelDB database (CURRENT, MANIFEST-*)',
};
