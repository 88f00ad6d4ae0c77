/**
 * What one tenant may upload, import and keep, in one place.
 *
 * - Defaults come from environment variables (the API's functions and the worker read the same
 *   names), until an admin stores settings through GET/PUT /v1/admin/limits: a default for every
 *   tenant and per-tenant overrides, in one item of the `CAPACITY` partition beside the capacity
 *   settings (no tenant query can see it).
 * - The API checks sizes and quotas against the tenant's limits on every request. The worker
 *   cannot read that partition (its credentials are its tenant's), so the dispatcher hands it the
 *   tenant's archive and size limits as environment variables of the Batch job (`workerLimitEnv`),
 *   under the names the worker reads anyway.
 */
import { config, envNames, read } from './config';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ddb } from './aws/clients';
import { DomainError } from './errors';
import { tenantIdSchema } from './ids';
import { capacityPartition, removeTenantEntry } from './scheduling/capacity';
import { tableKeys } from './topology';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** S3's own multipart rules: parts are 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them. */
export const s3Multipart = { minPartBytes: 5 * MiB, maxPartBytes: 5 * GiB, maxParts: 10_000 } as const;

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

/**
 * The upload limits in this process's environment. In the worker that environment carries the
 * job's tenant's own limits (the dispatcher sets them, `workerLimitEnv`); the API asks
 * `tenantDatafileLimits` instead, which reads the admin's settings.
 */
export function datafileLimits(env: NodeJS.ProcessEnv = process.env): DatafileLimits {
  return {
    maxSizeBytes: read('maxDatafileBytes', env),
    singlePutMaxBytes: Math.min(read('singlePutMaxBytes', env), s3Multipart.maxPartBytes),
    partSizeBytes: Math.max(read('uploadPartBytes', env) ?? 64 * MiB, s3Multipart.minPartBytes),
    importTimeoutSeconds: read('importTimeoutSeconds', env),
  };
}

/**
 * The upload limits of one tenant: the environment's, with the tenant's largest datafile from the settings (read unless
 * `known`).
 */
export async function tenantDatafileLimits(tenantId: string, known?: TenantLimits): Promise<DatafileLimits> {
  return { ...datafileLimits(), maxSizeBytes: (known ?? (await limitsOf(tenantId))).maxDatafileBytes };
}

const limit = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Everything an admin can set per tenant (or as everyone's default). */
export const tenantLimitsSchema = z
  .strictObject({
    maxDatafileBytes: limit.describe('largest datafile the tenant may upload or import, bytes (413 above it)'),
    maxArchiveEntries: limit.describe(
      "entries (files and folders) one of the tenant's archives may hold (the datafile fails naming the limit)",
    ),
    maxUncompressedBytes: limit.describe(
      "bytes one of the tenant's archives may expand to (the datafile fails naming the limit)",
    ),
    maxQueuedJobs: limit.describe('training jobs the tenant may have waiting at once (429 beyond)'),
    maxStorageBytes: limit.describe("bytes the tenant's datafiles may take in all (429 beyond)"),
  })
  .meta({ id: 'TenantLimits' });
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;

/** The settings an admin stores: everyone's default, and overrides of any of its fields per tenant. */
export const limitSettingsSchema = z
  .strictObject({
    default: tenantLimitsSchema.describe("every tenant's limits unless overridden"),
    tenants: z
      .record(tenantIdSchema, tenantLimitsSchema.partial())
      .default({})
      .describe('per-tenant overrides of some or all of the default fields'),
  })
  .meta({ id: 'LimitSettings', description: 'what each tenant may upload, import and keep' });
export type LimitSettings = z.infer<typeof limitSettingsSchema>;

export const limitsViewSchema = limitSettingsSchema
  .extend({ source: z.enum(['defaults', 'admin']), updatedAt: z.iso.datetime().optional() })
  .meta({ id: 'Limits' });
export type LimitsView = z.infer<typeof limitsViewSchema>;

/** The deployment's defaults (environment variables), used until an admin stores settings. */
export function defaultLimits(env: NodeJS.ProcessEnv = process.env): LimitSettings {
  return {
    default: {
      maxDatafileBytes: read('maxDatafileBytes', env),
      maxArchiveEntries: read('maxArchiveEntries', env),
      maxUncompressedBytes: read('maxUncompressedBytes', env),
      maxQueuedJobs: read('maxQueuedJobs', env),
      maxStorageBytes: read('maxStorageBytes', env),
    },
    tenants: {},
  };
}

const limitsSortKey = 'limits';
const limitsKey = () => ({ [tableKeys.partitionKey]: capacityPartition, [tableKeys.sortKey]: limitsSortKey });

/** The settings in force (strongly consistent: a PUT applies to the next request). */
export async function readLimits(): Promise<LimitsView> {
  const { Item } = await ddb().send(
    new GetCommand({ TableName: config.table(), Key: limitsKey(), ConsistentRead: true }),
  );
  if (!Item) return { ...defaultLimits(), source: 'defaults' };
  return { default: Item.default, tenants: Item.tenants ?? {}, source: 'admin', updatedAt: Item.updatedAt };
}

/** Stores new settings (the whole document: PUT replaces). */
export async function writeLimits(settings: LimitSettings): Promise<LimitsView> {
  const updatedAt = new Date().toISOString();
  await ddb().send(new PutCommand({ TableName: config.table(), Item: { ...limitsKey(), ...settings, updatedAt } }));
  return { ...settings, source: 'admin', updatedAt };
}

/** The limits that apply to one tenant: the default, with the tenant's overrides. */
export async function limitsOf(tenantId: string, settings?: LimitSettings): Promise<TenantLimits> {
  const { default: everyone, tenants } = settings ?? (await readLimits());
  return { ...everyone, ...tenants[tenantId] };
}

/** Forgets a deleted tenant's overrides. */
export const forgetTenantLimits = (tenantId: string) => removeTenantEntry(limitsSortKey, ['tenants'], tenantId);

/** The environment a Batch job of the tenant gets: its limits, under the names the worker reads. */
export function workerLimitEnv(limits: TenantLimits): Record<string, string> {
  return {
    [envNames.maxDatafileBytes]: String(limits.maxDatafileBytes),
    [envNames.maxArchiveEntries]: String(limits.maxArchiveEntries),
    [envNames.maxUncompressedBytes]: String(limits.maxUncompressedBytes),
  };
}

/**
 * The part size for a multipart upload of `sizeBytes`: the preferred size, or larger if 10,000 parts would not hold it.
 */
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
    throw new TooLargeError(
      `sizeBytes ${sizeBytes} is above this account's datafile limit of ${limits.maxSizeBytes} bytes`,
      [{ field: 'sizeBytes', message: `must be at most ${limits.maxSizeBytes}` }],
    );
}
