/**
 * What compute costs, for the estimate every work record carries (`usage.estimatedCost`): a price
 * per hour for each instance type the stack's environments may launch, at the market they buy
 * (spot or on-demand). The defaults are list prices, not a bill: spot prices change by the hour and
 * by zone, and regions differ; a deployment overrides them (`instancePrices`, docs/DEPLOY.md).
 */
import { z } from 'zod';

/** An instance type's size and its prices per hour, in USD. */
export const instancePrice = z.strictObject({
  vcpus: z.number().int().positive(),
  gpus: z.number().int().min(0),
  onDemand: z.number().nonnegative(),
  spot: z.number().nonnegative(),
});
export type InstancePrice = z.infer<typeof instancePrice>;

/** When the default prices were taken, and where. */
export const defaultPricesTakenOn = '2026-12-01 (us-east-1, Linux; spot: a typical hour)';

/**
 * us-east-1 Linux prices of the instance types the stack launches by default and the multi-GPU ones
 * (lib/config.ts): on-demand from the EC2 price list, spot a typical hour of the spot price history.
 */
export const defaultInstancePrices: Readonly<Record<string, InstancePrice>> = {
  'g4dn.xlarge': { vcpus: 4, gpus: 1, onDemand: 0.526, spot: 0.22 },
  'g4dn.2xlarge': { vcpus: 8, gpus: 1, onDemand: 0.752, spot: 0.29 },
  'g4dn.4xlarge': { vcpus: 16, gpus: 1, onDemand: 1.204, spot: 0.45 },
  'g4dn.12xlarge': { vcpus: 48, gpus: 4, onDemand: 3.912, spot: 1.6 },
  'g4dn.metal': { vcpus: 96, gpus: 8, onDemand: 7.824, spot: 3.1 },
  'm6i.xlarge': { vcpus: 4, gpus: 0, onDemand: 0.192, spot: 0.08 },
  'm6i.2xlarge': { vcpus: 8, gpus: 0, onDemand: 0.384, spot: 0.16 },
};

/** What the estimate reads (ELASTIC_CAFFE_PRICING, written by the stack): the instance types it may launch. */
export const pricing = z.strictObject({
  currency: z.literal('USD'),
  market: z.enum(['spot', 'onDemand']),
  takenOn: z.string(),
  instances: z.record(z.string(), instancePrice),
});
export type Pricing = z.infer<typeof pricing>;

/** What one attempt asked for. */
export interface AttemptResources {
  vcpus: number;
  gpus: number;
}

/**
 * An attempt's estimated cost: its share of the cheapest instance type that fits it (Batch packs
 * jobs onto instances by vCPUs and GPUs, so a 4-vCPU job on an 8-vCPU instance pays half), for as
 * long as it ran. Undefined when no priced instance type fits.
 */
export function attemptCost(resources: AttemptResources, seconds: number, prices: Pricing): number | undefined {
  let cheapest: number | undefined;
  for (const instance of Object.values(prices.instances)) {
    if (instance.vcpus < resources.vcpus || instance.gpus < resources.gpus) continue;
    const share = Math.max(resources.vcpus / instance.vcpus, instance.gpus ? resources.gpus / instance.gpus : 0);
    const hourly = instance[prices.market] * share;
    if (cheapest === undefined || hourly < cheapest) cheapest = hourly;
  }
  return cheapest === undefined ? undefined : (cheapest * seconds) / 3600;
}
