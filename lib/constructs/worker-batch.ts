/**
 * AWS Batch for the worker. Every compute environment is managed EC2 and scales from 0 vCPUs
 * (nothing runs, nothing is paid):
 *
 * - the GPU job queue: a spot environment (SPOT_PRICE_CAPACITY_OPTIMIZED) first and, unless
 *   disabled, an on-demand environment second, which Batch uses once the spot one is at its
 *   maxvCpus (Batch fills environments in order; it does not fall back when spot capacity is
 *   merely unavailable — such jobs wait RUNNABLE for spot);
 * - optionally a CPU job queue with the same pair on CPU instances, for `resources: {type: "CPU"}`;
 * - one fair-share scheduling policy on the queues: the dispatcher submits with the tenant as share
 *   identifier, so a tenant with a hundred queued jobs cannot starve one with a single job;
 * - a launch template whose user data gives the ECS agent a longer stop timeout and spot draining,
 *   so a SIGTERMed worker has time to snapshot and upload before SIGKILL;
 * - the job definitions, built from core/topology.ts `workerJobDefinition` and `workerRetryRules`;
 * - the worker's identity: the job role may only assume the tenant role, and the worker does that
 *   at job start with a session policy naming its tenant (container/worker/tenant-credentials.ts).
 */
import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { envNames, tenantObjectsPrefix, workerJobDefinition, workerRetryRules } from '../../core/topology';
import { grantBucket, grantTable } from './grants';
import { acknowledgeFindings } from './nag';
import type { Network } from './network';
import { workerImage } from './worker-image';

/** The instances, limits and image of one kind of worker (GPU or CPU). */
export interface WorkerFleet {
  /** EC2 instance types, e.g. `g4dn.xlarge`. */
  readonly instanceTypes: string[];
  /** Upper bound of the (first) compute environment, in vCPUs. */
  readonly maxvCpus: number;
  /** Dockerfile in container/ the image is built from. */
  readonly dockerfile: string;
}

/** Props of the worker's Batch resources. */
export interface WorkerBatchProps {
  readonly network: Network;
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  /** The GPU fleet (the default queue). */
  readonly gpu: WorkerFleet;
  /** A CPU fleet and queue; none when undefined. */
  readonly cpu?: WorkerFleet;
  /** Spot instances first (true) or on-demand only (false). */
  readonly spot: boolean;
  /** With spot: maxvCpus of an on-demand environment behind each spot one; none when undefined. */
  readonly onDemandFallbackMaxvCpus?: number;
  /** Seconds the ECS agent waits between SIGTERM and SIGKILL. */
  readonly containerStopTimeoutSeconds: number;
  /** OPENBLAS_* / OMP_* variables every job definition sets (config `workerTuningEnv`). */
  readonly tuningEnv?: Record<string, string>;
}

/** One job queue with its compute environments and job definition. */
export interface WorkerQueue {
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  /** In the queue's order: spot first, then the on-demand fallback (or on-demand alone). */
  readonly computeEnvironments: batch.ManagedEc2EcsComputeEnvironment[];
}

/** The compute environments, job queues and job definitions. */
export class WorkerBatch extends Construct {
  /** The GPU queue: every job unless it asks for the CPU. */
  readonly jobQueue: batch.JobQueue;
  readonly jobDefinition: batch.EcsJobDefinition;
  /** The GPU queue's first compute environment. */
  readonly computeEnvironment: batch.ManagedEc2EcsComputeEnvironment;
  readonly gpu: WorkerQueue;
  /** The CPU queue, when configured. */
  readonly cpu?: WorkerQueue;
  /** Fair share between tenants (the share identifier is the tenant, see core/topology batchShareIdentifier). */
  readonly schedulingPolicy: batch.FairshareSchedulingPolicy;
  /** The ECS task role: it may only assume `tenantRole`. */
  readonly jobRole: iam.Role;
  /** What the worker's code may do, further limited to one tenant by the session policy it assumes this role with. */
  readonly tenantRole: iam.Role;
  /** The jobs' container logs. */
  readonly logGroup: logs.LogGroup;

  private readonly props: WorkerBatchProps;
  private readonly launchTemplate: ec2.LaunchTemplate;
  private readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: WorkerBatchProps) {
    super(scope, id);
    this.props = props;

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
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
      userData: ecsAgentUserData(props.containerStopTimeoutSeconds),
    });

    this.schedulingPolicy = new batch.FairshareSchedulingPolicy(this, 'FairShare', {
      // No shares listed: every tenant (share identifier) weighs the same. Usage is measured over
      // the last 10 minutes, so a tenant that just had a burst waits behind one that had none.
      shareDecay: Duration.minutes(10),
    });

    this.jobRole = new iam.Role(this, 'JobRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Elastic Caffe worker (ECS task role): may only assume the tenant role, for one tenant at a time',
    });
    this.tenantRole = new iam.Role(this, 'TenantRole', {
      assumedBy: this.jobRole,
      description:
        'Elastic Caffe worker, per job: the worker assumes it with a session policy ' +
        "limited to its tenant's objects and items",
      // Role chaining (task role → this role) caps sessions at 1 h; the worker refreshes them.
      maxSessionDuration: Duration.hours(1),
    });
    // Explicit, although the trust policy naming the job role would suffice within one account.
    this.tenantRole.grantAssumeRole(this.jobRole);
    grantTable(this.tenantRole, props.table, 'readWrite');
    grantBucket(this.tenantRole, props.bucket, 'readWrite');
    // Intermediate snapshots are uploaded with a tag (the lifecycle rule expires them).
    this.tenantRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['s3:PutObjectTagging', 's3:GetObjectTagging'],
        resources: [props.bucket.arnForObjects(`${tenantObjectsPrefix}*`)],
      }),
    );

    // No AWS managed policy: the image and log group grant exactly what pulling and logging need.
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'Elastic Caffe worker: pulls the image, writes container logs',
    });
    acknowledgeFindings(this.executionRole, 'IAM5', [
      {
        pattern: /^Resource::\*$/,
        reason: 'ecr:GetAuthorizationToken (needed to pull the worker image) supports no resource-level permissions.',
      },
    ]);
    // Retention is set for every log group of the stack in one place (StatelessStack).
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.gpu = this.workerQueue('Gpu', props.gpu, {
      image: batch.EcsMachineImageType.ECS_AL2023_NVIDIA,
      gpus: workerJobDefinition.gpus,
      // The GPU queue's constructs keep the ids they had before the CPU queue existed.
      ids: { queue: 'Queue', definition: 'Worker', container: 'Container', image: 'Image', logStream: 'worker' },
    });
    this.jobQueue = this.gpu.jobQueue;
    this.jobDefinition = this.gpu.jobDefinition;
    this.computeEnvironment = this.gpu.computeEnvironments[0]!;
    if (props.cpu) {
      this.cpu = this.workerQueue('Cpu', props.cpu, {
        image: batch.EcsMachineImageType.ECS_AL2023,
        gpus: 0,
        ids: {
          queue: 'CpuQueue',
          definition: 'CpuWorker',
          container: 'CpuContainer',
          image: 'CpuImage',
          logStream: 'cpu-worker',
        },
      });
    }
  }

  /** The job queues (GPU first). */
  get jobQueues(): batch.JobQueue[] {
    return [this.gpu.jobQueue, ...(this.cpu ? [this.cpu.jobQueue] : [])];
  }

  private workerQueue(
    kind: 'Gpu' | 'Cpu',
    fleet: WorkerFleet,
    options: {
      image: batch.EcsMachineImageType;
      gpus: number;
      ids: { queue: string; definition: string; container: string; image: string; logStream: string };
    },
  ): WorkerQueue {
    const { spot, onDemandFallbackMaxvCpus } = this.props;
    const environments = [
      this.computeEnvironmentFor(`${kind}${spot ? 'Spot' : 'OnDemand'}`, fleet, spot, fleet.maxvCpus, options.image),
    ];
    if (spot && onDemandFallbackMaxvCpus !== undefined) {
      environments.push(
        this.computeEnvironmentFor(`${kind}OnDemand`, fleet, false, onDemandFallbackMaxvCpus, options.image),
      );
    }

    const jobQueue = new batch.JobQueue(this, options.ids.queue, {
      computeEnvironments: environments.map((computeEnvironment, index) => ({ computeEnvironment, order: index + 1 })),
      priority: 1,
      schedulingPolicy: this.schedulingPolicy,
      // A job that can never be placed (asks for more than the environment or any instance type
      // offers) would wait in RUNNABLE forever; cancel it so its record fails visibly.
      jobStateTimeLimitActions: [
        batch.JobStateTimeLimitActionsReason.COMPUTE_ENVIRONMENT_MAX_RESOURCE,
        batch.JobStateTimeLimitActionsReason.JOB_RESOURCE_REQUIREMENT,
      ].map((reason) => ({
        action: batch.JobStateTimeLimitActionsAction.CANCEL,
        maxTime: Duration.minutes(30),
        reason,
      })),
    });

    const { vcpus, memoryMiB, command, parameters, retryAttempts, attemptDurationSeconds } = workerJobDefinition;
    const jobDefinition = new batch.EcsJobDefinition(this, options.ids.definition, {
      container: new batch.EcsEc2ContainerDefinition(this, options.ids.container, {
        image: workerImage(this, options.ids.image, fleet.dockerfile),
        cpu: vcpus,
        memory: Size.mebibytes(memoryMiB),
        ...(options.gpus > 0 ? { gpu: options.gpus } : {}),
        command: [...command],
        environment: {
          ...this.props.tuningEnv,
          [envNames.table]: this.props.table.tableName,
          [envNames.bucket]: this.props.bucket.bucketName,
          [envNames.workerTenantRoleArn]: this.tenantRole.roleArn,
          // The SDK's region, explicitly: the worker builds ARNs and calls STS regionally.
          AWS_REGION: Stack.of(this).region,
        },
        jobRole: this.jobRole,
        executionRole: this.executionRole,
        logging: ecs.LogDriver.awsLogs({ logGroup: this.logGroup, streamPrefix: options.ids.logStream }),
      }),
      parameters: { ...parameters },
      retryAttempts,
      // workerRetryRules (host lost → RETRY, permanent failure → EXIT), then anything else: retry,
      // up to retryAttempts in all (a crash, the container killed for memory or by SIGTERM).
      retryStrategies: [
        ...workerRetryRules.map((rule) =>
          batch.RetryStrategy.of(
            rule.action === 'RETRY' ? batch.Action.RETRY : batch.Action.EXIT,
            batch.Reason.custom(
              'onStatusReason' in rule ? { onStatusReason: rule.onStatusReason } : { onExitCode: rule.onExitCode },
            ),
          ),
        ),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onReason: '*' })),
      ],
      timeout: Duration.seconds(attemptDurationSeconds),
      propagateTags: true,
    });
    return { jobQueue, jobDefinition, computeEnvironments: environments };
  }

  private computeEnvironmentFor(
    id: string,
    fleet: WorkerFleet,
    spot: boolean,
    maxvCpus: number,
    image: batch.EcsMachineImageType,
  ): batch.ManagedEc2EcsComputeEnvironment {
    const { network } = this.props;
    const environment = new batch.ManagedEc2EcsComputeEnvironment(this, id, {
      vpc: network.vpc,
      vpcSubnets: network.instanceSubnets,
      securityGroups: [network.instanceSecurityGroup],
      spot,
      allocationStrategy: spot
        ? batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED
        : batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      minvCpus: 0,
      maxvCpus,
      instanceTypes: fleet.instanceTypes.map((type) => new ec2.InstanceType(type)),
      // Otherwise Batch adds its "optimal" families (c4, m4, r4), which have no GPU.
      useOptimalInstanceClasses: false,
      images: [{ imageType: image }],
      launchTemplate: this.launchTemplate,
    });
    acknowledgeFindings(environment, 'IAM4', [
      {
        pattern: /AmazonEC2ContainerServiceforEC2Role$/,
        reason:
          'The instance role of a Batch ECS compute environment: ' +
          'the ECS agent on each instance needs exactly this AWS-maintained ' +
          'policy (register with the cluster, pull images, send logs), and AWS updates it as the agent changes.',
      },
    ]);
    return environment;
  }
}

/**
 * User data for the ECS agent, in the MIME multi-part form Batch requires of a launch template (it
 * adds its own part). ECS_CONTAINER_STOP_TIMEOUT: time between SIGTERM and SIGKILL (default 30 s);
 * ECS_ENABLE_SPOT_INSTANCE_DRAINING: on a spot interruption notice the agent stops the tasks right
 * away, so the worker gets its SIGTERM with most of the two minutes left.
 */
export function ecsAgentUserData(stopTimeoutSeconds: number): ec2.MultipartUserData {
  const commands = ec2.UserData.forLinux();
  commands.addCommands(
    `echo ECS_CONTAINER_STOP_TIMEOUT=${stopTimeoutSeconds}s >> /etc/ecs/ecs.config`,
    'echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config',
  );
  const userData = new ec2.MultipartUserData();
  userData.addPart(ec2.MultipartBody.fromUserData(commands));
  return userData;
}
