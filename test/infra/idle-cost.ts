/**
 * What in a CloudFormation template bills while nothing happens. A deployment of Elastic Caffe
 * must cost only storage while idle (docs/DEPLOY.md), so the infra tests scan the synthesized
 * templates with these rules.
 *
 * Two kinds of charge:
 * - `hourly`: always-on capacity billed by the hour (NAT gateways, interface endpoints, instances,
 *   provisioned capacity...). Never acceptable.
 * - `monthly`: a small fixed monthly fee per resource (alarms, dashboards, KMS keys, secrets,
 *   hosted zones). Acceptable only where a test says why (see `acceptedMonthlyCharges`).
 */

type Properties = Record<string, unknown>;

/** A resource as a template holds it. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Properties;
}

/** A template, or the part of one these rules read. */
export interface TemplateJson {
  readonly Resources?: Record<string, TemplateResource>;
}

/** One kind of resource that bills while idle, and when. */
export interface IdleCostRule {
  readonly type: string;
  readonly kind: 'hourly' | 'monthly';
  readonly why: string;
  /** Whether this resource bills while idle; default: always. */
  readonly bills?: (properties: Properties) => boolean;
}

/** A resource a rule matched. */
export interface IdleCostFinding {
  readonly logicalId: string;
  readonly type: string;
  readonly kind: IdleCostRule['kind'];
  readonly why: string;
}

const num = (value: unknown): number => (value === undefined ? 0 : Number(value));
/** A property path (`ComputeResources.MinvCpus`), undefined when any step is missing. */
const at = (properties: Properties, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Properties)[key] : undefined),
      properties,
    );

const always = (type: string, why: string): IdleCostRule => ({ type, kind: 'hourly', why });

export const idleCostRules: readonly IdleCostRule[] = [
  // Networking
  always('AWS::EC2::NatGateway', 'a NAT gateway bills per hour'),
  {
    type: 'AWS::EC2::VPCEndpoint',
    kind: 'hourly',
    why: 'interface (PrivateLink) endpoints bill per hour per AZ; only gateway endpoints (S3, DynamoDB) are free',
    // CloudFormation's default type is Gateway.
    bills: (p) => p.VpcEndpointType !== undefined && p.VpcEndpointType !== 'Gateway',
  },
  always('AWS::EC2::EIP', 'a public IPv4 address bills per hour, attached or not'),
  always('AWS::EC2::TransitGateway', 'a transit gateway bills per attachment-hour'),
  always('AWS::EC2::TransitGatewayAttachment', 'a transit gateway attachment bills per hour'),
  always('AWS::EC2::TransitGatewayVpcAttachment', 'a transit gateway attachment bills per hour'),
  always('AWS::EC2::VPNConnection', 'a site-to-site VPN connection bills per hour'),
  always('AWS::EC2::ClientVpnTargetNetworkAssociation', 'a Client VPN association bills per hour'),
  always('AWS::NetworkFirewall::Firewall', 'a network firewall endpoint bills per hour'),
  always('AWS::GlobalAccelerator::Accelerator', 'an accelerator bills per hour'),
  always('AWS::Route53Resolver::ResolverEndpoint', 'a resolver endpoint bills per ENI-hour'),
  always('AWS::ElasticLoadBalancing::LoadBalancer', 'a load balancer bills per hour'),
  always('AWS::ElasticLoadBalancingV2::LoadBalancer', 'a load balancer bills per hour'),
  // Compute
  always('AWS::EC2::Instance', 'an instance runs (and bills) until stopped'),
  always('AWS::EC2::Host', 'a dedicated host bills per hour'),
  {
    type: 'AWS::AutoScaling::AutoScalingGroup',
    kind: 'hourly',
    why: 'an Auto Scaling group with a minimum or desired capacity above 0 keeps instances running',
    bills: (p) => num(p.MinSize) > 0 || num(p.DesiredCapacity) > 0,
  },
  {
    type: 'AWS::EC2::SpotFleet',
    kind: 'hourly',
    why: 'a fleet with a target capacity keeps instances running',
    bills: (p) => num(at(p, 'SpotFleetRequestConfigData.TargetCapacity')) > 0,
  },
  {
    type: 'AWS::EC2::EC2Fleet',
    kind: 'hourly',
    why: 'a fleet with a target capacity keeps instances running',
    bills: (p) => num(at(p, 'TargetCapacitySpecification.TotalTargetCapacity')) > 0,
  },
  {
    type: 'AWS::Batch::ComputeEnvironment',
    kind: 'hourly',
    why: 'a compute environment with minvCpus (or desiredvCpus) above 0 keeps instances running',
    bills: (p) => num(at(p, 'ComputeResources.MinvCpus')) > 0 || num(at(p, 'ComputeResources.DesiredvCpus')) > 0,
  },
  {
    type: 'AWS::ECS::Service',
    kind: 'hourly',
    why: 'an ECS service keeps its desired count of tasks running (default 1)',
    bills: (p) => (p.DesiredCount === undefined ? 1 : num(p.DesiredCount)) > 0,
  },
  always('AWS::EKS::Cluster', 'an EKS control plane bills per hour'),
  always('AWS::EKS::Nodegroup', 'a node group keeps instances running'),
  always('AWS::AppRunner::Service', 'an App Runner service bills for provisioned instances'),
  always('AWS::SageMaker::Endpoint', 'a SageMaker endpoint keeps instances running'),
  always('AWS::SageMaker::NotebookInstance', 'a notebook instance bills per hour while in service'),
  {
    type: 'AWS::Lambda::Alias',
    kind: 'hourly',
    why: 'provisioned concurrency bills per GB-second whether used or not',
    bills: (p) => p.ProvisionedConcurrencyConfig !== undefined,
  },
  {
    type: 'AWS::Lambda::Version',
    kind: 'hourly',
    why: 'provisioned concurrency bills per GB-second whether used or not',
    bills: (p) => p.ProvisionedConcurrencyConfig !== undefined,
  },
  {
    type: 'AWS::Lambda::EventSourceMapping',
    kind: 'hourly',
    why: 'provisioned pollers (provisioned mode) bill per event poller unit-hour',
    bills: (p) => p.ProvisionedPollerConfig !== undefined,
  },
  // Databases, caches, streams
  {
    type: 'AWS::DynamoDB::Table',
    kind: 'hourly',
    why: 'provisioned capacity bills per hour; on-demand (PAY_PER_REQUEST) bills per request',
    // CloudFormation's default billing mode is PROVISIONED.
    bills: (p) => p.BillingMode !== 'PAY_PER_REQUEST',
  },
  {
    type: 'AWS::DynamoDB::GlobalTable',
    kind: 'hourly',
    why: 'provisioned capacity bills per hour; on-demand (PAY_PER_REQUEST) bills per request',
    bills: (p) => p.BillingMode !== 'PAY_PER_REQUEST',
  },
  always('AWS::RDS::DBInstance', 'a database instance bills per hour'),
  always('AWS::RDS::DBCluster', 'a database cluster bills per hour (instances or minimum capacity)'),
  always('AWS::DocDB::DBCluster', 'a DocumentDB cluster bills per hour'),
  always('AWS::DocDB::DBInstance', 'a DocumentDB instance bills per hour'),
  always('AWS::Neptune::DBCluster', 'a Neptune cluster bills per hour'),
  always('AWS::Neptune::DBInstance', 'a Neptune instance bills per hour'),
  always('AWS::ElastiCache::CacheCluster', 'a cache node bills per hour'),
  always('AWS::ElastiCache::ReplicationGroup', 'cache nodes bill per hour'),
  always('AWS::ElastiCache::ServerlessCache', 'a serverless cache bills a minimum of stored data per hour'),
  always('AWS::OpenSearchService::Domain', 'a search domain bills per instance-hour'),
  always('AWS::Elasticsearch::Domain', 'a search domain bills per instance-hour'),
  always('AWS::OpenSearchServerless::Collection', 'a serverless collection bills minimum OCUs per hour'),
  always('AWS::Redshift::Cluster', 'a Redshift cluster bills per node-hour'),
  always('AWS::MSK::Cluster', 'a Kafka cluster bills per broker-hour'),
  always('AWS::MSK::ServerlessCluster', 'a serverless Kafka cluster bills per cluster-hour'),
  always('AWS::AmazonMQ::Broker', 'a broker bills per hour'),
  always('AWS::Kinesis::Stream', 'a Kinesis stream bills per shard-hour (or stream-hour on demand)'),
  {
    type: 'AWS::ApiGateway::Stage',
    kind: 'hourly',
    why: 'an API cache cluster bills per hour',
    bills: (p) => p.CacheClusterEnabled === true || p.CacheClusterEnabled === 'true',
  },
  // Small fixed monthly fees
  {
    type: 'AWS::CloudWatch::Alarm',
    kind: 'monthly',
    why: 'a standard alarm bills $0.10 a month (10 free per account)',
  },
  { type: 'AWS::CloudWatch::CompositeAlarm', kind: 'monthly', why: 'a composite alarm bills $0.50 a month' },
  { type: 'AWS::CloudWatch::Dashboard', kind: 'monthly', why: 'a dashboard bills $3 a month (3 free per account)' },
  { type: 'AWS::KMS::Key', kind: 'monthly', why: 'a customer managed key bills $1 a month' },
  { type: 'AWS::SecretsManager::Secret', kind: 'monthly', why: 'a secret bills $0.40 a month' },
  { type: 'AWS::Route53::HostedZone', kind: 'monthly', why: 'a hosted zone bills $0.50 a month' },
  { type: 'AWS::WAFv2::WebACL', kind: 'monthly', why: 'a WAF web ACL bills $5 a month, plus $1 per rule' },
];

/** Every resource of the template that bills while idle, with the reason. */
export function idleCostFindings(template: TemplateJson): IdleCostFinding[] {
  const findings: IdleCostFinding[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    for (const rule of idleCostRules) {
      if (rule.type !== resource.Type) continue;
      if (rule.bills && !rule.bills(resource.Properties ?? {})) continue;
      findings.push({ logicalId, type: resource.Type, kind: rule.kind, why: rule.why });
    }
  }
  return findings;
}

/**
 * Fixed monthly fees this project accepts, and why. Anything else that bills while idle fails the
 * infra tests (stacks.test.ts, options.test.ts); docs/DEPLOY.md lists these in the idle cost.
 */
export const acceptedMonthlyCharges: Readonly<Record<string, string>> = {
  'AWS::CloudWatch::Alarm':
    'alarms (DLQ not empty, jobs stuck, failure rate) are how an operator learns that work stopped; cents a month',
  'AWS::CloudWatch::CompositeAlarm': 'combines the alarms above into one notification; cents a month',
  'AWS::CloudWatch::Dashboard': 'one dashboard of queue and job metrics; free for the first three per account',
};
