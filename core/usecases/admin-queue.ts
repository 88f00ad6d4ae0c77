/** What runs and waits, per tenant, across the deployment (admins: GET /v1/admin/queue). */
import * as records from '../records/store';
import { summarizeQueue, type QueueSummary } from '../scheduling/queue';
import { listSlots, usageOf } from '../scheduling/slots';

/**
 * The queue from the scheduler's own state: the slots (strongly consistent) and the waiting index
 * (eventually consistent on AWS, like the dispatcher's own reading of it). Two queries, whatever
 * the number of tenants; `limit` caps the tenants listed, not what is counted.
 */
export async function adminQueue(limit: number): Promise<QueueSummary> {
  const [slots, waiting] = await Promise.all([listSlots(), records.findWaiting()]);
  return summarizeQueue(usageOf(slots).byTenant, waiting, limit);
}
