/** Usage from Batch job details: attempts, billable seconds, the estimate, and several Batch jobs on one record. */
import type { Pricing } from '../../../core/pricing';
import { attemptsOf, type BatchUsageDetail, savedAtRate, totalOf, withJobAttempts } from '../../../core/usage';

const t0 = Date.parse('2026-12-01T10:00:00.000Z');
const container = {
  vcpus: 2, // the legacy member loses to resourceRequirements
  resourceRequirements: [
    { type: 'VCPU', value: '4' },
    { type: 'MEMORY', value: '15000' },
    { type: 'GPU', value: '1' },
  ],
};
const detail = (jobId: string, attempts: BatchUsageDetail['attempts']): BatchUsageDetail => ({
  jobId,
  attempts,
  container,
});
const spot: Pricing = {
  currency: 'USD',
  market: 'spot',
  takenOn: 'test day',
  instances: { 'g4dn.xlarge': { vcpus: 4, gpus: 1, onDemand: 0.526, spot: 0.36 } },
};

describe('attemptsOf', () => {
  it('lists every attempt that ran, with what the job asked for', () => {
    const attempts = attemptsOf(
      detail('job-1', [
        { startedAt: t0, stoppedAt: t0 + 90_500 }, // reclaimed after 90.5 s
        { startedAt: undefined, stoppedAt: undefined }, // never started: used nothing
        { startedAt: t0 + 200_000, stoppedAt: t0 + 260_000 },
      ]),
    );
    expect(attempts).toEqual([
      {
        batchJobId: 'job-1',
        attempt: 1,
        startedAt: '2026-12-01T10:00:00.000Z',
        stoppedAt: '2026-12-01T10:01:30.500Z',
        runningSeconds: 90.5,
        vcpus: 4,
        gpus: 1,
        memoryMiB: 15000,
      },
      expect.objectContaining({ attempt: 3, runningSeconds: 60 }),
    ]);
  });

  it('reads the legacy vcpus and memory members when there are no resourceRequirements', () => {
    const [attempt] = attemptsOf({
      jobId: 'local',
      attempts: [{ startedAt: t0, stoppedAt: t0 + 1000 }],
      container: { vcpus: 2, memory: 2048 },
    });
    expect(attempt).toMatchObject({ vcpus: 2, gpus: 0, memoryMiB: 2048 });
  });
});

describe('withJobAttempts', () => {
  it('sums billable seconds, rounding each attempt up, and estimates the cost at the table', () => {
    const usage = withJobAttempts(
      undefined,
      detail('job-1', [
        { startedAt: t0, stoppedAt: t0 + 90_500 },
        { startedAt: t0 + 100_000, stoppedAt: t0 + 3_700_000 },
      ]),
      spot,
    );
    expect(usage.billableSeconds).toBe(91 + 3600);
    expect(usage.estimatedCost).toEqual({
      amount: Math.round(((0.36 * (91 + 3600)) / 3600) * 10_000) / 10_000,
      currency: 'USD',
      market: 'spot',
      pricesTakenOn: 'test day',
    });
  });

  it("keeps another Batch job's attempts and replaces the same job's", () => {
    const first = withJobAttempts(undefined, detail('lost', [{ startedAt: t0, stoppedAt: t0 + 10_000 }]));
    const again = withJobAttempts(first, detail('lost', [{ startedAt: t0, stoppedAt: t0 + 10_000 }]));
    expect(again).toEqual(first);
    const both = withJobAttempts(again, detail('next', [{ startedAt: t0 + 20_000, stoppedAt: t0 + 25_000 }]));
    expect(both.attempts.map((attempt) => attempt.batchJobId)).toEqual(['lost', 'next']);
    expect(both.billableSeconds).toBe(15);
  });

  it('gives no estimate without a price table or when an attempt fits no priced instance', () => {
    expect(
      withJobAttempts(undefined, detail('j', [{ startedAt: t0, stoppedAt: t0 + 1 }])).estimatedCost,
    ).toBeUndefined();
    const big = { ...detail('j', [{ startedAt: t0, stoppedAt: t0 + 1 }]), container: { vcpus: 64 } };
    expect(withJobAttempts(undefined, big, spot).estimatedCost).toBeUndefined();
  });
});

const cost = (amount: number) => ({ amount, currency: 'USD' as const, market: 'spot' as const, pricesTakenOn: 'x' });

describe('totalOf', () => {
  it('sums billable seconds and costs, counting the records', () => {
    expect(
      totalOf([
        { attempts: [], billableSeconds: 10, estimatedCost: cost(0.0012) },
        { attempts: [], billableSeconds: 5, estimatedCost: cost(0.0003) },
      ]),
    ).toEqual({ billableSeconds: 15, jobs: 2, estimatedCost: cost(0.0015) });
  });
  it('gives no cost when one record has none, and nothing for no records', () => {
    expect(
      totalOf([
        { attempts: [], billableSeconds: 10, estimatedCost: cost(1) },
        { attempts: [], billableSeconds: 5 },
      ]),
    ).toEqual({ billableSeconds: 15, jobs: 2 });
    expect(totalOf([])).toBeUndefined();
  });
});

describe('savedAtRate', () => {
  it('prices the iterations not trained at the rate the trained ones cost', () => {
    const used = { billableSeconds: 300, jobs: 6, estimatedCost: cost(0.03) };
    expect(savedAtRate(used, 100, 200)).toEqual({
      iterations: 200,
      billableSeconds: 600,
      estimatedCost: { amount: 0.06, currency: 'USD' },
    });
  });
  it('saves nothing it cannot rate', () => {
    expect(savedAtRate({ billableSeconds: 0, jobs: 1 }, 0, 50)).toEqual({ iterations: 50, billableSeconds: 0 });
  });
});
