/**
 * What one tenant may upload or import, in one place. The deployment sets the defaults through
 * environment variables (the API's functions and the worker read the same names); every tenant
 * gets them. Archive contents (entries, expansion) are limited by the worker's inspection.
 */
import { DomainError } from './errors';
import { positiveIntegerFromEnv } from './env';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** S3's own multipart rules: parts are 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them. */
export const s3Multipart = { minPartBytes: 5 * MiB, maxPartBytes: 5 * GiB, maxParts: 10_000 } as const;

export const limitEnvNames = {
  maxDatafileBytes: 'ELASTIC_CAFFE_MAX_DATAFILE_BYTES',
  singlePutMaxBytes: 'ELASTIC_CAFFE_SINGLE_PUT_MAX_BYTES',
  partBytes: 'ELASTIC_CAFFE_UPLOAD_PART_BYTES',
  importTimeoutSeconds: 'ELASTIC_CAFFE_IMPORT_TIMEOUT_SECONDS',
} as const;

export interface DatafileLimits {
  /** Largest datafile a tenant may upload or import. */
  maxSizeBytes: number;
  /** Up to this size an upload is one presigned PUT; above it, a multipart upload. */
  singlePutMaxBytes: number;
  /** Preferred part size of a multipart upload (grown when the file would need more than 10,000 parts). */
  partSizeBytes: number;
  /** How long a URL import may take to fetch. */
  importTimeoutSeconds: number;
}

const positive = positiveIntegerFromEnv;

/**
 * The limits that apply to a tenant. Today every tenant gets the deployment's defaults; the tenant
 * is a parameter so per-tenant overrides can be added here without changing any caller.
 */
export function datafileLimits(tenantId: string, env: NodeJS.ProcessEnv = process.env): DatafileLimits {
  void tenantId;
  return {
    maxSizeBytes: positive(env, limitEnvNames.maxDatafileBytes, 50 * GiB),
    singlePutMaxBytes: Math.min(positive(env, limitEnvNames.singlePutMaxBytes, 64 * MiB), s3Multipart.maxPartBytes),
    partSizeBytes: Math.max(positive(env, limitEnvNames.partBytes, 64 * MiB), s3Multipart.minPartBytes),
    importTimeoutSeconds: positive(env, limitEnvNames.importTimeoutSeconds, 3600),
  };
}

/** The part size for a multipart upload of `sizeBytes`: the preferred size, or larger if 10,000 parts would not hold it. */
export function partSizeFor(sizeBytes: number, limits: DatafileLimits): number {
  return Math.max(limits.partSizeBytes, Math.ceil(sizeBytes / s3Multipart.maxParts));
}

/** The request (or the file it describes) is larger than the tenant may store. */
export class TooLargeError extends DomainError {
  readonly status = 413;
  readonly title = 'Content too large';
}

/** Refuses a stated size above the tenant's limit (413, naming both numbers). */
export function checkDatafileSize(sizeBytes: number, limits: DatafileLimits): void {
  if (sizeBytes > limits.maxSizeBytes)
    throw new TooLargeError(`sizeBytes ${sizeBytes} is above this account's datafile limit of ${limits.maxSizeBytes} bytes`, [
      { field: 'sizeBytes', message: `must be at most ${limits.maxSizeBytes}` },
    ]);
}
