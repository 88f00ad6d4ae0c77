/**
 * Where the Batch instances run. A new VPC has public subnets only: no NAT gateway and no interface
 * endpoints, which bill by the hour even when idle. Instances reach AWS APIs and the image registry
 * over their public IPs; S3 and DynamoDB traffic stays on the free gateway endpoints. Nothing may
 * connect in: the instances' security group has no inbound rule.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Props of the network. */
export interface NetworkProps {
  /** An existing VPC (looked up: needs credentials and an account/region on the stack); default: a new VPC. */
  readonly vpcId?: string;
  /** Bucket for the new VPC's flow logs. */
  readonly flowLogsBucket: s3.IBucket;
}

/** The VPC, subnets and security group of the training instances. */
export class Network extends Construct {
  readonly vpc: ec2.IVpc;
  /** Subnets Batch launches instances in: public, with public IPs on launch. */
  readonly instanceSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PUBLIC };
  /** Egress only. */
  readonly instanceSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    if (props.vpcId) {
      // Its endpoints and flow logs are its owner's business. Batch needs its public subnets to
      // assign public IPs on launch (or a NAT gateway, if private subnets are selected instead).
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.vpcId });
    } else {
      this.vpc = new ec2.Vpc(this, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 20, mapPublicIpOnLaunch: true },
        ],
        gatewayEndpoints: {
          S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
          DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        },
        flowLogs: {
          ToS3: {
            destination: ec2.FlowLogDestination.toS3(props.flowLogsBucket, 'vpc-flow-logs/'),
            trafficType: ec2.FlowLogTrafficType.ALL,
          },
        },
      });
    }
    this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc: this.vpc,
      description: 'Elastic Caffe training instances: outbound only (AWS APIs, image registry, S3, DynamoDB)',
      allowAllOutbound: true,
    });
  }
}
