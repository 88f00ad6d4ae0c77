/**
 * Safe extraction of an uploaded archive (.tar, .tar.gz or .zip). The archive is untrusted: every
 * entry is checked before any of its bytes are written, and one bad entry (absolute path, `..`, a link, a
 * device or FIFO, a duplicate name) rejects the whole archive with a message naming it. Sizes are
 * counted on the bytes really produced, so a decompression bomb stops while it expands. Extraction
 * writes only regular files and folders under `destination` (inside the job's own directory).
 */
import { open, stat } from 'node:fs/promises';
import { EntryGuard, entryProblem as kindProblem } from './formats/entry-guard';
import { defaultArchiveLimits, type ArchiveLimits } from './formats/limits';
import { checkAndExtractTar, tarKind } from './formats/tar';
import { checkAndExtractZip } from './formats/zip';

/** Why a tar entry (node-tar's type name) is refused, or undefined when it is fine. */
export const entryProblem = (entryPath: string, tarType: string): string | undefined =>
  kindProblem(entryPath, tarKind(tarType));

/** Zip local-file or end-of-central-directory signatures ("PK\3\4", "PK\5\6"). */
export async function isZip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    return head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50;
  } finally {
    await handle.close();
  }
}

/** Extracts `archive` into `destination`, refusing it if any entry is unsafe; returns the number of entries. */
export async function extractArchive(
  archive: string,
  destination: string,
  label = 'the archive',
  limits: ArchiveLimits = defaultArchiveLimits(),
): Promise<number> {
  const guard = new EntryGuard(limits, (await stat(archive)).size, label);
  if (await isZip(archive)) {
    await checkAndExtractZip(archive, destination, guard, label);
    return guard.entryCount;
  }
  await checkAndExtractTar(archive, destination, guard, label);
  return guard.entryCount;
}
