/**
 * Tar and tar.gz archives: one streaming pass checks every entry (names, kinds, duplicates, and
 * the bytes each really expands to), and only an archive that passed is extracted, by node-tar,
 * writing nothing but files and folders.
 */
import { createReadStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { extract, Parser, type ReadEntry } from 'tar';
import { PermanentFailure } from '../errors';
import { entryProblem, type EntryGuard, type EntryKind } from './entry-guard';
import { logStep } from './steps';

const kinds: Record<string, EntryKind> = {
  File: 'file',
  OldFile: 'file',
  ContiguousFile: 'file',
  Directory: 'directory',
  SymbolicLink: 'symlink',
  Link: 'hardlink',
  CharacterDevice: 'device',
  BlockDevice: 'device',
  FIFO: 'fifo',
};

export const tarKind = (type: string): EntryKind => kinds[type] ?? 'other';

/** Lists the archive through the guard; throws PermanentFailure on an unreadable archive or a limit passed. */
export async function checkTar(file: string, guard: EntryGuard, label: string): Promise<void> {
  logStep('check-archive');
  const source = createReadStream(file);
  let stopped: Error | undefined;
  const stop = (error: Error) => {
    stopped ??= error;
    source.destroy(error);
  };
  // Strict: something that is not a tar at all must fail here, not list as zero entries.
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      guard.admit(entry.path, tarKind(entry.type));
      entry.on('data', (chunk: Buffer) => {
        try {
          guard.expanded(entry.path, chunk.length);
        } catch (error) {
          stop(error as Error);
        }
      });
      entry.resume();
    },
  });
  try {
    await pipeline(source, parser);
  } catch (error) {
    if (stopped) throw stopped;
    if (error instanceof PermanentFailure) throw error;
    throw new PermanentFailure(`${label} is not a readable .tar, .tar.gz or .zip archive: ${(error as Error).message}`);
  }
  if (stopped) throw stopped;
}

/** Extracts an archive that checkTar passed into `destination`. */
export async function extractTar(file: string, destination: string): Promise<void> {
  logStep('extract');
  await mkdir(destination, { recursive: true });
  await extract({
    file,
    cwd: destination,
    strict: true,
    // Second line of defence: even if a check were wrong, nothing but files and folders is written.
    filter: (entryPath, entry) => !entryProblem(entryPath, 'type' in entry ? tarKind(entry.type) : 'file'),
    preserveOwner: false,
  });
}
