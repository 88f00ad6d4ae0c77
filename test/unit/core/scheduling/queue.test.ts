/** The admin's view of the queue, from the slots' running counts and the waiting work. */
import { summarizeQueue } from '../../../../core/scheduling/queue';

const waitingOf = (...tenants: string[]) => tenants.map((tenantId) => ({ tenantId }));

describe('summarizeQueue', () => {
  it('counts running and waiting work per tenant, busiest first, with totals', () => {
    const summary = summarizeQueue({ alice: 1, bob: 2 }, waitingOf('alice', 'carol', 'alice', 'carol', 'carol'), 100);
    expect(summary).toEqual({
      tenants: [
        { tenantId: 'bob', running: 2, waiting: 0 },
        { tenantId: 'alice', running: 1, waiting: 2 },
        { tenantId: 'carol', running: 0, waiting: 3 },
      ],
      totals: { running: 3, waiting: 5 },
      tenantCount: 3,
    });
  });

  it('orders tenants that are equally busy by id', () => {
    const summary = summarizeQueue({ b: 1, a: 1 }, [], 100);
    expect(summary.tenants.map((t) => t.tenantId)).toEqual(['a', 'b']);
  });

  it('lists at most the limit but counts every tenant in the totals', () => {
    const summary = summarizeQueue({ a: 3, b: 2 }, waitingOf('c', 'c'), 1);
    expect(summary.tenants).toEqual([{ tenantId: 'a', running: 3, waiting: 0 }]);
    expect(summary.totals).toEqual({ running: 5, waiting: 2 });
    expect(summary.tenantCount).toBe(3);
  });

  it('leaves out tenants with nothing running or waiting', () => {
    expect(summarizeQueue({ idle: 0 }, [], 100)).toEqual({
      tenants: [],
      totals: { running: 0, waiting: 0 },
      tenantCount: 0,
    });
  });
});
