/** The scheduler's pure choices: fairness between tenants, limits, the admin check, the backoff. */
import { chooseNext, startOrder, type WaitingWork } from '../../../../core/scheduling/choose';
import { capacitySettingsSchema, defaultCapacity, tenantLimit } from '../../../../core/scheduling/capacity';
import { holderOf, parseHolder, usageOf } from '../../../../core/scheduling/slots';
import { batchShareIdentifier } from '../../../../core/topology';
import { capacityBackoffSeconds } from '../../../../core/usecases/work/queue-messages';
import { assertAdmin, groupsOf } from '../../../../lambdas/shared/admin';

let clock = 0;
const work = (tenantId: string, recordId = `${tenantId}${clock}`): WaitingWork => ({
  collection: 'training-jobs',
  tenantId,
  recordId,
  waitingSince: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString(),
});
const limits = (maxWorkers: number, perTenant = 100, overrides: Record<string, number> = {}) => ({
  maxWorkers,
  tenantLimit: (t: string) => overrides[t] ?? perTenant,
});
const idle = { global: 0, byTenant: {} };

describe('chooseNext', () => {
  it('takes the oldest work when every tenant runs as much', () => {
    const [a, b] = [work('a'), work('b')];
    expect(chooseNext([b, a], idle, limits(2))).toBe(a);
  });

  it('takes the tenant with the fewest running jobs before older work of a busier tenant', () => {
    const older = work('a');
    const newer = work('b');
    expect(chooseNext([older, newer], { global: 1, byTenant: { a: 1 } }, limits(4))).toBe(newer);
  });

  it('starts nothing at the global limit, and passes over a tenant at its own limit', () => {
    const [a, b] = [work('a'), work('b')];
    expect(chooseNext([a, b], { global: 2, byTenant: { a: 1, b: 1 } }, limits(2))).toBeUndefined();
    expect(chooseNext([a, b], { global: 1, byTenant: { a: 1 } }, limits(4, 4, { a: 1, b: 0 }))).toBeUndefined();
    expect(chooseNext([a, b], { global: 1, byTenant: { a: 1 } }, limits(4, 1))).toBe(b);
  });

  it('among equally busy tenants, takes the one whose last start is longest ago before older work', () => {
    const older = work('a');
    const newer = work('c');
    expect(
      chooseNext([older, newer], { global: 1, byTenant: { b: 1 } }, limits(2), { a: '2026-01-01T00:00:05Z' }),
    ).toBe(newer);
    expect(
      chooseNext([older, newer], { global: 1, byTenant: { b: 1 } }, limits(2), {
        a: '2026-01-01T00:00:05Z',
        c: '2026-01-01T00:00:06Z',
      }),
    ).toBe(older);
  });

  it('after a limit was lowered below what runs, starts nothing until enough finish', () => {
    expect(chooseNext([work('a')], { global: 5, byTenant: { b: 5 } }, limits(3))).toBeUndefined();
  });
});

describe('startOrder (a pass while capacity lasts)', () => {
  it("interleaves tenants: one tenant's twenty queued jobs do not starve two others' five", () => {
    const a = Array.from({ length: 20 }, () => work('a'));
    const b = Array.from({ length: 5 }, () => work('b'));
    const c = Array.from({ length: 5 }, () => work('c'));
    const order = startOrder([...a, ...b, ...c], idle, limits(30)).map((w) => w.tenantId);
    expect(order.slice(0, 15).join('')).toBe('abcabcabcabcabc');
    expect(order.slice(15).join('')).toBe('a'.repeat(15));
  });

  it('on two workers, a third tenant is not starved by two that queued earlier and take turns', () => {
    // Simulate: two workers; each step the oldest running job finishes and the next starts.
    const queue = [
      ...Array.from({ length: 6 }, () => work('a')),
      ...Array.from({ length: 6 }, () => work('b')),
      ...Array.from({ length: 3 }, () => work('c')),
    ];
    const running: WaitingWork[] = [];
    const starts: Record<string, string> = {};
    const order: string[] = [];
    for (let tick = 0; queue.length; tick++) {
      if (running.length === 2) running.shift();
      const byTenant: Record<string, number> = {};
      for (const r of running) byTenant[r.tenantId] = (byTenant[r.tenantId] ?? 0) + 1;
      const next = chooseNext(queue, { global: running.length, byTenant }, limits(2), starts)!;
      queue.splice(queue.indexOf(next), 1);
      running.push(next);
      starts[next.tenantId] = String(tick).padStart(5, '0');
      order.push(next.tenantId);
    }
    expect(order.slice(0, 9).join('')).toBe('abcabcabc');
  });

  it('keeps each tenant oldest first', () => {
    const a = [work('a'), work('a'), work('a')];
    expect(startOrder([a[2]!, a[0]!, a[1]!], idle, limits(3))).toEqual(a);
  });

  it('counts running jobs: a busy tenant waits until the others catch up', () => {
    const [a, b, c] = [work('a'), work('b'), work('b')];
    expect(startOrder([a, b, c], { global: 2, byTenant: { a: 2 } }, limits(5)).map((w) => w.recordId)).toEqual(
      [b, c, a].map((w) => w.recordId),
    );
  });
});

describe('slots', () => {
  it('name their work and claim, and count per tenant', () => {
    const holder = holderOf({ collection: 'datasets', tenantId: 'alice@x.org', recordId: 'ds_1' }, 'claim-1');
    expect(parseHolder(holder)).toEqual({
      collection: 'datasets',
      tenantId: 'alice@x.org',
      recordId: 'ds_1',
      claimId: 'claim-1',
    });
    const slot = (sortKey: string) => ({
      sortKey,
      holder,
      heldSince: '',
      index: 0,
      ...(sortKey.includes('tenant')
        ? { scope: 'tenant' as const, tenantId: sortKey.split('#')[2] }
        : { scope: 'global' as const }),
    });
    expect(
      usageOf([
        slot('slot#global#00000'),
        slot('slot#global#00001'),
        slot('slot#tenant#a#00000'),
        slot('slot#tenant#a#00001'),
        slot('slot#tenant#b#00000'),
      ]),
    ).toEqual({
      global: 2,
      byTenant: { a: 2, b: 1 },
    });
  });
});

describe('capacity settings', () => {
  it('defaults from the environment, overrides per tenant', () => {
    const settings = defaultCapacity({ ELASTIC_CAFFE_MAX_WORKERS: '3', ELASTIC_CAFFE_MAX_CONCURRENT_JOBS: '2' });
    expect(settings).toEqual({ maxWorkers: 3, maxConcurrentJobs: { default: 2, tenants: {} } });
    expect(tenantLimit({ ...settings, maxConcurrentJobs: { default: 2, tenants: { big: 10 } } }, 'big')).toBe(10);
    expect(() => defaultCapacity({ ELASTIC_CAFFE_MAX_WORKERS: '-1' })).toThrow(
      'ELASTIC_CAFFE_MAX_WORKERS must be a whole number ≥ 0, not "-1"',
    );
  });

  it('validates an admin change, naming each bad field', () => {
    expect(capacitySettingsSchema.parse({ maxWorkers: 0, maxConcurrentJobs: { default: 1 } })).toEqual({
      maxWorkers: 0,
      maxConcurrentJobs: { default: 1, tenants: {} },
    });
    const result = capacitySettingsSchema.safeParse({
      maxWorkers: 1.5,
      maxConcurrentJobs: { default: -1, tenants: { 'bad tenant': 1 } },
      extra: true,
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual([
      '',
      'maxConcurrentJobs.default',
      'maxConcurrentJobs.tenants.bad tenant',
      'maxWorkers',
    ]);
  });
});

describe('the admin check', () => {
  const event = (claims: Record<string, unknown>) =>
    ({
      requestContext: { authorizer: { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 } },
    }) as never;

  it('reads the groups claim as the local gateway (array) and API Gateway (bracketed string) pass it', () => {
    expect(groupsOf({ 'cognito:groups': ['admins', 'x'] })).toEqual(['admins', 'x']);
    expect(groupsOf({ 'cognito:groups': '[x admins]' })).toEqual(['x', 'admins']);
    expect(groupsOf({})).toEqual([]);
  });

  it('lets admins through and refuses anyone else with 403', () => {
    expect(() => assertAdmin(event({ sub: 'a', 'cognito:groups': '[admins]' }))).not.toThrow();
    expect(() => assertAdmin(event({ sub: 'a', 'cognito:groups': ['users'] }))).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    expect(() => assertAdmin(event({ sub: 'a' }))).toThrow(
      'this is an admin operation: only members of the "admins" group',
    );
  });

  it("with IAM auth, lets through exactly the deployment's admin principals", () => {
    const iamEvent = (userArn: string) =>
      ({ requestContext: { authorizer: { iam: { userArn, userId: 'AIDAEXAMPLE' } } } }) as never;
    const admin = 'arn:aws:iam::123456789012:user/ops';
    const saved = process.env.ADMIN_PRINCIPAL_ARNS;
    process.env.ADMIN_PRINCIPAL_ARNS = ` ${admin} ,arn:aws:sts::123456789012:assumed-role/Ops/session`;
    try {
      expect(() => assertAdmin(iamEvent(admin))).not.toThrow();
      expect(() => assertAdmin(iamEvent('arn:aws:iam::123456789012:user/opsx'))).toThrow(
        expect.objectContaining({ status: 403 }),
      );
      delete process.env.ADMIN_PRINCIPAL_ARNS;
      expect(() => assertAdmin(iamEvent(admin))).toThrow(expect.objectContaining({ status: 403 }));
    } finally {
      if (saved === undefined) delete process.env.ADMIN_PRINCIPAL_ARNS;
      else process.env.ADMIN_PRINCIPAL_ARNS = saved;
    }
  });
});

it('waiting for capacity backs off from 5 s to at most 5 min', () => {
  expect([0, 1, 2, 3, 6, 20].map(capacityBackoffSeconds)).toEqual([5, 10, 20, 40, 300, 300]);
});

it('a tenant id becomes a valid Batch share identifier', () => {
  expect(batchShareIdentifier('alice@example.org')).toBe('aliceexampleorg');
  expect(batchShareIdentifier('Team_7')).toBe('Team7');
  expect(batchShareIdentifier('-')).toBe('none');
});
