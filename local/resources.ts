/**
 * Creates the local cloud's resources — table, bucket, queues, Batch compute environment, job
 * queue and job definition — from the same definitions (core/topology.ts) the CDK stack uses.
 * Idempotent: on a restart the persisted table and bucket are kept.
 */
import { CreateComputeEnvironmentCommand, CreateJobQueueCommand, RegisterJobDefinitionCommand } from '@aws-sdk/client-batch';
import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { batch, ddb, s3, sqs } from '../core/aws/clients';
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

async function ensureTable(): Promise<void> {
  const { partitionKey, sortKey, statusIndex, waitingIndex } = tableKeys;
  try {
    const { Table } = await ddb().send(new DescribeTableCommand({ TableName: localNames.table }));
    // A table kept from before the waiting index existed gets it now (a local home survives upgrades).
    if (!Table?.GlobalSecondaryIndexes?.some((index) => index.IndexName === waitingIndex.name))
      await ddb().send(
        new UpdateTableCommand({
          TableName: localNames.table,
          AttributeDefinitions: [waitingIndex.partitionKey, waitingIndex.sortKey].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          GlobalSecondaryIndexUpdates: [{ Create: indexSchema(waitingIndex) }],
        }),
      );
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await ddb().send(
    new CreateTableCommand({
      TableName: localNames.table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [partitionKey, sortKey, statusIndex.partitionKey, waitingIndex.partitionKey, waitingIndex.sortKey].map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: partitionKey, KeyType: 'HASH' },
        { AttributeName: sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [indexSchema(statusIndex), indexSchema(waitingIndex)],
    }),
  );
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
      CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET', 'PUT', 'HEAD'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }] },
    }),
  );
}

async function ensureQueues(): Promise<string> {
  const dlq = await sqs().send(new CreateQueueCommand({ QueueName: localNames.deadLetterQueue }));
  const { Attributes } = await sqs().send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
  const queue = await sqs().send(
    new CreateQueueCommand({
      QueueName: localNames.queue,
      Attributes: {
        VisibilityTimeout: String(jobsQueue.visibilityTimeoutSeconds),
        MessageRetentionPeriod: String(jobsQueue.retentionDays * 86400),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount: String(jobsQueue.maxReceiveCount) }),
      },
    }),
  );
  if (!queue.QueueUrl) throw new Error('CreateQueue returned no URL');
  return queue.QueueUrl;
}

/** The worker's job definition, as the stack registers it — except resources: locally one CPU per job. */
async function ensureBatch(workers: number): Promise<{ jobQueueArn: string; jobDefinitionArn: string }> {
  const ce = await batch().send(
    new CreateComputeEnvironmentCommand({
      computeEnvironmentName: localNames.computeEnvironment,
      type: 'MANAGED',
      state: 'ENABLED',
      computeResources: { type: 'EC2', minvCpus: 0, maxvCpus: workers, subnets: [], instanceRole: 'local', instanceTypes: ['optimal'] },
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
      retryStrategy: { attempts: workerJobDefinition.retryAttempts, evaluateOnExit: workerRetryRules.map((rule) => ({ ...rule })) },
      timeout: { attemptDurationSeconds: workerJobDefinition.attemptDurationSeconds },
    }),
  );
  return { jobQueueArn: queue.jobQueueArn!, jobDefinitionArn: definition.jobDefinitionArn! };
}

/** Creates (or finds) everything; returns what the handlers' environment needs. */
export async function ensureResources(workers: number) {
  await ensureTable();
  await ensureBucket();
  const queueUrl = await ensureQueues();
  const { jobQueueArn, jobDefinitionArn } = await ensureBatch(workers);
  return { queueUrl, jobQueueArn, jobDefinitionArn };
}
