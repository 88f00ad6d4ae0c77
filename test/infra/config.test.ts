import { App } from 'aws-cdk-lib';
import { loadConfig, parseConfig } from '../../lib/config';

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
    });
    expect(config.vpcId).toBeUndefined();
  });

  test('parses the strings that `-c key=value` passes', () => {
    const app = new App({
      context: { maxvCpus: '32', instanceTypes: 'g5.xlarge, g4dn.xlarge', corsOrigins: '["https://app.example"]', selfSignUp: 'true' },
    });

    const config = loadConfig(app.node);

    expect(config.maxvCpus).toBe(32);
    expect(config.instanceTypes).toEqual(['g5.xlarge', 'g4dn.xlarge']);
    expect(config.corsOrigins).toEqual(['https://app.example']);
    expect(config.selfSignUp).toBe(true);
  });

  test('rejects bad values with one error naming every bad key', () => {
    expect(() => parseConfig({ maxvCpus: 'many', vpcId: 'my-vpc', removalPolicy: 'keep' })).toThrow(
      /Invalid CDK context for Elastic Caffe:[\s\S]*maxvCpus[\s\S]*vpcId: must look like vpc-[\s\S]*removalPolicy/,
    );
  });
});
