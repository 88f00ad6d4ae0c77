/**
 * Safe extraction of an uploaded image-folders archive. The archive is untrusted: every entry is
 * checked before anything is written, and one bad entry (absolute path, `..`, a link, a device)
 * rejects the whole archive with a message naming it. Extraction then writes only regular files
 * and folders under the job's own directory.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { list, extract } from 'tar';
import { PermanentFailure } from './errors';

const allowedTypes = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory']);

/** Why an entry is refused, or undefined when it is fine. */
export function entryProblem(entryPath: string, type: string): string | undefined {
  if (path.posix.isAbsolute(entryPath) || /^[a-zA-Z]:[\\/]/.test(entryPath)) return 'has an absolute path';
  if (entryPath.split(/[\\/]/).includes('..')) return 'escapes the archive with ".."';
  if (!allowedTypes.has(type)) return `is a ${type === 'SymbolicLink' ? 'symbolic link' : type === 'Link' ? 'hard link' : type}, not a regular file or folder`;
  return undefined;
}

/** Extracts `archive` (.tar or .tar.gz) into `destination`, refusing the archive if any entry is unsafe. */
export async function extractArchive(archive: string, destination: string, label = 'the archive'): Promise<void> {
  const problems: string[] = [];
  try {
    await list({
      file: archive,
      // Without strict, something that is not a tar at all lists as zero entries (only a warning),
      // and the strict extract below would then fail with an error that is retried like a crash.
      strict: true,
      onReadEntry: (entry) => {
        const problem = entryProblem(entry.path, entry.type);
        if (problem) problems.push(`entry "${entry.path}" ${problem}`);
        entry.resume();
      },
    });
  } catch (error) {
    throw new PermanentFailure(`${label} is not a readable .tar or .tar.gz archive: ${(error as Error).message}`);
  }
  if (problems.length)
    throw new PermanentFailure(`${label} was rejected: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`);
  await mkdir(destination, { recursive: true });
  await extract({
    file: archive,
    cwd: destination,
    strict: true,
    // Second line of defence: even if a check above were wrong, nothing but files and folders is written.
    filter: (entryPath, entry) => !entryProblem(entryPath, 'type' in entry ? entry.type : 'File'),
    preserveOwner: false,
  });
}
