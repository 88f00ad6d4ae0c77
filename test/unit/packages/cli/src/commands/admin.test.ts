/** `ecaffe admin queue`: the table a person reads. */
import { queueTable } from '../../../../../../packages/cli/src/commands/admin';

describe('queueTable', () => {
  it('shows a row per tenant and the totals', () => {
    const text = queueTable({
      tenants: [
        { tenantId: 'alice', running: 2, waiting: 1 },
        { tenantId: 'bob', running: 0, waiting: 3 },
      ],
      totals: { running: 2, waiting: 4 },
      tenantCount: 2,
    });
    expect(text.split('\n')).toEqual([
      'TENANT   RUNNING  WAITING',
      'alice    2        1',
      'bob      0        3',
      '(total)  2        4',
    ]);
  });

  it('says how many tenants the totals count when the list was capped', () => {
    const text = queueTable({
      tenants: [{ tenantId: 'alice', running: 1, waiting: 0 }],
      totals: { running: 3, waiting: 0 },
      tenantCount: 3,
    });
    expect(text.split('\n').at(-1)).toBe('(all 3 tenants)  3        0');
  });
});
