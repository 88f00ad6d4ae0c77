/**
 * What a piece of work used: each Batch attempt's running time and the resources it asked for,
 * the total billable seconds (as SageMaker reports them: running time, not time queued), and an
 * estimated cost from the stack's price table (core/pricing.ts). Written from the Batch job's final
 * state change, which lists every attempt; a record that needed several Batch jobs (one lost and
 * submitted again) keeps the attempts of each.
 */
import { attemptCost, type Pricing } from './pricing';

/** One Batch attempt, as Batch reported it. */
export interface AttemptUsage {
  batchJobId: string;
  /** 1-based, within its Batch job. */
  attempt: number;
  startedAt: string;
  stoppedAt: string;
  runningSeconds: number;
  vcpus: number;
  gpus: number;
  memoryMiB?: number;
}

export interface Usage {
  attempts: AttemptUsage[];
  /** The attempts' running seconds, each rounded up to a whole second. */
  billableSeconds: number;
  /** Absent where the deployment has no price table (the local cloud) or no priced instance fits. */
  estimatedCost?: { amount: number; currency: 'USD'; market: Pricing['market']; pricesTakenOn: string };
}

/** The parts of a Batch job's detail (state change event or DescribeJobs) that say what it used. */
export interface BatchUsageDetail {
  jobId: string;
  attempts?: Array<{ startedAt?: number; stoppedAt?: number }>;
  container?: {
    vcpus?: number;
    memory?: number;
    resourceRequirements?: Array<{ type?: string; value?: string }>;
  };
}

/** What the job asked for; resourceRequirements win over the legacy members, as in Batch. */
function requested(container: BatchUsageDetail['container']): Pick<AttemptUsage, 'vcpus' | 'gpus' | 'memoryMiB'> {
  const of = (type: string) => {
    const value = container?.resourceRequirements?.find((r) => r.type === type)?.value;
    return value === undefined ? undefined : Number(value);
  };
  const memoryMiB = of('MEMORY') ?? container?.memory;
  return {
    vcpus: of('VCPU') ?? container?.vcpus ?? 0,
    gpus: of('GPU') ?? 0,
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
  };
}

/** The attempts of one Batch job that ran (an attempt that never started used nothing). */
export function attemptsOf(detail: BatchUsageDetail): AttemptUsage[] {
  const resources = requested(detail.container);
  return (detail.attempts ?? []).flatMap((attempt, index) => {
    if (attempt.startedAt === undefined || attempt.stoppedAt === undefined) return [];
    return [
      {
        batchJobId: detail.jobId,
        attempt: index + 1,
        startedAt: new Date(attempt.startedAt).toISOString(),
        stoppedAt: new Date(attempt.stoppedAt).toISOString(),
        runningSeconds: Math.max(0, attempt.stoppedAt - attempt.startedAt) / 1000,
        ...resources,
      },
    ];
  });
}

/** The record's usage with one Batch job's attempts in place of what was recorded for that job before. */
export function withJobAttempts(previous: Usage | undefined, detail: BatchUsageDetail, prices?: Pricing): Usage {
  const attempts = [
    ...(previous?.attempts ?? []).filter((attempt) => attempt.batchJobId !== detail.jobId),
    ...attemptsOf(detail),
  ];
  return summarize(attempts, prices);
}

/** Totals over attempts: billable seconds, and the estimate when every attempt has a price. */
export function summarize(attempts: AttemptUsage[], prices?: Pricing): Usage {
  const billableSeconds = attempts.reduce((sum, attempt) => sum + Math.ceil(attempt.runningSeconds), 0);
  const costs = prices
    ? attempts.map((attempt) => attemptCost(attempt, Math.ceil(attempt.runningSeconds), prices))
    : [];
  const priced = prices !== undefined && costs.every((cost) => cost !== undefined);
  return {
    attempts,
    billableSeconds,
    ...(priced
      ? {
          estimatedCost: {
            amount: roundCents(costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0)),
            currency: prices.currency,
            market: prices.market,
            pricesTakenOn: prices.takenOn,
          },
        }
      : {}),
  };
}

/** To a hundredth of a cent: short jobs cost fractions of a cent, and sums of rounded cents drift. */
const roundCents = (amount: number) => Math.round(amount * 10_000) / 10_000;

/** Usage summed over several records (a sweep's jobs): totals only; the cost when every one was priced. */
export interface UsageTotal {
  billableSeconds: number;
  /** How many records' usage is summed. */
  jobs: number;
  estimatedCost?: Usage['estimatedCost'];
}

export function totalOf(usages: Usage[]): UsageTotal | undefined {
  if (!usages.length) return undefined;
  const costs = usages.map((usage) => usage.estimatedCost);
  const first = costs[0];
  return {
    billableSeconds: usages.reduce((sum, usage) => sum + usage.billableSeconds, 0),
    jobs: usages.length,
    ...(first && costs.every((cost) => cost !== undefined)
      ? { estimatedCost: { ...first, amount: roundCents(costs.reduce((sum, cost) => sum + cost!.amount, 0)) } }
      : {}),
  };
}

/**
 * What not training `iterationsSkipped` saved, at the rate `used` paid for `iterationsTrained`: an
 * estimate (a sweep's trials train at one rate per iteration, give or take their batch sizes).
 */
export function savedAtRate(used: UsageTotal, iterationsTrained: number, iterationsSkipped: number) {
  const rate = iterationsTrained > 0 ? iterationsSkipped / iterationsTrained : 0;
  return {
    iterations: iterationsSkipped,
    billableSeconds: Math.round(used.billableSeconds * rate),
    ...(used.estimatedCost
      ? {
          estimatedCost: {
            amount: roundCents(used.estimatedCost.amount * rate),
            currency: used.estimatedCost.currency,
          },
        }
      : {}),
  };
}
