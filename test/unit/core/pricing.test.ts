/** The cost estimate of one attempt: its share of the cheapest priced instance type that fits it. */
import { attemptCost, defaultInstancePrices, type Pricing } from '../../../core/pricing';

const prices = (market: Pricing['market'], types: string[]): Pricing => ({
  currency: 'USD',
  market,
  takenOn: 'test',
  instances: Object.fromEntries(types.map((type) => [type, defaultInstancePrices[type]!])),
});

describe('attemptCost', () => {
  it("charges a one-GPU job a whole g4dn.xlarge, or half a g4dn.2xlarge's vCPUs when only that fits", () => {
    expect(attemptCost({ vcpus: 4, gpus: 1 }, 3600, prices('spot', ['g4dn.xlarge', 'g4dn.2xlarge']))).toBeCloseTo(0.22);
    expect(attemptCost({ vcpus: 4, gpus: 1 }, 1800, prices('onDemand', ['g4dn.2xlarge']))).toBeCloseTo(0.752 / 2);
  });

  it('charges a 4-GPU job the whole 4-GPU instance, and a 2-GPU job half of it', () => {
    const table = prices('onDemand', ['g4dn.xlarge', 'g4dn.12xlarge']);
    expect(attemptCost({ vcpus: 16, gpus: 4 }, 3600, table)).toBeCloseTo(3.912);
    expect(attemptCost({ vcpus: 8, gpus: 2 }, 3600, table)).toBeCloseTo(3.912 / 2);
  });

  it('prices a CPU job on the CPU instance rather than a GPU one', () => {
    expect(attemptCost({ vcpus: 4, gpus: 0 }, 3600, prices('spot', ['g4dn.xlarge', 'm6i.xlarge']))).toBeCloseTo(0.08);
  });

  it('has no estimate when nothing priced fits', () => {
    expect(attemptCost({ vcpus: 16, gpus: 4 }, 60, prices('spot', ['g4dn.xlarge']))).toBeUndefined();
  });
});
