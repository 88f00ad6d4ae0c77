/**
 * The code and what runs it: the user pool and HTTP API with one function per route (in one nested
 * stack per resource of the API, lib/constructs/http-api.ts), the web console (S3 and CloudFront, signing in
 * through the user pool's hosted UI), the event functions, and the worker's
 * Batch resources with the network they run in. Everything here
 * can be replaced without losing data (the user pool is retained like the data, see config).
 */
import {
  Annotations,
  AspectPriority,
  Aspects,
  CfnOutput,
  Duration,
  type IAspect,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type { Construct, IConstruct } from 'constructs';
import * as path from 'node:path';
import * as iam from 'aws-cdk-lib/aws-iam';
import { adminRoutes } from '../core/api/admin';
import { routeSources, routes } from '../core/routes';
import { routeKey } from '../core/route';
import {
  batchStateChangePattern,
  datafileObjectName,
  envNames,
  eventFunctionName,
  eventHandlers,
  jobsQueue,
  workerJobDefinition,
} from '../core/topology';
import { type AppConfig, gpuInstanceTypes, pricingOf } from './config';
import { Auth } from './constructs/auth';
import { ConsoleSite } from './constructs/console-site';
import { tenantObjectsPrefix } from './constructs/grants';
import { ServiceApi } from './constructs/http-api';
import { acknowledgeFindings } from './constructs/nag';
import { Network } from './constructs/network';
import { Observability } from './constructs/observability';
import { ServiceFunction } from './constructs/service-function';
import { WorkerBatch } from './constructs/worker-batch';
import type { StatefulResources } from './stateful-stack';

/** Event handlers: `events/<name>.ts` (each route's function is bundled from its entry, packaging/route-entry.ts). */
const lambdasDir = path.resolve(__dirname, '..', 'lambdas');

/** Props of the stateless stack. */
export interface StatelessStackProps extends StackProps {
  readonly config: AppConfig;
  readonly resources: StatefulResources;
}

/** Functions, API, auth, Batch and network. */
export class StatelessStack extends Stack {
  /** The Cognito user pool (authMode cognito); undefined with authMode iam. */
  readonly auth?: Auth;
  readonly api: ServiceApi;
  /** The web console (config `console`, on by default). */
  readonly console?: ConsoleSite;
  readonly worker: WorkerBatch;
  readonly dispatcher: ServiceFunction;
  readonly batchStateChange: ServiceFunction;
  readonly uploadReceived: ServiceFunction;
  readonly observability: Observability;
  readonly deadLetter: ServiceFunction;
  readonly reconciler: ServiceFunction;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, resources } = props;
    const { table, bucket, jobsQueue: queue } = resources;

    // authMode iam: no user pool; callers sign requests with their IAM credentials (SigV4).
    this.auth =
      config.authMode === 'cognito'
        ? new Auth(this, 'Auth', {
            selfSignUp: config.selfSignUp,
            retain: config.removalPolicy === 'retain',
            console: config.console ? { extraOrigins: config.consoleExtraOrigins } : undefined,
          })
        : undefined;
    this.api = new ServiceApi(this, 'Http', {
      routeGroups: routeSources,
      auth: this.auth,
      adminPrincipalArns: config.adminPrincipalArns,
      table,
      bucket,
      jobsQueue: queue,
      corsOrigins: config.corsOrigins,
      throttle: { rateLimit: config.throttleRateLimit, burstLimit: config.throttleBurstLimit },
    });

    if (config.console) {
      this.console = new ConsoleSite(this, 'Console', {
        apiUrl: this.api.url,
        dataBucket: bucket,
        signIn: this.auth?.console,
        retain: config.removalPolicy === 'retain',
      });
      this.auth?.allowConsoleOrigin(this.console.url);
    }

    const network = new Network(this, 'Network', { vpcId: config.vpcId, flowLogsBucket: resources.logsBucket });
    this.worker = new WorkerBatch(this, 'Worker', {
      network,
      table,
      bucket,
      gpu: { instanceTypes: gpuInstanceTypes(config), maxvCpus: config.maxvCpus, dockerfile: config.workerDockerfile },
      cpu: config.cpuQueue
        ? {
            instanceTypes: config.cpuInstanceTypes,
            maxvCpus: config.cpuMaxvCpus,
            dockerfile: config.cpuWorkerDockerfile,
          }
        : undefined,
      spot: config.spot,
      tuningEnv: config.workerTuningEnv,
      onDemandFallbackMaxvCpus:
        config.spot && config.onDemandFallback ? (config.onDemandMaxvCpus ?? config.maxvCpus) : undefined,
      containerStopTimeoutSeconds: config.containerStopTimeoutSeconds,
    });

    /** An event function: construct id from the key (`Dispatcher`), entry file from the value. */
    const eventFunction = (key: keyof typeof eventHandlers, description: string, timeout?: Duration): ServiceFunction =>
      new ServiceFunction(this, eventFunctionName(key), {
        entry: { file: path.join(lambdasDir, 'events', `${eventHandlers[key]}.ts`) },
        description,
        timeout,
      });

    // The dispatcher must finish well within the time the queue hides a message from other pollers.
    const dispatcherTimeout = Duration.seconds(jobsQueue.dispatcherTimeoutSeconds);
    // The dispatcher is the scheduler: it re-sends messages of work waiting for capacity (bindQueue).
    this.dispatcher = eventFunction('dispatcher', 'Jobs queue → Batch SubmitJob', dispatcherTimeout)
      .bindTable(table, 'readWrite')
      .bindBatch(this.worker.jobQueue, this.worker.jobDefinition)
      .bindQueue(queue);
    if (this.worker.cpu) this.dispatcher.bindCpuBatch(this.worker.cpu.jobQueue, this.worker.cpu.jobDefinition);
    this.dispatcher.addEventSource(
      new SqsEventSource(queue, { batchSize: jobsQueue.batchSize, reportBatchItemFailures: true }),
    );

    // Poison messages: each dead-lettered message fails its record, keeping the dispatcher's last reason.
    this.deadLetter = eventFunction('deadLetter', 'Jobs dead-letter queue → record failed with the reason').bindTable(
      table,
      'readWrite',
    );
    this.deadLetter.addEventSource(
      new SqsEventSource(resources.jobsDeadLetterQueue, {
        batchSize: jobsQueue.batchSize,
        reportBatchItemFailures: true,
      }),
    );

    // A finished job frees its slot and asks the dispatcher for a pass (a message on the jobs queue).
    // It also moves sweeps on: queues their next trial jobs, and cancels any left running by a sweep's cancel.
    this.batchStateChange = eventFunction('batchStateChange', 'Batch job state change → record status')
      .bindTable(table, 'readWrite')
      .bindBucket(bucket, 'read')
      .bindQueue(queue)
      .bindBatchTerminate();
    new events.Rule(this, 'BatchJobStateChange', {
      description: "Our job queue's Batch job state changes → the status function",
      eventPattern: {
        source: [...batchStateChangePattern.source],
        detailType: [...batchStateChangePattern.detailType],
        detail: { jobQueue: this.worker.jobQueues.map((jobQueue) => jobQueue.jobQueueArn) },
      },
      targets: [
        new targets.LambdaFunction(this.batchStateChange, { retryAttempts: 8, maxEventAge: Duration.hours(6) }),
      ],
    });

    // Queues the upload's inspection; deletes an upload above the tenant's limit or whose datafile is gone.
    this.uploadReceived = eventFunction('uploadReceived', 'S3 datafile upload → datafile inspection')
      .bindTable(table, 'readWrite')
      .bindBucket(bucket, 'read')
      .bindObjectDeletion(bucket)
      .bindQueue(queue);
    this.notifyUploads(bucket);

    this.reconciler = this.scheduleReconciler(
      eventFunction('reconciler', 'Schedule → repairs work stuck between dispatch steps', Duration.minutes(2)),
      props,
    );

    // Job state events, metrics, dashboard and alarms; every writer of a work record's status publishes on the bus.
    this.observability = new Observability(this, 'Observability', {
      jobMetricsEntry: path.join(lambdasDir, 'events', `${eventHandlers.jobMetrics}.ts`),
      table,
      deadLetterQueue: resources.jobsDeadLetterQueue,
      dispatcher: this.dispatcher,
      config,
    });
    const { bus } = this.observability;
    for (const route of routes)
      if (route.access.table === 'readWrite') this.api.functions.get(routeKey(route))?.bindEventBus(bus);
    // Whoever applies a Batch job's end writes its usage, with the cost estimate from the price table.
    const { pricing, unpriced } = pricingOf(config);
    for (const writer of [this.batchStateChange, this.reconciler])
      writer.addEnvironment(envNames.pricing, JSON.stringify(pricing));
    if (unpriced.length)
      Annotations.of(this).addWarningV2(
        'elastic-caffe:unpriced-instance-types',
        `instancePrices has no price for ${unpriced.join(', ')}: jobs that only fit those get no cost estimate ` +
          '(docs/DEPLOY.md, instancePrices)',
      );
    // Creating a training job checks its GPU count against what the GPU environments can host.
    this.api.functions
      .get(routeKey({ method: 'POST', path: '/v1/training-jobs' }))
      ?.addEnvironment(envNames.maxGpusPerJob, String(config.maxGpusPerJob));
    for (const writer of [
      this.dispatcher,
      this.batchStateChange,
      this.uploadReceived,
      this.deadLetter,
      this.reconciler,
    ])
      writer.bindEventBus(bus);
    // The worker acts through its tenant-scoped session (container/worker/tenant-credentials.ts), so the tenant role
    // publishes.
    this.observability.bindWorker(this.worker.tenantRole, this.worker.jobDefinition);
    // Every log group of this stack (functions, API access logs, Batch jobs) keeps logs this long.
    Aspects.of(this).add(new LogRetention(config.logRetentionDays), { priority: AspectPriority.MUTATING });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the REST API' });
    if (this.console)
      new CfnOutput(this, 'ConsoleUrl', {
        value: this.console.url,
        description: 'The web console (sign in with a Cognito user; with authMode iam it says it needs Cognito)',
      });
    new CfnOutput(this, 'Region', { value: this.region, description: 'Region of the deployment' });
    new CfnOutput(this, 'AuthMode', {
      value: config.authMode,
      description: 'How callers authenticate: cognito (JWT) or iam (SigV4)',
    });
    if (this.auth) {
      new CfnOutput(this, 'UserPoolId', {
        value: this.auth.userPool.userPoolId,
        description: 'Cognito user pool of the API users',
      });
      new CfnOutput(this, 'UserPoolClientId', {
        value: this.auth.client.userPoolClientId,
        description: 'App client to sign in with',
      });
    }
    new CfnOutput(this, 'BucketName', {
      value: bucket.bucketName,
      description: 'Data bucket (datafiles, datasets, models, logs)',
    });
    new CfnOutput(this, 'JobQueueArn', {
      value: this.worker.jobQueue.jobQueueArn,
      description: 'Batch job queue of GPU training',
    });
    if (this.worker.cpu)
      new CfnOutput(this, 'CpuJobQueueArn', {
        value: this.worker.cpu.jobQueue.jobQueueArn,
        description: 'Batch job queue of CPU training',
      });
    new CfnOutput(this, 'WorkerLogGroup', {
      value: this.worker.logGroup.logGroupName,
      description: 'CloudWatch log group of the Batch jobs',
    });
  }

  /**
   * The reconciler, every minute: it reads records and slots, finds Batch jobs by name
   * (ListJobs, DescribeJobs), terminates duplicates and re-queues work. The default capacity
   * (until an admin sets one) goes to every function that reads it.
   */
  private scheduleReconciler(reconciler: ServiceFunction, props: StatelessStackProps): ServiceFunction {
    const { table, bucket, jobsQueue: queue } = props.resources;
    // It stops jobs and lists them, never submits one; it queues sweeps' trial jobs (reading snapshots to resume).
    reconciler.bindTable(table, 'readWrite').bindBucket(bucket, 'read').bindQueue(queue).bindBatchTerminate();
    reconciler.addEnvironment(envNames.batchJobQueue, this.worker.jobQueue.jobQueueArn);
    reconciler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['batch:ListJobs', 'batch:DescribeJobs'], resources: ['*'] }),
    );
    acknowledgeFindings(reconciler.executionRole, 'IAM5', [
      {
        pattern: /^Resource::\*$/,
        reason:
          'batch:ListJobs and batch:DescribeJobs support no resource-level permissions (and X-Ray tracing needs none).',
      },
    ]);
    new events.Rule(this, 'ReconcilerSchedule', {
      description: 'Every minute: repair work stuck between the dispatcher steps',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [new targets.LambdaFunction(reconciler, { retryAttempts: 0 })],
    });
    const defaultMaxWorkers = String(Math.max(1, Math.floor(props.config.maxvCpus / workerJobDefinition.vcpus)));
    const readers = [
      this.dispatcher,
      reconciler,
      ...adminRoutes.map((route) => this.api.functions.get(routeKey(route))),
    ];
    for (const fn of readers) fn?.addEnvironment(envNames.maxWorkers, defaultMaxWorkers);
    return reconciler;
  }

  /**
   * S3 notifies the upload function of datafile uploads. The bucket lives in the stateful stack;
   * a notification set there would make it depend on this stack's function (a cycle), so the
   * notification is managed from here, through the bucket imported by name.
   */
  private notifyUploads(bucket: s3.IBucket): void {
    const imported = s3.Bucket.fromBucketAttributes(this, 'DataBucketRef', {
      bucketArn: bucket.bucketArn,
      bucketName: bucket.bucketName,
    });
    imported.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(this.uploadReceived), {
      prefix: tenantObjectsPrefix,
      suffix: `/${datafileObjectName}`,
    });
    // CDK's singleton function (a stack-level child) that writes the bucket's notification configuration.
    for (const handler of this.node.children.filter((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    )) {
      acknowledgeFindings(handler, 'IAM4', [
        {
          pattern: /AWSLambdaBasicExecutionRole$/,
          reason:
            "CDK's bucket-notifications custom resource (deploy time only): " +
            'the managed policy lets it write its own logs.',
        },
      ]);
    }
  }
}

/** Sets the retention of every CloudWatch log group in scope, whoever created it. */
class LogRetention implements IAspect {
  constructor(private readonly days: number) {}

  visit(node: IConstruct): void {
    if (node instanceof logs.CfnLogGroup) node.retentionInDays = this.days;
  }
}
