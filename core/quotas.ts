/**
 * Per-tenant quotas: how many training jobs may wait at once, and how many bytes of datafiles a
 * tenant may keep (limits.ts: set per tenant by an admin, defaults from the environment). Exceeding
 * one answers 429 with Retry-After (lambdas/shared/http.ts). How many jobs run at once is not a
 * quota but the scheduler's limit (core/scheduling: `maxConcurrentJobs`): jobs beyond it are
 * accepted and wait in the queue.
 *
 * Counting, not counters: each check queries the tenant's own partition (a status-filtered query
 * reads the tenant's jobs of that status and stops at the limit; storage reads every datafile of
 * the tenant, ~1 RCU per 4 KB of records). Maintained counters would be exact under concurrency,
 * but every status change by the three writers (API, dispatcher, Batch events) would have to
 * adjust them too; these checks are soft instead — two requests at the same instant may both pass
 * the last free slot. Storage counts datafiles only (their declared or uploaded size); dataset
 * LMDBs are derived from them and not counted.
 */
import { DomainError } from './errors';
import * as records from './records/store';
import { read } from './config';
import { limitsOf, type TenantLimits } from './limits';

export interface TenantQuotas {
  /** Training jobs queued (waiting for Batch) at once. */
  queuedJobs: number;
  /** Sum of the tenant's datafile sizes. */
  storageBytes: number;
  /** What a job quota's 429 suggests waiting (a job's status changes within about this long). */
  jobsRetryAfterSeconds: number;
}

/** Storage frees up only when the tenant deletes something; this is a polite "not soon". */
const storageRetryAfterSeconds = 3600;

/** The tenant's quotas: its limits (the admin's settings, or the environment's defaults; read unless `known`). */
export async function tenantQuotas(
  tenantId: string,
  known?: TenantLimits,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TenantQuotas> {
  const limits = known ?? (await limitsOf(tenantId));
  return {
    queuedJobs: limits.maxQueuedJobs,
    storageBytes: limits.maxStorageBytes,
    jobsRetryAfterSeconds: read('jobsRetryAfterSeconds', env),
  };
}

/** A quota of the tenant is used up: 429, with how long to wait before retrying. */
export class QuotaExceededError extends DomainError {
  readonly status = 429;
  readonly title = 'Quota exceeded';
  constructor(
    detail: string,
    readonly retryAfterSeconds: number,
  ) {
    super(detail);
  }
}

/** How many of the tenant's training jobs are in these statuses, counting no further than `upTo`. */
async function countJobs(tenantId: string, statuses: readonly string[], upTo: number): Promise<number> {
  let total = 0;
  for (const status of statuses) {
    if (total >= upTo) break;
    total += (await records.list('training-jobs', tenantId, { limit: upTo - total, status })).items.length;
  }
  return total;
}

/** Refuses a new training job when the tenant's queued jobs are at their quota. */
export async function checkJobQuotas(tenantId: string, given?: TenantQuotas): Promise<void> {
  const quotas = given ?? (await tenantQuotas(tenantId));
  const queued = await countJobs(tenantId, ['queued'], quotas.queuedJobs);
  if (queued >= quotas.queuedJobs)
    throw new QuotaExceededError(
      `${queued} of your training jobs are queued, your quota of queued jobs; queue another when one starts`,
      quotas.jobsRetryAfterSeconds,
    );
}

/** The bytes the tenant's datafiles take (declared sizes until uploaded, then actual ones). */
export async function storedBytes(tenantId: string): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await records.list('datafiles', tenantId, { limit: 100, ...(cursor ? { cursor } : {}) });
    for (const datafile of page.items) total += datafile.sizeBytes ?? 0;
    cursor = page.nextCursor;
  } while (cursor);
  return total;
}

/** Refuses adding `addingBytes` when the tenant's datafiles would exceed the storage quota. */
export async function checkStorageQuota(tenantId: string, addingBytes: number, given?: TenantQuotas): Promise<void> {
  const quotas = given ?? (await tenantQuotas(tenantId));
  const stored = await storedBytes(tenantId);
  // A full quota refuses even a datafile of unknown size.
  if (stored >= quotas.storageBytes || stored + addingBytes > quotas.storageBytes)
    throw new QuotaExceededError(
      `your datafiles take ${stored} bytes; ${addingBytes} more would exceed your storage quota of ` +
        `${quotas.storageBytes} bytes — delete datafiles you no longer need`,
      storageRetryAfterSeconds,
    );
}
