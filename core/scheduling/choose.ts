/**
 * The scheduler's one decision, as a pure function: which waiting work starts next. The tenant
 * with the fewest running jobs goes first, then the oldest work — so one tenant's hundred queued
 * jobs never starve another's one. Work of a tenant at its own limit is passed over, and nothing
 * starts while the global limit is reached.
 */
import type { Usage, WorkRef } from './slots';

export interface WaitingWork extends WorkRef {
  /** When the work was queued (ISO): the order within equally busy tenants. */
  waitingSince: string;
}

export interface Limits {
  maxWorkers: number;
  tenantLimit(tenantId: string): number;
}

export function chooseNext<W extends WaitingWork>(waiting: readonly W[], usage: Usage, limits: Limits): W | undefined {
  if (usage.global >= limits.maxWorkers) return undefined;
  const running = (tenant: string) => usage.byTenant[tenant] ?? 0;
  let best: W | undefined;
  for (const work of waiting) {
    if (running(work.tenantId) >= limits.tenantLimit(work.tenantId)) continue;
    if (
      !best ||
      running(work.tenantId) < running(best.tenantId) ||
      (running(work.tenantId) === running(best.tenantId) && work.waitingSince < best.waitingSince)
    )
      best = work;
  }
  return best;
}

/**
 * The order in which waiting work would start if every started job kept running: what a dispatch
 * pass does while capacity lasts (and what the fairness tests reason about).
 */
export function startOrder<W extends WaitingWork>(waiting: readonly W[], usage: Usage, limits: Limits): W[] {
  const remaining = [...waiting];
  const current: Usage = { global: usage.global, byTenant: { ...usage.byTenant } };
  const order: W[] = [];
  for (;;) {
    const next = chooseNext(remaining, current, limits);
    if (!next) return order;
    order.push(next);
    remaining.splice(remaining.indexOf(next), 1);
    current.global++;
    current.byTenant[next.tenantId] = (current.byTenant[next.tenantId] ?? 0) + 1;
  }
}
