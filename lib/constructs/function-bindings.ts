/**
 * What every function of the service shares, however its code is packaged (a bundled Node.js
 * function or a container image): its own log group, a least-privilege role, tracing and JSON
 * logs, and the `bind*` helpers, which grant access to a resource and set its env var in one call.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as batch from 'aws-cdk-lib/aws-batch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { envNames, tenantObjectsPrefix } from '../../core/topology';
import { type Access, grantBucket, grantTable } from './grants';
import { acknowledgeFindings } from './nag';

/** Lambda's own deadline for HTTP handlers: API Gateway gives up on an integration after 30 s. */
export const httpTimeout = Duration.seconds(29);

/** The variables every service function starts with, before its bindings add their own. */
export const functionEnvironment: Readonly<Record<string, string>> = {
  NODE_OPTIONS: '--enable-source-maps',
  POWERTOOLS_SERVICE_NAME: 'elastic-caffe',
};

/** The props every service function gets, beside its code. */
export type FoundationProps = Pick<
  lambda.FunctionOptions,
  'role' | 'logGroup' | 'tracing' | 'loggingFormat' | 'applicationLogLevelV2' | 'systemLogLevelV2' | 'environment'
>;

/**
 * Creates the function's log group and role beside it (not inside: `this` is not usable before
 * super) and returns the props that use them, so the role needs no AWS managed policy: it may
 * write to this log group and nothing else.
 */
export function functionFoundation(scope: Construct, id: string): { role: iam.Role; props: FoundationProps } {
  const logGroup = new logs.LogGroup(scope, `${id}-Logs`, {
    retention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(scope, `${id}-Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${id}`,
  });
  logGroup.grantWrite(role);
  acknowledgeFindings(role, 'IAM5', [
    {
      pattern: /^Resource::\*$/,
      reason:
        'X-Ray tracing (tracing: Active): xray:PutTraceSegments and xray:PutTelemetryRecords ' +
        'support no resource-level permissions.',
    },
  ]);
  return {
    role,
    props: {
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: { ...functionEnvironment },
    },
  };
}

// `any[]`: a TypeScript mixin's base must be a constructor taking `any[]` (TS2545), whatever its real props.
// biome-ignore lint/suspicious/noExplicitAny: TS2545, see above
type FunctionClass = abstract new (...args: any[]) => lambda.Function;

/** The `bind*` helpers, added to a Lambda function class (NodejsFunction, DockerImageFunction). */
export function withBindings<Base extends FunctionClass>(base: Base) {
  abstract class BoundFunction extends base {
    /** The execution role (also `role`, typed as a concrete Role). */
    abstract readonly executionRole: iam.Role;

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

    /**
     * Grants PutEvents on the service's event bus and sets EVENT_BUS_NAME: every function that writes
     * a work record's status publishes its job state change there (core/events.ts).
     */
    bindEventBus(bus: events.IEventBus): this {
      bus.grantPutEventsTo(this);
      this.addEnvironment(envNames.eventBus, bus.eventBusName);
      return this;
    }

    /** Grants DeleteObject under `tenants/` (deleting a record's artifacts); the bucket is bound by bindBucket. */
    bindObjectDeletion(bucket: s3.IBucket): this {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:DeleteObject'],
          resources: [bucket.arnForObjects(`${tenantObjectsPrefix}*`)],
        }),
      );
      return this;
    }

    /**
     * Deleting a whole tenant (core/usecases/tenant-deletion.ts): list every object version under
     * `tenants/` and delete them, and find and stop the tenant's Batch jobs. The tenant is a path
     * parameter, so the grant covers every tenant's prefix; only admins reach the route.
     */
    bindTenantDeletion(bucket: s3.IBucket): this {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket', 's3:ListBucketVersions', 's3:GetBucketVersioning'],
          resources: [bucket.bucketArn],
        }),
      );
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
          resources: [bucket.arnForObjects(`${tenantObjectsPrefix}*`)],
        }),
      );
      this.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] }));
      acknowledgeFindings(this.executionRole, 'IAM5', [
        { pattern: /^Resource::\*$/, reason: 'batch:DescribeJobs supports no resource-level permissions.' },
        {
          pattern: /\/tenants\/\*$/,
          reason:
            'Deleting a tenant (admin only) deletes every version of every object under its prefix; ' +
            "the tenant is the route's path parameter.",
        },
      ]);
      return this.bindBatchTerminate();
    }

    /**
     * Grants TerminateJob only (cancelling a training job): the job's id comes from its record, so
     * no queue or definition is needed, and the function can stop jobs but never start one.
     */
    bindBatchTerminate(): this {
      this.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['batch:TerminateJob'], resources: [batchJobsArn(this)] }),
      );
      acknowledgeFindings(this.executionRole, 'IAM5', [
        {
          pattern: /:batch:.*:job\/\*$/,
          reason:
            'Batch job ids exist only once SubmitJob returns, so job ARNs cannot be named in advance: ' +
            'TerminateJob is limited to jobs of this account and region.',
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
        new iam.PolicyStatement({
          actions: ['batch:SubmitJob'],
          resources: [jobQueue.jobQueueArn, jobDefinition.jobDefinitionArn],
        }),
      );
      const jobs = batchJobsArn(this);
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
            'Batch job ids exist only once SubmitJob returns, so job ARNs cannot be named in advance: ' +
            'TagResource is limited ' +
            'to tagging at SubmitJob (batch:CreateAction), TerminateJob to jobs of this account and region.',
        },
      ]);
      this.addEnvironment(envNames.batchJobQueue, jobQueue.jobQueueArn);
      this.addEnvironment(envNames.batchJobDefinition, jobDefinition.jobDefinitionArn);
      return this;
    }

    /**
     * Grants SubmitJob on the CPU job queue and its job definition; sets BATCH_CPU_JOB_QUEUE and
     * BATCH_CPU_JOB_DEFINITION (jobs asking for `resources: {type: "CPU"}` go there). Tagging and
     * terminating jobs come with bindBatch.
     */
    bindCpuBatch(jobQueue: batch.IJobQueue, jobDefinition: batch.IJobDefinition): this {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['batch:SubmitJob'],
          resources: [jobQueue.jobQueueArn, jobDefinition.jobDefinitionArn],
        }),
      );
      this.addEnvironment(envNames.batchCpuJobQueue, jobQueue.jobQueueArn);
      this.addEnvironment(envNames.batchCpuJobDefinition, jobDefinition.jobDefinitionArn);
      return this;
    }
  }
  return BoundFunction;
}

/** Every Batch job of this account and region. */
function batchJobsArn(scope: Construct): string {
  return Stack.of(scope).formatArn({ service: 'batch', resource: 'job', resourceName: '*' });
}
