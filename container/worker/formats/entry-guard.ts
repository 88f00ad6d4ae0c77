/**
 * The checks every archive entry passes before anything is written: where it points, what kind
 * of entry it is, whether another entry already has the same name, and how many entries and bytes
 * the archive has produced so far. Shared by the tar and zip readers so both refuse the same things
 * with the same words.
 */
import * as path from 'node:path';
import { PermanentFailure } from '../errors';
import type { ArchiveLimits } from './limits';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'device' | 'fifo' | 'other';

/** Why an entry's name or kind is refused, or undefined when it is fine. */
export function entryProblem(entryPath: string, kind: EntryKind): string | undefined {
  if (path.posix.isAbsolute(entryPath) || entryPath.startsWith('\\') || /^[a-zA-Z]:/.test(entryPath))
    return 'has an absolute path';
  if (entryPath.split(/[\\/]/).includes('..')) return 'escapes the archive with ".."';
  if (entryPath.includes('\0')) return 'has a NUL byte in its name';
  if (kind === 'symlink') return 'is a symbolic link, not a regular file or folder';
  if (kind === 'hardlink') return 'is a hard link, not a regular file or folder';
  if (kind === 'device') return 'is a device file, not a regular file or folder';
  if (kind === 'fifo') return 'is a FIFO, not a regular file or folder';
  if (kind === 'other') return 'is not a regular file or folder';
  return undefined;
}

/**
 * The name two entries collide on when extracted: `a/./b`, `a//b`, `a/b/` and `A/B` are all
 * one file on some file system, and Unicode NFC/NFD spellings of one name are one file on macOS.
 */
export function collisionKey(entryPath: string): string {
  const normalized = path.posix.normalize(entryPath.replace(/\\/g, '/')).replace(/\/+$/, '').replace(/^\.\//, '');
  return normalized.normalize('NFC').toLowerCase();
}

/** Collects entry problems while an archive is listed, and stops it when a limit is passed. */
export class EntryGuard {
  readonly problems: string[] = [];
  private readonly seen = new Map<string, { name: string; directory: boolean }>();
  private entries = 0;
  private expandedBytes = 0;

  constructor(
    private readonly limits: ArchiveLimits,
    /** Size of the archive file: the denominator of the compression ratio. */
    private readonly archiveBytes: number,
    private readonly label: string,
  ) {}

  /** Checks one entry's name and kind; problems are collected so one message can name several. */
  admit(entryPath: string, kind: EntryKind): boolean {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries)
      throw new PermanentFailure(
        `${this.label} has more than ${this.limits.maxEntries} entries (the limit); "${entryPath}" is one too many`,
      );
    const problem = entryProblem(entryPath, kind);
    if (problem) {
      this.problems.push(`entry "${entryPath}" ${problem}`);
      return false;
    }
    const key = collisionKey(entryPath);
    if (key === '' || key === '.') return false; // the archive's own root folder
    const earlier = this.seen.get(key);
    const directory = kind === 'directory';
    // A folder listed twice is harmless (tar tools do it); a file clashing with anything is not.
    if (earlier && !(earlier.directory && directory)) {
      this.problems.push(`entry "${entryPath}" has the same name as "${earlier.name}" once extracted`);
      return false;
    }
    this.seen.set(key, { name: entryPath, directory });
    return true;
  }

  /** Counts bytes an entry actually expanded to; throws as soon as a size or ratio limit is passed. */
  expanded(entryPath: string, bytes: number): void {
    this.expandedBytes += bytes;
    const { maxUncompressedBytes, maxCompressionRatio, ratioFloorBytes } = this.limits;
    if (this.expandedBytes > maxUncompressedBytes)
      throw new PermanentFailure(
        `${this.label} expands to more than ${maxUncompressedBytes} bytes (the limit) ` +
          `while reading entry "${entryPath}"; is it a decompression bomb?`,
      );
    if (
      this.expandedBytes > ratioFloorBytes &&
      this.expandedBytes > maxCompressionRatio * Math.max(1, this.archiveBytes)
    )
      throw new PermanentFailure(
        `${this.label} expands more than ${maxCompressionRatio} times its size ` +
          `while reading entry "${entryPath}"; is it a decompression bomb?`,
      );
  }

  get entryCount(): number {
    return this.entries;
  }

  /** Throws once with every collected problem (the first five named). */
  rejectIfProblems(): void {
    const { problems } = this;
    if (problems.length)
      throw new PermanentFailure(
        `${this.label} was rejected: ${problems.slice(0, 5).join('; ')}` +
          `${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`,
      );
  }
}
