/**
 * AWS Batch for the worker: a managed EC2 GPU compute environment on spot instances that scales
 * from 0 vCPUs (nothing runs, nothing is paid), one job queue, and the worker's job definition
 * built from core/topology.ts `workerJobDefinition`.
 */
import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { envNames, workerJobDefinition } from '../../core/topology';
import { grantBucket, grantTable } from './grants';
import { acknowledgeFindings } from './nag';
import type { Network } from './network';
import { workerImage } from './worker-image';

/** Props of the worker's Batch resources. */
export interface WorkerBatchProps {
  readonly network: Network;
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  /** Upper bound of the compute environment. */
  readonly maxvCpus: number;
  /** GPU instance types, e.g. `g4dn.xlarge`. */
  readonly instanceTypes: string[];
  /** Dockerfile in container/ the image is built from. */
  readonly dockerfile: string;
}

/** The compute environment, job queue and job definition. */
export class WorkerBatch extends Construct {
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  readonly computeEnvironment: batch.ManagedEc2EcsComputeEnvironment;
  /** What the worker's code may do (the ECS task role). */
  readonly jobRole: iam.Role;

  constructor(scope: Construct, id: string, props: WorkerBatchProps) {
    super(scope, id);
    const { network } = props;

    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      requireImdsv2: true,
      // The GPU image (NVCaffe on CUDA) is several GB unpacked, and datasets, LMDBs and snapshots
      // live in the job's scratch directory on the same disk.
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(100, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.computeEnvironment = new batch.ManagedEc2EcsComputeEnvironment(this, 'GpuSpot', {
      vpc: network.vpc,
      vpcSubnets: network.instanceSubnets,
      securityGroups: [network.instanceSecurityGroup],
      spot: true,
      allocationStrategy: batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED,
      minvCpus: 0,
      maxvCpus: props.maxvCpus,
      instanceTypes: props.instanceTypes.map((type) => new ec2.InstanceType(type)),
      // Otherwise Batch adds its "optimal" CPU-only families (c4, m4, r4).
      useOptimalInstanceClasses: false,
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2023_NVIDIA }],
      launchTemplate,
    });
    acknowledgeFindings(this.computeEnvironment, 'IAM4', [
      {
        pattern: /AmazonEC2ContainerServiceforEC2Role$/,
        reason:
          'The instance role of a Batch ECS compute environment: the ECS agent on each instance needs exactly this AWS-maintained ' +
          'policy (register with the cluster, pull images, send logs), and AWS updates it as the agent changes.',
      },
    ]);

    this.jobQueue = new batch.JobQueue(this, 'Queue', {
      computeEnvironments: [{ computeEnvironment: this.computeEnvironment, order: 1 }],
      priority: 1,
      // A job that can never be placed (asks for more than the environment or any instance type
      // offers) would wait in RUNNABLE forever; cancel it so its record fails visibly.
      jobStateTimeLimitActions: [
        batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
        batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
      ].map((reason) => ({ action: batch.JobStateTimeLimitActionsAction.CANCEL, maxTime: Duration.minutes(30), reason })),
    });

    // TODO(tenant scoping, later issue): the worker acts for one tenant per job; it should assume a
    // role with a session policy limited to that tenant's `tenants/<tenantId>/` keys and items.
    // Until then the job role holds the same table/bucket access as the API functions.
    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Elastic Caffe worker: reads inputs and writes results and progress for its job',
    });
    grantTable(this.jobRole, props.table, 'readWrite');
    grantBucket(this.jobRole, props.bucket, 'readWrite');

    // No AWS managed policy: the image and log group grant exactly what pulling and logging need.
    const executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Elastic Caffe worker: pulls the image, writes container logs',
    });
    acknowledgeFindings(executionRole, 'IAM5', [
      {
        pattern: /^Resource::\*$/,
        reason: 'ecr:GetAuthorizationToken (needed to pull the worker image) supports no resource-level permissions.',
      },
    ]);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const { vcpus, memoryMiB, gpus, command, parameters, retryAttempts, permanentFailureExitCode, attemptDurationSeconds } =
      workerJobDefinition;
    this.jobDefinition = new batch.EcsJobDefinition(this, 'Worker', {
      container: new batch.EcsEc2ContainerDefinition(this, 'Container', {
        image: workerImage(this, 'Image', props.dockerfile),
        cpu: vcpus,
        memory: Size.mebibytes(memoryMiB),
        gpu: gpus,
        command: [...command],
        environment: { [envNames.table]: props.table.tableName, [envNames.bucket]: props.bucket.bucketName },
        jobRole: this.jobRole,
        executionRole,
        logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: 'worker' }),
      }),
      parameters: { ...parameters },
      retryAttempts,
      retryStrategies: [
        // Spot reclaimed or the host died: try again on another instance.
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onStatusReason: 'Host EC2*' })),
        // The worker says retrying cannot help (bad net, bad data).
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onExitCode: String(permanentFailureExitCode) })),
        // Anything else (a crash, the container killed for memory): retry, up to retryAttempts in all.
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onReason: '*' })),
      ],
      timeout: Duration.seconds(attemptDurationSeconds),
      propagateTags: true,
    });
  }
}
