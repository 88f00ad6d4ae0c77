/**
 * The idle-cost checker itself, on hand-written snippets: it must catch what bills while idle,
 * and leave alone what scales to zero. (stacks.test.ts and options.test.ts run it on the real templates.)
 */
import { idleCostFindings, idleCostRules, type TemplateResource } from './idle-cost';

const template = (resource: TemplateResource) => ({ Resources: { Thing: resource } });

/** Resources that bill while idle, one per way of getting it wrong. */
const billing: Array<[string, TemplateResource]> = [
  ['a NAT gateway', { Type: 'AWS::EC2::NatGateway', Properties: { SubnetId: 'subnet-1' } }],
  [
    'an interface endpoint',
    {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: { VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.eu-west-1.ecr.api' },
    },
  ],
  ['an Elastic IP', { Type: 'AWS::EC2::EIP', Properties: {} }],
  ['a load balancer', { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application' } }],
  ['a classic load balancer', { Type: 'AWS::ElasticLoadBalancing::LoadBalancer', Properties: {} }],
  ['an EC2 instance', { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 't3.micro' } }],
  [
    'an Auto Scaling group with a minimum',
    { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', MaxSize: '2' } },
  ],
  [
    'an Auto Scaling group with a desired capacity',
    { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '2', DesiredCapacity: '1' } },
  ],
  [
    'a compute environment with minvCpus',
    {
      Type: 'AWS::Batch::ComputeEnvironment',
      Properties: { Type: 'managed', ComputeResources: { MinvCpus: 4, MaxvCpus: 16 } },
    },
  ],
  [
    'a compute environment with desiredvCpus',
    {
      Type: 'AWS::Batch::ComputeEnvironment',
      Properties: { Type: 'managed', ComputeResources: { MinvCpus: 0, DesiredvCpus: 4, MaxvCpus: 16 } },
    },
  ],
  ['an ECS service (default desired count)', { Type: 'AWS::ECS::Service', Properties: { Cluster: 'c' } }],
  [
    'provisioned concurrency on an alias',
    {
      Type: 'AWS::Lambda::Alias',
      Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 } },
    },
  ],
  [
    'provisioned concurrency on a version',
    {
      Type: 'AWS::Lambda::Version',
      Properties: { ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 1 } },
    },
  ],
  [
    'provisioned SQS pollers',
    { Type: 'AWS::Lambda::EventSourceMapping', Properties: { ProvisionedPollerConfig: { MinimumPollers: 2 } } },
  ],
  [
    'a provisioned table',
    {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      },
    },
  ],
  [
    'a table with the default billing mode (provisioned)',
    {
      Type: 'AWS::DynamoDB::Table',
      Properties: { ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } },
    },
  ],
  ['an RDS instance', { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.t4g.micro' } }],
  ['an Aurora cluster', { Type: 'AWS::RDS::DBCluster', Properties: { Engine: 'aurora-postgresql' } }],
  ['a cache', { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: {} }],
  ['an EKS cluster', { Type: 'AWS::EKS::Cluster', Properties: {} }],
  [
    'a Kinesis stream',
    { Type: 'AWS::Kinesis::Stream', Properties: { StreamModeDetails: { StreamMode: 'ON_DEMAND' } } },
  ],
  ['an API cache', { Type: 'AWS::ApiGateway::Stage', Properties: { CacheClusterEnabled: true } }],
];

/** Look-alikes that scale to zero. */
const free: Array<[string, TemplateResource]> = [
  [
    'a gateway endpoint (explicit)',
    {
      Type: 'AWS::EC2::VPCEndpoint',
      Properties: { VpcEndpointType: 'Gateway', ServiceName: 'com.amazonaws.eu-west-1.s3' },
    },
  ],
  [
    'a gateway endpoint (default type)',
    { Type: 'AWS::EC2::VPCEndpoint', Properties: { ServiceName: 'com.amazonaws.eu-west-1.dynamodb' } },
  ],
  [
    'an Auto Scaling group at zero',
    { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', MaxSize: '4' } },
  ],
  [
    'a compute environment from zero',
    {
      Type: 'AWS::Batch::ComputeEnvironment',
      Properties: { Type: 'managed', ComputeResources: { MinvCpus: 0, MaxvCpus: 256 } },
    },
  ],
  ['an ECS service scaled to zero', { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 0 } }],
  ['an on-demand table', { Type: 'AWS::DynamoDB::Table', Properties: { BillingMode: 'PAY_PER_REQUEST' } }],
  ['a function', { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x' } }],
  ['an alias without provisioned concurrency', { Type: 'AWS::Lambda::Alias', Properties: { Name: 'live' } }],
  ['an SQS event source', { Type: 'AWS::Lambda::EventSourceMapping', Properties: { BatchSize: 10 } }],
  ['a REST stage without a cache', { Type: 'AWS::ApiGateway::Stage', Properties: { CacheClusterEnabled: false } }],
  ['a bucket', { Type: 'AWS::S3::Bucket', Properties: {} }],
  ['a queue', { Type: 'AWS::SQS::Queue', Properties: {} }],
  ['a launch template', { Type: 'AWS::EC2::LaunchTemplate', Properties: {} }],
  // The console: CloudFront and its function bill per request, Cognito's Essentials plan per active user.
  ['a CloudFront distribution', { Type: 'AWS::CloudFront::Distribution', Properties: {} }],
  ['a CloudFront function', { Type: 'AWS::CloudFront::Function', Properties: {} }],
  ['a Cognito domain', { Type: 'AWS::Cognito::UserPoolDomain', Properties: {} }],
];

describe('the idle-cost checker', () => {
  test.each(billing)('flags %s as an hourly charge', (_name, resource) => {
    expect(idleCostFindings(template(resource))).toEqual([
      expect.objectContaining({ logicalId: 'Thing', type: resource.Type, kind: 'hourly' }),
    ]);
  });

  test.each(free)('leaves %s alone', (_name, resource) => {
    expect(idleCostFindings(template(resource))).toEqual([]);
  });

  test('reports small fixed monthly fees as monthly, not hourly', () => {
    expect(idleCostFindings(template({ Type: 'AWS::CloudWatch::Alarm', Properties: {} }))).toEqual([
      expect.objectContaining({ kind: 'monthly', why: expect.stringMatching(/\$0\.10 a month/) }),
    ]);
    expect(idleCostFindings(template({ Type: 'AWS::KMS::Key', Properties: {} }))).toEqual([
      expect.objectContaining({ kind: 'monthly' }),
    ]);
    // A WAF in front of the console would bill every month: not accepted (lib/constructs/console-site.ts).
    expect(idleCostFindings(template({ Type: 'AWS::WAFv2::WebACL', Properties: {} }))).toEqual([
      expect.objectContaining({ kind: 'monthly', why: expect.stringMatching(/\$5 a month/) }),
    ]);
  });

  test('finds every offender in a template with several, by logical id', () => {
    const findings = idleCostFindings({
      Resources: {
        Nat: { Type: 'AWS::EC2::NatGateway' },
        Bucket: { Type: 'AWS::S3::Bucket' },
        Db: { Type: 'AWS::RDS::DBInstance', Properties: {} },
      },
    });
    expect(findings.map((finding) => finding.logicalId)).toEqual(['Nat', 'Db']);
  });

  test('every rule gives a reason, and no type has two rules', () => {
    for (const rule of idleCostRules) expect(rule.why.length).toBeGreaterThan(15);
    expect(new Set(idleCostRules.map((rule) => rule.type)).size).toBe(idleCostRules.length);
  });
});
