/**
 * Creates the local cloud's resources — table, bucket, queues, Batch compute environment, job
 * queue and job definition — from the same definitions (core/topology.ts) the CDK stack uses.
 * Idempotent: on a restart the persisted table and bucket are kept.
 */
import {
  CreateComputeEnvironmentCommand,
  CreateJobQueueCommand,
  RegisterJobDefinitionCommand,
} from '@aws-sdk/client-batch';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  ResourceNotFoundException,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { batch, ddb } from '../core/aws/clients';
import { s3, sqs } from '../core/aws/eager-clients';
import { jobsQueue, tableKeys, workerImageName, workerJobDefinition, workerRetryRules } from '../core/topology';

export const localNames = {
  table: 'elastic-caffe',
  bucket: 'elastic-caffe-local',
  queue: 'elastic-caffe-jobs',
  deadLetterQueue: 'elastic-caffe-jobs-dlq',
  computeEnvironment: 'elastic-caffe-local',
  jobQueue: 'elastic-caffe-jobs',
  jobDefinition: 'elastic-caffe-worker',
} as const;

const indexSchema = (index: { name: string; partitionKey: string; sortKey: string }) => ({
  IndexName: index.name,
  KeySchema: [
    { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
  ],
  Projection: { ProjectionType: 'ALL' as const },
});

/** Creates the table, or brings a table kept in a local home up to date with the indexes in tableKeys. */
export async function ensureTable(home?: string): Promise<void> {
  try {
    const { Table } = await ddb().send(new DescribeTableCommand({ TableName: localNames.table }));
    const present = new Set(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName));
    if (tableIndexes().every((index) => present.has(index.name))) return;
    await recreateWithIndexes(home);
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await createTable();
}

const tableIndexes = () => [tableKeys.statusIndex, tableKeys.waitingIndex];

async function createTable(): Promise<void> {
  const { partitionKey, sortKey } = tableKeys;
  const indexes = tableIndexes();
  const attributes = [
    ...new Set([partitionKey, sortKey, ...indexes.flatMap((index) => [index.partitionKey, index.sortKey])]),
  ];
  await ddb().send(
    new CreateTableCommand({
      TableName: localNames.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: indexes.map(indexSchema),
    }),
  );
}

/**
 * A table from before an index existed (a local home survives upgrades). dynalite cannot add an
 * index to a table (its UpdateTable ignores index creation), so the items are copied out — to a
 * backup file in the home first, so an interruption loses nothing — the table is created anew
 * and the items are written back, attribute values untouched.
 */
async function recreateWithIndexes(home?: string): Promise<void> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await ddb().send(new ScanCommand({ TableName: localNames.table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  if (home) await writeFile(path.join(home, `table-backup-${Date.now()}.json`), JSON.stringify(items));
  console.log(`[resources] adding the table's new indexes: copying ${items.length} items into a new table`);
  await ddb().send(new DeleteTableCommand({ TableName: localNames.table }));
  await createTable();
  for (const item of items) await ddb().send(new PutItemCommand({ TableName: localNames.table, Item: item }));
}

async function ensureBucket(): Promise<void> {
  try {
    await s3().send(new HeadBucketCommand({ Bucket: localNames.bucket }));
  } catch {
    await s3().send(new CreateBucketCommand({ Bucket: localNames.bucket }));
  }
  await s3().send(
    new PutBucketCorsCommand({
      Bucket: localNames.bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedMethods: ['GET', 'PUT', 'HEAD'],
            AllowedOrigins: ['*'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
          },
        ],
      },
    }),
  );
}

async function ensureQueues(
  visibilityTimeoutSeconds: number,
): Promise<{ queueUrl: string; deadLetterQueueUrl: string }> {
  const dlq = await sqs().send(new CreateQueueCommand({ QueueName: localNames.deadLetterQueue }));
  const { Attributes } = await sqs().send(
    new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const queue = await sqs().send(
    new CreateQueueCommand({
      QueueName: localNames.queue,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(jobsQueue.retentionDays * 86400),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: Attributes?.QueueArn,
          maxReceiveCount: String(jobsQueue.maxReceiveCount),
        }),
      },
    }),
  );
  if (!queue.QueueUrl || !dlq.QueueUrl) throw new Error('CreateQueue returned no URL');
  return { queueUrl: queue.QueueUrl, deadLetterQueueUrl: dlq.QueueUrl };
}

/** The worker's job definition, as the stack registers it — except resources: locally one CPU per job. */
async function ensureBatch(workers: number): Promise<{ jobQueueArn: string; jobDefinitionArn: string }> {
  const ce = await batch().send(
    new CreateComputeEnvironmentCommand({
      computeEnvironmentName: localNames.computeEnvironment,
      type: 'MANAGED',
      state: 'ENABLED',
      computeResources: {
        type: 'EC2',
        minvCpus: 0,
        maxvCpus: workers,
        subnets: [],
        instanceRole: 'local',
        instanceTypes: ['optimal'],
      },
    }),
  );
  const queue = await batch().send(
    new CreateJobQueueCommand({
      jobQueueName: localNames.jobQueue,
      state: 'ENABLED',
      priority: 1,
      computeEnvironmentOrder: [{ order: 1, computeEnvironment: ce.computeEnvironmentArn }],
    }),
  );
  const definition = await batch().send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: localNames.jobDefinition,
      type: 'container',
      parameters: { ...workerJobDefinition.parameters },
      containerProperties: {
        image: workerImageName,
        command: [...workerJobDefinition.command],
        resourceRequirements: [
          { type: 'VCPU', value: '1' },
          { type: 'MEMORY', value: '2048' },
        ],
        environment: [
          { name: 'TABLE_NAME', value: localNames.table },
          { name: 'BUCKET_NAME', value: localNames.bucket },
        ],
      },
      retryStrategy: {
        attempts: workerJobDefinition.retryAttempts,
        evaluateOnExit: workerRetryRules.map((rule) => ({ ...rule })),
      },
      timeout: { attemptDurationSeconds: workerJobDefinition.attemptDurationSeconds },
    }),
  );
  return { jobQueueArn: queue.jobQueueArn!, jobDefinitionArn: definition.jobDefinitionArn! };
}

/** What the handlers' environment needs to know of the resources. */
export interface LocalResources {
  queueUrl: string;
  deadLetterQueueUrl: string;
  jobQueueArn: string;
  jobDefinitionArn: string;
}

/** Creates (or finds) everything; returns what the handlers' environment needs. */
export async function ensureResources(
  workers: number,
  home?: string,
  visibilityTimeoutSeconds: number = jobsQueue.visibilityTimeoutSeconds,
): Promise<LocalResources> {
  await ensureTable(home);
  await ensureBucket();
  const { queueUrl, deadLetterQueueUrl } = await ensureQueues(visibilityTimeoutSeconds);
  const { jobQueueArn, jobDefinitionArn } = await ensureBatch(workers);
  return { queueUrl, deadLetterQueueUrl, jobQueueArn, jobDefinitionArn };
}
