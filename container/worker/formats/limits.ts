/**
 * How much an uploaded archive may hold. Archives are untrusted, so every limit is enforced on the
 * bytes actually produced while streaming, never on the sizes an entry's header claims.
 */
import { read } from '../../../core/config';

export interface ArchiveLimits {
  /** Entries (files and folders) in one archive. */
  maxEntries: number;
  /** Bytes all entries may expand to, in total. */
  maxUncompressedBytes: number;
  /** Expanded bytes per archive byte; applies once the expansion passes `ratioFloorBytes`. */
  maxCompressionRatio: number;
  /**
   * Below this many expanded bytes the ratio is not checked: a tiny tar of small files is mostly
   * zero padding and legitimately compresses far beyond any bomb ratio.
   */
  ratioFloorBytes: number;
}

/**
 * The limits in the worker's environment: the job's tenant's own entries and expansion limits
 * (core/limits.ts `workerLimitEnv`, set by the dispatcher), the ratio from the deployment
 * (defaults in core/config.ts).
 */
export function defaultArchiveLimits(env: NodeJS.ProcessEnv = process.env): ArchiveLimits {
  return {
    maxEntries: read('maxArchiveEntries', env),
    maxUncompressedBytes: read('maxUncompressedBytes', env),
    maxCompressionRatio: read('maxCompressionRatio', env),
    ratioFloorBytes: read('compressionRatioFloorBytes', env),
  };
}
