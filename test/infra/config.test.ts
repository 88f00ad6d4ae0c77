import { App } from 'aws-cdk-lib';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultInstancePrices, defaultPricesTakenOn } from '../../core/pricing';
import { configKeys, loadConfig, parseConfig, pricingOf } from '../../lib/config';

describe('deployment config', () => {
  test('defaults to a small spot GPU fleet, open CORS and retained data', () => {
    const config = parseConfig({});

    expect(config).toMatchObject({
      maxvCpus: 16,
      instanceTypes: ['g4dn.xlarge', 'g4dn.2xlarge'],
      corsOrigins: ['*'],
      removalPolicy: 'retain',
      selfSignUp: false,
      workerDockerfile: 'Dockerfile.gpu',
      spot: true,
      onDemandFallback: true,
      cpuQueue: false,
      containerStopTimeoutSeconds: 120,
      authMode: 'cognito',
      adminPrincipalArns: [],
      snapshotExpirationDays: 14,
      logRetentionDays: 30,
    });
    expect(config.vpcId).toBeUndefined();
    expect(config.onDemandMaxvCpus).toBeUndefined();
  });

  test('parses the strings that `-c key=value` passes', () => {
    const app = new App({
      context: {
        maxvCpus: '32',
        instanceTypes: 'g5.xlarge, g4dn.xlarge',
        corsOrigins: '["https://app.example"]',
        selfSignUp: 'true',
      },
    });

    const config = loadConfig(app.node);

    expect(config.maxvCpus).toBe(32);
    expect(config.instanceTypes).toEqual(['g5.xlarge', 'g4dn.xlarge']);
    expect(config.corsOrigins).toEqual(['https://app.example']);
    expect(config.selfSignUp).toBe(true);
  });

  test('admin principals are ARNs, and only for authMode iam', () => {
    expect(
      parseConfig({ authMode: 'iam', adminPrincipalArns: 'arn:aws:iam::123456789012:user/ops' }).adminPrincipalArns,
    ).toEqual(['arn:aws:iam::123456789012:user/ops']);
    expect(() => parseConfig({ authMode: 'iam', adminPrincipalArns: 'ops' })).toThrow(
      /adminPrincipalArns[\s\S]*IAM or STS ARN/,
    );
    expect(() => parseConfig({ adminPrincipalArns: 'arn:aws:iam::123456789012:user/ops' })).toThrow(
      /adminPrincipalArns: applies only with authMode 'iam'/,
    );
  });

  test('log retention must be a period CloudWatch offers; the stop timeout at least the ECS default', () => {
    expect(parseConfig({ logRetentionDays: '90' }).logRetentionDays).toBe(90);
    expect(() => parseConfig({ logRetentionDays: '45' })).toThrow(/logRetentionDays: must be one of 1, 3, 5/);
    expect(() => parseConfig({ containerStopTimeoutSeconds: '10' })).toThrow(/containerStopTimeoutSeconds/);
    expect(() => parseConfig({ authMode: 'apikey' })).toThrow(/authMode/);
  });

  test('multi-GPU jobs need an environment big enough for an instance with that many GPUs', () => {
    expect(parseConfig({}).maxGpusPerJob).toBe(1);
    expect(parseConfig({ maxGpusPerJob: '8', maxvCpus: '96' }).maxGpusPerJob).toBe(8);
    expect(() => parseConfig({ maxGpusPerJob: '3' })).toThrow(/maxGpusPerJob: must be 1, 2, 4 or 8/);
    expect(() => parseConfig({ maxGpusPerJob: '4', maxvCpus: '96', onDemandMaxvCpus: '16' })).toThrow(
      /onDemandMaxvCpus: must be at least 48 for maxGpusPerJob=4 \(a g4dn.12xlarge has 4 GPUs and 48 vCPUs\), not 16/,
    );
    expect(() => parseConfig({ maxGpusPerJob: '2' })).toThrow(/maxvCpus: must be at least 48/);
  });

  test('the price table covers every instance type the environments may launch, at the market they buy', () => {
    const { pricing, unpriced } = pricingOf(parseConfig({}));
    expect(unpriced).toEqual([]);
    expect(pricing).toMatchObject({ currency: 'USD', market: 'spot', takenOn: defaultPricesTakenOn });
    expect(Object.keys(pricing.instances)).toEqual(['g4dn.xlarge', 'g4dn.2xlarge']);
    const { pricing: own } = pricingOf(
      parseConfig({
        spot: 'false',
        cpuQueue: 'true',
        instanceTypes: 'g5.xlarge',
        instancePrices: '{"g5.xlarge": {"vcpus": 4, "gpus": 1, "onDemand": 1.006, "spot": 0.45}}',
      }),
    );
    expect(own.market).toBe('onDemand');
    expect(own.takenOn).toMatch(/the deployment's own for g5.xlarge/);
    expect(own.instances).toEqual({
      'g5.xlarge': { vcpus: 4, gpus: 1, onDemand: 1.006, spot: 0.45 },
      'm6i.xlarge': defaultInstancePrices['m6i.xlarge'],
      'm6i.2xlarge': defaultInstancePrices['m6i.2xlarge'],
    });
    expect(pricingOf(parseConfig({ instanceTypes: 'g5.xlarge,g4dn.xlarge' })).unpriced).toEqual(['g5.xlarge']);
    expect(() => parseConfig({ instancePrices: '{"g5.xlarge": {"vcpus": 4}}' })).toThrow(/instancePrices/);
  });

  test('rejects bad values with one error naming every bad key', () => {
    expect(() => parseConfig({ maxvCpus: 'many', vpcId: 'my-vpc', removalPolicy: 'keep' })).toThrow(
      /Invalid CDK context for Elastic Caffe:[\s\S]*maxvCpus[\s\S]*vpcId: must look like vpc-[\s\S]*removalPolicy/,
    );
  });

  test('docs/DEPLOY.md documents every key, with its default', () => {
    const guide = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'DEPLOY.md'), 'utf8');
    const defaults = parseConfig({});
    for (const key of configKeys) {
      const row = guide.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row).toBeDefined();
      const value = defaults[key];
      if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string')
        expect(row).toContain(`\`${value}\``);
      if (Array.isArray(value) && value.length > 0) expect(row).toContain(`\`${value.join(',')}\``);
    }
  });
});
