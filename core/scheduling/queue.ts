/**
 * The queue as an admin sees it, as a pure function of what the scheduler already keeps: the slots
 * (slots.ts: one per running Batch job of every kind of work) and the waiting index (work the
 * dispatcher has seen and not yet started). Nothing is counted twice: a record leaves the waiting
 * index when it is claimed, before it takes its job's place among the slots' holders.
 */
import type { WorkRef } from './slots';

export interface TenantQueue {
  tenantId: string;
  /** Batch jobs of the tenant holding a slot (submitted, starting or running). */
  running: number;
  /** Work of the tenant waiting for a slot. */
  waiting: number;
}

export interface QueueSummary {
  /** The busiest tenants first (running, then waiting, then by id), at most the limit asked for. */
  tenants: TenantQueue[];
  /** Over every tenant, listed or not. */
  totals: { running: number; waiting: number };
  /** How many tenants have running or waiting work (more than `tenants` lists when capped). */
  tenantCount: number;
}

/** The queue per tenant from the running counts (slots' usage by tenant) and the waiting work. */
export function summarizeQueue(
  runningByTenant: Readonly<Record<string, number>>,
  waiting: readonly Pick<WorkRef, 'tenantId'>[],
  limit: number,
): QueueSummary {
  const byTenant = new Map<string, TenantQueue>();
  const entry = (tenantId: string) => {
    let found = byTenant.get(tenantId);
    if (!found) byTenant.set(tenantId, (found = { tenantId, running: 0, waiting: 0 }));
    return found;
  };
  for (const [tenantId, running] of Object.entries(runningByTenant))
    if (running > 0) entry(tenantId).running += running;
  for (const work of waiting) entry(work.tenantId).waiting++;
  const all = [...byTenant.values()].sort(
    (a, b) => b.running - a.running || b.waiting - a.waiting || (a.tenantId < b.tenantId ? -1 : 1),
  );
  return {
    tenants: all.slice(0, limit),
    totals: {
      running: all.reduce((sum, tenant) => sum + tenant.running, 0),
      waiting: all.reduce((sum, tenant) => sum + tenant.waiting, 0),
    },
    tenantCount: all.length,
  };
}
