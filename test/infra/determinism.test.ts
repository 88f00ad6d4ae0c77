import { AssetStaging, Validations } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { create, synth } from './synth';

describe('synthesis', () => {
  test('needs no AWS account, region, credentials or context lookups (no vpcId)', () => {
    const { assembly, stateful, stateless } = synth();

    expect(assembly.manifest.missing).toBeUndefined();
    for (const stack of [stateful, stateless]) {
      expect(assembly.getStackArtifact(stack.artifactId).environment).toMatchObject({
        account: 'unknown-account',
        region: 'unknown-region',
      });
    }
  });

  test('gives the same image hashes (worker, classify) and templates twice in a row', () => {
    const first = synth();
    // Forget cached asset hashes so the second synth rebuilds the worker bundle and hashes it again.
    AssetStaging.clearAssetHashCache();
    const second = synth();

    expect(first.dockerImages).toHaveLength(2);
    expect(second.dockerImages.map((image) => image.hash)).toEqual(first.dockerImages.map((image) => image.hash));
    // Nested stacks included (their template's hash is in the parent's too, this names the one that differs).
    expect(first.templates.length).toBeGreaterThan(2);
    expect(second.templates.map((template) => template.toJSON())).toEqual(
      first.templates.map((template) => template.toJSON()),
    );
  });

  describe('with a vpcId', () => {
    const vpcId = 'vpc-0abc1234def567890';
    const saved = {
      CDK_DEFAULT_ACCOUNT: process.env.CDK_DEFAULT_ACCOUNT,
      CDK_DEFAULT_REGION: process.env.CDK_DEFAULT_REGION,
    };
    let beforeLookup: CloudAssembly;

    beforeAll(() => {
      // What the CLI sets from the credentials it finds; a lookup needs a concrete environment.
      process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
      process.env.CDK_DEFAULT_REGION = 'eu-west-1';
      // Until the CLI has looked the VPC up, placeholder ids stand in for it, which CloudFormation's
      // template checks reject; the CLI synthesizes again with the lookup's answer.
      const { app, stateless } = create({ vpcId });
      Validations.of(stateless).acknowledge(
        { id: 'CloudFormation-Validate::E1151', reason: 'placeholder VPC id before the lookup' },
        { id: 'CloudFormation-Validate::E1154', reason: 'placeholder subnet ids before the lookup' },
      );
      beforeLookup = app.synth();
    });
    afterAll(() => {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    });

    test('asks the CLI to look that VPC up', () => {
      expect(beforeLookup.manifest.missing).toEqual([
        expect.objectContaining({
          provider: 'vpc-provider',
          props: expect.objectContaining({ filter: { 'vpc-id': vpcId } }),
        }),
      ]);
    });

    test("runs the instances in the looked-up VPC's public subnets and creates no VPC", () => {
      const [lookup] = beforeLookup.manifest.missing ?? [];
      const subnets = ['subnet-0aaa1111bbbb22223', 'subnet-0ccc3333dddd44445'];
      const response = {
        vpcId,
        vpcCidrBlock: '10.0.0.0/16',
        availabilityZones: [],
        subnetGroups: [
          {
            name: 'Public',
            type: 'Public',
            subnets: subnets.map((subnetId, i) => ({
              subnetId,
              availabilityZone: `eu-west-1${'ab'[i]}`,
              routeTableId: `rtb-0${i}`,
              cidr: `10.0.${i}.0/24`,
            })),
          },
        ],
      };

      const { assembly, statelessTemplate } = synth({ vpcId, [lookup!.key]: response });

      expect(assembly.manifest.missing).toBeUndefined();
      statelessTemplate.resourceCountIs('AWS::EC2::VPC', 0);
      statelessTemplate.resourceCountIs('AWS::EC2::FlowLog', 0);
      statelessTemplate.hasResourceProperties('AWS::Batch::ComputeEnvironment', {
        ComputeResources: { Subnets: subnets },
      });
      statelessTemplate.hasResourceProperties('AWS::EC2::SecurityGroup', { VpcId: vpcId });
    });
  });
});
