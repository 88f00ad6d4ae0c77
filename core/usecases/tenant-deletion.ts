/**
 * Deleting a whole tenant (an admin action): its running Batch jobs, every object under
 * `tenants/<tenantId>/` (every version, in a versioned bucket), every record of its partition, and
 * what the settings keep about it (its capacity and limit overrides, its last start).
 *
 * Order matters for a crash at any point: Batch jobs are stopped first (their workers write
 * objects and records until they exit), objects next, records last — the records are what finds
 * the Batch jobs, so they must outlive them. Every step only ever deletes what is still there, so
 * running the whole thing again after a crash, or twice, finishes the job and changes nothing more.
 */
import { config } from '../config';
import { DescribeJobsCommand } from '@aws-sdk/client-batch';
import type { ObjectIdentifier } from '@aws-sdk/client-s3';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batch, ddb, s3Sdk } from '../aws/clients';
import { queryAll } from '../aws/query';
import { ValidationError } from '../errors';
import { bucket } from '../objects';
import { tableKeys, tenantObjectsPrefix } from '../topology';
import { forgetTenantLimits } from '../limits';
import { forgetTenantCapacity } from '../scheduling/capacity';
import { forgetStarts } from '../scheduling/slots';
import { terminateBatchJob } from './work/batch-jobs';

export interface TenantDeletionOptions {
  /** How long to wait for terminated Batch jobs to stop before giving up for this run (default 2 minutes). */
  stopTimeoutMs?: number;
  /** Poll interval while waiting (default 2 s). */
  pollMs?: number;
}

export interface TenantDeletion {
  /** Everything is gone. False only when Batch jobs were still stopping: run it again later. */
  complete: boolean;
  /** The tenant's Batch jobs that were still running and were told to terminate. */
  batchJobsTerminated: number;
  /** Batch jobs still running when the wait ended (nothing else was deleted then). */
  stillStopping: string[];
  /** Objects (object versions and delete markers, in a versioned bucket) deleted. */
  objectsDeleted: number;
  recordsDeleted: number;
}

const finishedBatchStatuses = new Set(['SUCCEEDED', 'FAILED']);
/** DeleteObjects takes at most 1000 keys; BatchWriteItem at most 25 requests; DescribeJobs at most 100 ids. */
const objectsPerDelete = 1000;
const recordsPerWrite = 25;
const jobsPerDescribe = 100;

const table = () => config.table();
const partitionOf = (tenantId: string) => `TENANT#${tenantId}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

type Item = Record<string, unknown> & { batchJobId?: string };

/** Every item of the tenant's partition (paginated), with only the attributes deletion needs. */
async function partitionItems(tenantId: string): Promise<Item[]> {
  return (await queryAll({
    TableName: table(),
    KeyConditionExpression: '#pk = :pk',
    ProjectionExpression: '#pk, #sk, #job',
    ExpressionAttributeNames: { '#pk': tableKeys.partitionKey, '#sk': tableKeys.sortKey, '#job': 'batchJobId' },
    ExpressionAttributeValues: { ':pk': partitionOf(tenantId) },
  })) as Item[];
}

/** Batch jobs of those that are not finished yet, per Batch (a job Batch no longer knows is finished). */
async function unfinishedBatchJobs(jobIds: string[]): Promise<string[]> {
  if (!jobIds.length) return [];
  const running: string[] = [];
  for (const ids of chunks(jobIds, jobsPerDescribe)) {
    const { jobs = [] } = await batch().send(new DescribeJobsCommand({ jobs: ids }));
    for (const job of jobs) if (job.jobId && !finishedBatchStatuses.has(job.status ?? '')) running.push(job.jobId);
  }
  return running;
}

/**
 * Whether the bucket has ever had versioning on (then deleting only current versions would keep
 * the data as noncurrent versions). A store without versioning at all (the local S3 answers
 * NotImplemented) has none.
 */
async function bucketKeepsVersions(): Promise<boolean> {
  const { client, sdk } = await s3Sdk();
  try {
    const { Status } = await client.send(new sdk.GetBucketVersioningCommand({ Bucket: bucket() }));
    return Status === 'Enabled' || Status === 'Suspended';
  } catch (error) {
    if (['NotImplemented', 'MethodNotAllowed'].includes((error as { name?: string }).name ?? '')) return false;
    throw error;
  }
}

/**
 * The first page of the tenant's objects still there: every version and delete marker in a
 * versioned bucket. Each page is deleted before the next is listed, so listing always starts
 * afresh (a continuation token would point past keys that are gone) and a rerun starts where a
 * crashed run stopped.
 */
async function firstPage(prefix: string, versioned: boolean): Promise<ObjectIdentifier[]> {
  const { client, sdk } = await s3Sdk();
  if (versioned) {
    const page = await client.send(
      new sdk.ListObjectVersionsCommand({ Bucket: bucket(), Prefix: prefix, MaxKeys: objectsPerDelete }),
    );
    return [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map((v) => ({
      Key: v.Key!,
      ...(v.VersionId ? { VersionId: v.VersionId } : {}),
    }));
  }
  // ListObjects (v1): no continuation is ever needed here, and the local S3 (s3rver 3.7) cannot make
  // V2 continuation tokens on Node 20 (it ciphers them with DES, which OpenSSL 3 no longer has).
  const page = await client.send(
    new sdk.ListObjectsCommand({ Bucket: bucket(), Prefix: prefix, MaxKeys: objectsPerDelete }),
  );
  return (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
}

async function deleteObjects(tenantId: string): Promise<number> {
  let deleted = 0;
  const versioned = await bucketKeepsVersions();
  const prefix = `${tenantObjectsPrefix}${tenantId}/`;
  const { client, sdk } = await s3Sdk();
  for (let page = await firstPage(prefix, versioned); page.length; page = await firstPage(prefix, versioned)) {
    for (const objects of chunks(page, objectsPerDelete)) {
      const result = await client.send(
        new sdk.DeleteObjectsCommand({ Bucket: bucket(), Delete: { Objects: objects, Quiet: true } }),
      );
      const failed = result.Errors ?? [];
      if (failed.length)
        throw new Error(
          `could not delete ${failed.length} objects of tenant ${tenantId}, e.g. ` +
            `${failed[0]!.Key}: ${failed[0]!.Code} ${failed[0]!.Message}`,
        );
      deleted += objects.length;
    }
  }
  return deleted;
}

async function deleteRecords(items: Item[]): Promise<number> {
  for (const group of chunks(items, recordsPerWrite)) {
    let requests = group.map((item) => ({
      DeleteRequest: {
        Key: { [tableKeys.partitionKey]: item[tableKeys.partitionKey], [tableKeys.sortKey]: item[tableKeys.sortKey] },
      },
    }));
    // DynamoDB may leave some requests unprocessed under throttling: retry those with backoff.
    for (let attempt = 0; requests.length; attempt++) {
      if (attempt > 8) throw new Error(`DynamoDB left ${requests.length} deletes unprocessed after ${attempt} tries`);
      if (attempt) await sleep(100 * 2 ** attempt);
      const { UnprocessedItems } = await ddb().send(new BatchWriteCommand({ RequestItems: { [table()]: requests } }));
      requests = (UnprocessedItems?.[table()] ?? []) as typeof requests;
    }
  }
  return items.length;
}

/**
 * Deletes the tenant. Idempotent and resumable; when Batch jobs are still stopping after
 * `stopTimeoutMs`, nothing else is deleted in this run (a stopping worker still writes) and the
 * result says `complete: false`.
 */
export async function deleteTenant(tenantId: string, options: TenantDeletionOptions = {}): Promise<TenantDeletion> {
  if (!/^[^/\s]+$/.test(tenantId)) throw new ValidationError(`"${tenantId}" is not a tenant id`);
  const { stopTimeoutMs = 120_000, pollMs = 2000 } = options;

  // Batch decides what still runs, not the record: a cancelled job's worker may still be stopping.
  const items = await partitionItems(tenantId);
  const running = await unfinishedBatchJobs([...new Set(items.flatMap((i) => (i.batchJobId ? [i.batchJobId] : [])))]);
  for (const jobId of running) await terminateBatchJob(jobId, `tenant ${tenantId} is being deleted`);
  const deadline = Date.now() + stopTimeoutMs;
  let stillStopping = await unfinishedBatchJobs(running);
  while (stillStopping.length && Date.now() < deadline) {
    await sleep(pollMs);
    stillStopping = await unfinishedBatchJobs(stillStopping);
  }
  if (stillStopping.length)
    return {
      complete: false,
      batchJobsTerminated: running.length,
      stillStopping,
      objectsDeleted: 0,
      recordsDeleted: 0,
    };

  const objectsDeleted = await deleteObjects(tenantId);
  // Read again: records created meanwhile (a request in flight) go too.
  const recordsDeleted = await deleteRecords(await partitionItems(tenantId));
  // What the admin settings and the scheduler keep about the tenant outside its partition.
  await Promise.all([forgetTenantCapacity(tenantId), forgetTenantLimits(tenantId), forgetStarts(tenantId)]);
  return { complete: true, batchJobsTerminated: running.length, stillStopping: [], objectsDeleted, recordsDeleted };
}
