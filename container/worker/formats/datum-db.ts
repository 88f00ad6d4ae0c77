/** Archived databases of Caffe Datums (`lmdb`: a folder with data.mdb; `leveldb`: CURRENT + MANIFEST-*). */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';

/** The folder holding the database of `backend` under `root` (the root itself or one folder down), or undefined. */
export async function findDatumDb(root: string, backend: 'lmdb' | 'leveldb'): Promise<string | undefined> {
  const isDb = (names: string[]) =>
    backend === 'lmdb'
      ? names.includes('data.mdb')
      : names.includes('CURRENT') && names.some((name) => name.startsWith('MANIFEST-'));
  const candidates = [
    root,
    ...(await readdir(root, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => path.join(root, e.name)),
  ];
  for (const dir of candidates) if (isDb(await readdir(dir))) return dir;
  return undefined;
}
