/**
 * DELETE /v1/admin/tenants/{tenantId} — deletes a whole tenant (admins only). An HTTP API answers
 * within 29 s, so the wait for the tenant's Batch jobs to stop is short: while any still stops the
 * answer is 202 with Retry-After, and calling again carries on (every step is idempotent).
 */
import { deleteTenant } from '../../core/usecases/tenant-deletion';
import { httpHandler, json } from '../shared/http';

/** Time left for the objects and records after waiting for the jobs. */
const stopWaitMs = 15_000;
const retryAfterSeconds = 30;

export const handler = httpHandler(
  async ({ pathParameters }) => {
    const result = await deleteTenant(pathParameters.tenantId ?? '', { stopTimeoutMs: stopWaitMs });
    return result.complete ? json(200, result) : json(202, result, { 'retry-after': String(retryAfterSeconds) });
  },
  { admin: true },
);
