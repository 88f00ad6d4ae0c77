/**
 * The one Lambda construct: every function of the service gets the same runtime, architecture,
 * tracing, bundling, logging and least-privilege role from here, and gains access to a resource
 * only through a `bind*` helper, which grants the access and sets the env var in one call.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { envNames, tenantObjectsPrefix } from '../../core/topology';
import { type Access, grantBucket, grantTable } from './grants';
import { acknowledge, acknowledgeFindings } from './nag';

/** Repository root: the bundler's project root (package-lock.json lives here). */
const projectRoot = path.resolve(__dirname, '..', '..');

/** Lambda's own deadline for HTTP handlers: API Gateway gives up on an integration after 30 s. */
export const httpTimeout = Duration.seconds(29);

/** Props of a service function. */
export interface ServiceFunctionProps {
  /** The handler module (a .ts file exporting `handler`). */
  readonly entry: string;
  /** One line shown in the console. */
  readonly description: string;
  /** @default 29 seconds (the HTTP API's limit) */
  readonly timeout?: Duration;
}

/** A Node.js 22 arm64 function, bundled with esbuild, traced, logging JSON to its own log group. */
export class ServiceFunction extends NodejsFunction {
  /** The execution role (also `role`, typed as a concrete Role). */
  readonly executionRole: iam.Role;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    if (!fs.existsSync(props.entry)) {
      throw new Error(`ServiceFunction ${id}: handler file ${path.relative(projectRoot, props.entry)} does not exist`);
    }
    // Created beside the function (not inside: `this` is not usable before super) and given to it,
    // so the role needs no AWS managed policy: it may write to this log group and nothing else.
    const logGroup = new logs.LogGroup(scope, `${id}-Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}-Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? httpTimeout,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      projectRoot,
      depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'elastic-caffe',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        // CommonJS like the package; esbuild folds the ESM-only dependencies (middy, jose) in.
        format: OutputFormat.CJS,
        // The SDK version we test against, not whatever the runtime ships.
        bundleAwsSDK: true,
        // Bundle sizes for 17 functions on every synth and test run are noise; errors still show.
        logLevel: LogLevel.ERROR,
      },
    });
    this.executionRole = role;

    acknowledge(
      this,
      'L1',
      'Pinned to nodejs22.x (LTS, supported by Lambda into 2027) on purpose: the local cloud and the tests run these same ' +
        'handler modules on Node 20/22, and moving to the next runtime is a deliberate, tested upgrade.',
    );
    acknowledgeFindings(role, 'IAM5', [
      {
        pattern: /^Resource::\*$/,
        reason:
          'X-Ray tracing (tracing: Active): xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level permissions.',
      },
    ]);
  }

  /** Grants item access to the table and sets TABLE_NAME. */
  bindTable(table: dynamodb.ITable, access: Access): this {
    grantTable(this, table, access);
    this.addEnvironment(envNames.table, table.tableName);
    return this;
  }

  /** Grants object access under `tenants/` and sets BUCKET_NAME. */
  bindBucket(bucket: s3.IBucket, access: Access): this {
    grantBucket(this, bucket, access);
    this.addEnvironment(envNames.bucket, bucket.bucketName);
    return this;
  }

  /** Grants SendMessage on the queue and sets JOBS_QUEUE_URL. */
  bindQueue(queue: sqs.IQueue): this {
    queue.grantSendMessages(this);
    this.addEnvironment(envNames.jobsQueueUrl, queue.queueUrl);
    return this;
  }

  /** Grants DeleteObject under `tenants/` (deleting a record's artifacts); the bucket is bound by bindBucket. */
  bindObjectDeletion(bucket: s3.IBucket): this {
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:DeleteObject'], resources: [bucket.arnForObjects(`${tenantObjectsPrefix}*`)] }));
    return this;
  }

  /**
   * Grants TerminateJob only (cancelling a training job): the job's id comes from its record, so
   * no queue or definition is needed, and the function can stop jobs but never start one.
   */
  bindBatchTerminate(): this {
    const jobs = Stack.of(this).formatArn({ service: 'batch', resource: 'job', resourceName: '*' });
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:TerminateJob'], resources: [jobs] }));
    acknowledgeFindings(this.executionRole, 'IAM5', [
      {
        pattern: /:batch:.*:job\/\*$/,
        reason: 'Batch job ids exist only once SubmitJob returns, so job ARNs cannot be named in advance: TerminateJob is limited to jobs of this account and region.',
      },
    ]);
    return this;
  }

  /**
   * Grants SubmitJob on the job queue and definition (with the tags the dispatcher sets) and
   * TerminateJob (it cancels the loser of a duplicate submission); sets BATCH_JOB_QUEUE and
   * BATCH_JOB_DEFINITION to their ARNs.
   */
  bindBatch(jobQueue: batch.IJobQueue, jobDefinition: batch.IJobDefinition): this {
    this.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['batch:SubmitJob'], resources: [jobQueue.jobQueueArn, jobDefinition.jobDefinitionArn] }),
    );
    const jobs = Stack.of(this).formatArn({ service: 'batch', resource: 'job', resourceName: '*' });
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['batch:TagResource'],
        resources: [jobs],
        conditions: { StringEquals: { 'batch:CreateAction': 'SubmitJob' } },
      }),
    );
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:TerminateJob'], resources: [jobs] }));
    acknowledgeFindings(this.executionRole, 'IAM5', [
      {
        pattern: /:batch:.*:job\/\*$/,
        reason:
          'Batch job ids exist only once SubmitJob returns, so job ARNs cannot be named in advance: TagResource is limited ' +
          'to tagging at SubmitJob (batch:CreateAction), TerminateJob to jobs of this account and region.',
      },
    ]);
    this.addEnvironment(envNames.batchJobQueue, jobQueue.jobQueueArn);
    this.addEnvironment(envNames.batchJobDefinition, jobDefinition.jobDefinitionArn);
    return this;
  }
}
