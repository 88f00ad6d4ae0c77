/**
 * The scheduler's one decision, as a pure function: which waiting work starts next. The tenant
 * with the fewest running jobs goes first — so one tenant's hundred queued jobs never starve
 * another's one — then, among tenants running as many, the one whose last start is longest ago,
 * then the oldest work. The middle rule matters: with "oldest first" alone, two tenants that
 * queued first would take turns on two workers for as long as they have work, and a third tenant
 * with as few running jobs would wait behind them (its work is always younger). Work of a tenant
 * at its own limit is passed over, and nothing starts while the global limit is reached.
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

/** When each tenant last had work started (ISO); a tenant never started comes first. */
export type LastStarts = Record<string, string>;

export function chooseNext<W extends WaitingWork>(
  waiting: readonly W[],
  usage: Usage,
  limits: Limits,
  lastStarts: LastStarts = {},
): W | undefined {
  if (usage.global >= limits.maxWorkers) return undefined;
  const running = (tenant: string) => usage.byTenant[tenant] ?? 0;
  const lastStart = (tenant: string) => lastStarts[tenant] ?? '';
  const before = (a: W, b: W) =>
    running(a.tenantId) - running(b.tenantId) ||
    lastStart(a.tenantId).localeCompare(lastStart(b.tenantId)) ||
    a.waitingSince.localeCompare(b.waitingSince);
  let best: W | undefined;
  for (const work of waiting) {
    if (running(work.tenantId) >= limits.tenantLimit(work.tenantId)) continue;
    if (!best || before(work, best) < 0) best = work;
  }
  return best;
}

/**
 * The order in which waiting work would start if every started job kept running: what a dispatch
 * pass does while capacity lasts (and what the fairness tests reason about).
 */
export function startOrder<W extends WaitingWork>(
  waiting: readonly W[],
  usage: Usage,
  limits: Limits,
  lastStarts: LastStarts = {},
): W[] {
  const remaining = [...waiting];
  const current: Usage = { global: usage.global, byTenant: { ...usage.byTenant } };
  const starts = { ...lastStarts };
  const order: W[] = [];
  for (let tick = 0; ; tick++) {
    const next = chooseNext(remaining, current, limits, starts);
    if (!next) return order;
    order.push(next);
    starts[next.tenantId] = `~${String(tick).padStart(9, '0')}`;
    remaining.splice(remaining.indexOf(next), 1);
    current.global++;
    current.byTenant[next.tenantId] = (current.byTenant[next.tenantId] ?? 0) + 1;
  }
}
