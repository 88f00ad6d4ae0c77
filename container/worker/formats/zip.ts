/**
 * Zip archives, read with yauzl (streaming, never trusting header sizes). The central directory
 * names every entry up front, so all names and kinds are checked before anything is written; the
 * bytes each entry really inflates to are then counted while it is extracted.
 */
import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import { PermanentFailure } from '../errors';
import type { EntryGuard, EntryKind } from './entry-guard';
import { logStep } from './steps';

/** The entry's kind: from the Unix mode when a Unix tool made the zip, else from the name. */
export function zipKind(entry: Pick<yauzl.Entry, 'versionMadeBy' | 'externalFileAttributes'>, name: string): EntryKind {
  const madeOnUnix = entry.versionMadeBy >> 8 === 3;
  const type = madeOnUnix ? (entry.externalFileAttributes >>> 16) & 0o170000 : 0;
  if (type === 0o120000) return 'symlink';
  if (type === 0o020000 || type === 0o060000) return 'device';
  if (type === 0o010000) return 'fifo';
  if (type === 0o140000) return 'other';
  if (type === 0o040000 || name.endsWith('/')) return 'directory';
  return 'file';
}

const openZip = (file: string) =>
  new Promise<yauzl.ZipFile>((resolve, reject) =>
    // decodeStrings false: yauzl would otherwise refuse "../x" itself, before we can name the entry.
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: false, decodeStrings: false, strictFileNames: false },
      (error, zip) => (error || !zip ? reject(error ?? new Error('no zip')) : resolve(zip)),
    ),
  );

async function entriesOf(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  const entries: yauzl.Entry[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

const nameOf = (entry: yauzl.Entry): string => (entry.fileName as unknown as Buffer).toString('utf8');

/** Checks every entry through the guard, then extracts the files, counting their inflated bytes. */
export async function checkAndExtractZip(
  file: string,
  destination: string,
  guard: EntryGuard,
  label: string,
): Promise<void> {
  // A zip is checked and extracted in one pass (its central directory names every entry first).
  logStep('check-archive');
  let zip: yauzl.ZipFile;
  let entries: yauzl.Entry[];
  try {
    zip = await openZip(file);
    entries = await entriesOf(zip);
  } catch (error) {
    throw new PermanentFailure(`${label} is not a readable .tar, .tar.gz or .zip archive: ${(error as Error).message}`);
  }
  try {
    const admitted = entries.filter((entry) => guard.admit(nameOf(entry), zipKind(entry, nameOf(entry))));
    guard.rejectIfProblems();
    await mkdir(destination, { recursive: true });
    for (const entry of admitted) {
      const name = nameOf(entry);
      const target = path.join(destination, name);
      if (!target.startsWith(destination + path.sep)) throw new PermanentFailure(`entry "${name}" escapes the archive`);
      if (zipKind(entry, name) === 'directory') {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      await extractEntry(zip, entry, name, target, guard, label);
    }
  } finally {
    zip.close();
  }
}

async function extractEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  name: string,
  target: string,
  guard: EntryGuard,
  label: string,
) {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        guard.expanded(name, chunk.length);
        done(null, chunk);
      } catch (error) {
        done(error as Error);
      }
    },
  });
  try {
    const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
      zip.openReadStream(entry, (error, s) => (error || !s ? reject(error ?? new Error('no stream')) : resolve(s))),
    );
    // O_EXCL | O_NOFOLLOW: never overwrite, never write through a link.
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    const handle = await open(target, flags, 0o644);
    await pipeline(stream, counter, handle.createWriteStream());
  } catch (error) {
    if (error instanceof PermanentFailure) throw error;
    throw new PermanentFailure(`${label}: entry "${name}" could not be read: ${(error as Error).message}`);
  }
}
