/**
 * Everything that holds data and must outlive a redeploy of the code: the records table, the data
 * bucket (and the bucket its access logs go to) and the jobs queue with its dead-letter queue.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { intermediateSnapshotTag, jobsQueue, tableKeys } from '../core/topology';
import type { AppConfig } from './config';

/** The stateful resources, as the stateless stack receives them. */
export interface StatefulResources {
  /** Single table: `pk`/`sk`, GSI `byStatus` (`statusKey`/`sk`). */
  readonly table: dynamodb.ITable;
  /** Datafiles, datasets, models and logs, under `tenants/<tenantId>/`. */
  readonly bucket: s3.IBucket;
  /** Server access logs of `bucket`, VPC flow logs. */
  readonly logsBucket: s3.IBucket;
  /** Background work for the dispatcher. */
  readonly jobsQueue: sqs.IQueue;
  /**
   * Messages of `jobsQueue` that failed `maxReceiveCount` times; the dead-letter function fails their records (and an
   * alarm fires while it is not empty).
   */
  readonly jobsDeadLetterQueue: sqs.IQueue;
}

/** Props of the stateful stack. */
export interface StatefulStackProps extends StackProps {
  readonly config: AppConfig;
}

/** Name of the status index: the dispatcher and reconciler find records by status through it. */
export const statusIndexName = tableKeys.statusIndex.name;

/** Days access logs and flow logs are kept. */
const logRetentionDays = 90;

/** The table, buckets and queues. */
export class StatefulStack extends Stack implements StatefulResources {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly logsBucket: s3.Bucket;
  readonly jobsQueue: sqs.Queue;
  readonly jobsDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const { partitionKey, sortKey, statusIndex, waitingIndex } = tableKeys;
    this.table = new dynamodb.Table(this, 'Records', {
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: sortKey, type: dynamodb.AttributeType.STRING },
      // Idempotency records expire after 24 h; DynamoDB's TTL deletes them (at no cost).
      timeToLiveAttribute: tableKeys.timeToLive,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.removalPolicy === 'retain',
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: statusIndexName,
      partitionKey: { name: statusIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: statusIndex.sortKey, type: dynamodb.AttributeType.STRING },
    });
    // Sparse: only work waiting for a worker carries its key (core/scheduling), oldest first.
    this.table.addGlobalSecondaryIndex({
      indexName: waitingIndex.name,
      partitionKey: { name: waitingIndex.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: waitingIndex.sortKey, type: dynamodb.AttributeType.STRING },
    });

    this.logsBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Log delivery (S3 server access logs, VPC flow logs) writes only to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(logRetentionDays) }],
      removalPolicy,
    });

    this.bucket = new s3.Bucket(this, 'Data', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Browsers (the console) upload datafiles and download models and thumbnails straight to/from S3 with
      // presigned URLs; ETag is exposed because a multipart upload's completion lists each part's ETag. CORS
      // authorizes nothing here (the signature in the URL does): the default `*` origin only lets any page read
      // what its presigned URL already allows. The console's own origin, a CloudFront domain made in the
      // stateless stack, cannot be named here without a cycle: with a narrower corsOrigins, add its ConsoleUrl.
      cors: [
        {
          allowedMethods: [s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
          allowedOrigins: config.corsOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3600,
        },
      ],
      lifecycleRules: [
        { abortIncompleteMultipartUploadAfter: Duration.days(7) },
        // Versioning guards against overwrites and deletes by mistake; old versions of multi-GB
        // datasets and snapshots should not be paid for forever.
        { noncurrentVersionExpiration: Duration.days(30) },
        // Intermediate training snapshots (the worker tags them) are only needed to resume or to
        // fine-tune from a chosen iteration; they expire, and their old versions a day later. A
        // job's final model is an untagged object and stays.
        {
          id: 'ExpireIntermediateSnapshots',
          tagFilters: { [intermediateSnapshotTag.key]: intermediateSnapshotTag.value },
          expiration: Duration.days(config.snapshotExpirationDays),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'data-bucket/',
      removalPolicy,
    });

    this.jobsDeadLetterQueue = new sqs.Queue(this, 'JobsDeadLetter', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14), // the maximum: time to look at what failed
    });
    this.jobsQueue = new sqs.Queue(this, 'Jobs', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(jobsQueue.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(jobsQueue.retentionDays),
      deadLetterQueue: { queue: this.jobsDeadLetterQueue, maxReceiveCount: jobsQueue.maxReceiveCount },
    });
  }
}
