/**
 * How much an uploaded archive may hold. Archives are untrusted, so every limit is enforced on the
 * bytes actually produced while streaming, never on the sizes an entry's header claims.
 */
import { limitEnvNames } from '../../../core/limits';

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

const MiB = 1024 * 1024;

/**
 * The limits in the worker's environment: the job's tenant's own entries and expansion limits
 * (core/limits.ts `workerLimitEnv`, set by the dispatcher), the ratio from the deployment.
 */
export function defaultArchiveLimits(env: NodeJS.ProcessEnv = process.env): ArchiveLimits {
  const number = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return env[name] && Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    maxEntries: number(limitEnvNames.maxArchiveEntries, 2_000_000),
    maxUncompressedBytes: number(limitEnvNames.maxUncompressedBytes, 32 * 1024 * MiB),
    maxCompressionRatio: number('ELASTIC_CAFFE_MAX_COMPRESSION_RATIO', 100),
    ratioFloorBytes: number('ELASTIC_CAFFE_COMPRESSION_RATIO_FLOOR_BYTES', 16 * MiB),
  };
}
