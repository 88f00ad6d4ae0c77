/**
 * Datasets from leveldb datafiles keep their LevelDBs (Caffe ships no converter to LMDB, and
 * re-encoding Datums is not offered): each side's database folder is stored as one plain tar (its
 * tables are Snappy-compressed already) and training binds its Data layers with backend LEVELDB.
 */
import { readdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { create } from 'tar';
import { extractArchive } from '../archive';
import { PermanentFailure } from '../errors';
import { downloadCached } from '../transfer';
import { findDatumDb } from './datum-db';

/**
 * Writes the tar of the LevelDB in `dir` (its files at the tar's root); LevelDB's LOCK is left out, it is per process.
 */
export async function packLeveldb(dir: string, tarFile: string): Promise<void> {
  const names = (await readdir(dir)).filter((name) => name !== 'LOCK');
  await create({ file: tarFile, cwd: dir, portable: true }, names);
}

/**
 * Downloads one side's LevelDB tar (through the host's cache) and extracts it into the job's own
 * folder: unlike an LMDB, a LevelDB is opened with an exclusive lock, so jobs on one host never share it.
 */
export async function fetchLeveldb(
  key: string,
  cacheDir: string | undefined,
  workDir: string,
  side: string,
): Promise<string> {
  const tarFile = await downloadCached(key, cacheDir, path.join(workDir, `${side}-leveldb.tar`));
  const dir = path.join(workDir, `${side}-leveldb`);
  await rm(dir, { recursive: true, force: true });
  await extractArchive(tarFile, dir, `the ${side} LevelDB`);
  const db = await findDatumDb(dir, 'leveldb');
  if (!db) throw new PermanentFailure(`the ${side} LevelDB of the dataset holds no database (CURRENT, MANIFEST-*)`);
  return db;
}
