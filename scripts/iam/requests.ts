/**
 * The IAM requests a recorded SDK call makes (core/aws/call-log.ts): its action(s) and concrete
 * resource ARN(s), with the condition keys our grants test (s3:prefix, dynamodb:LeadingKeys).
 * Region and account are the local cloud's; the templates' pseudo parameters match any.
 */
import type { AwsCall } from '../../core/aws/call-log';
import type { Request } from './policy-match';

const region = 'us-east-1';
const account = '000000000000';

/** S3 commands whose IAM action is not `s3:<command>`. */
const s3Actions: Record<string, string> = {
  HeadObject: 's3:GetObject',
  CreateMultipartUpload: 's3:PutObject',
  UploadPart: 's3:PutObject',
  CompleteMultipartUpload: 's3:PutObject',
  ListParts: 's3:ListMultipartUploadParts',
  ListObjects: 's3:ListBucket',
  ListObjectsV2: 's3:ListBucket',
  ListObjectVersions: 's3:ListBucketVersions',
  HeadBucket: 's3:ListBucket',
};

/** The requests of one call; an empty list: a call we cannot map (reported by the check). */
export function requestsOf(call: AwsCall): Request[] {
  const { service, action } = call;
  if (service === 'S3') return s3Requests(call);
  if (service === 'DynamoDB') {
    const table = `arn:aws:dynamodb:${region}:${account}:table/${call.table}`;
    const context = call.partitionKeys ? { 'dynamodb:LeadingKeys': call.partitionKeys } : undefined;
    const resource = call.index ? `${table}/index/${call.index}` : table;
    return [{ action: `dynamodb:${action}`, resource, ...(context ? { context } : {}) }];
  }
  if (service === 'SQS') {
    const name = call.queueUrl?.split('/').pop() ?? '';
    const sqsAction = action === 'DeleteMessageBatch' ? 'DeleteMessage' : action.replace(/Batch$/, '');
    return [{ action: `sqs:${sqsAction}`, resource: `arn:aws:sqs:${region}:${account}:${name}` }];
  }
  if (service === 'Batch') return batchRequests(call);
  if (service === 'EventBridge')
    return [{ action: `events:${action}`, resource: `arn:aws:events:${region}:${account}:event-bus/${call.eventBus}` }];
  if (service === 'STS') return [{ action: `sts:${action}`, resource: call.roleArn ?? '' }];
  return [];
}

function s3Requests(call: AwsCall): Request[] {
  const bucket = `arn:aws:s3:::${call.bucket}`;
  const action = s3Actions[call.action] ?? `s3:${call.action}`;
  if (call.action === 'DeleteObjects')
    return (call.keys ?? []).map((key) => ({ action: 's3:DeleteObject', resource: `${bucket}/${key}` }));
  if (call.action === 'CopyObject')
    return [
      { action: 's3:PutObject', resource: `${bucket}/${call.key}` },
      { action: 's3:GetObject', resource: `arn:aws:s3:::${decodeURIComponent(call.copySource ?? '')}` },
    ];
  if (call.key !== undefined) return [{ action, resource: `${bucket}/${call.key}` }];
  // Bucket-level: listing is conditioned on the prefix listed.
  return [{ action, resource: bucket, context: { 's3:prefix': [call.prefix ?? ''] } }];
}

function batchRequests(call: AwsCall): Request[] {
  const job = `arn:aws:batch:${region}:${account}:job/recorded`;
  if (call.action === 'SubmitJob')
    return [call.jobQueue, call.jobDefinition].map((resource) => ({
      action: 'batch:SubmitJob',
      resource: resource ?? '',
    }));
  if (call.action === 'TerminateJob' || call.action === 'CancelJob')
    return [{ action: `batch:${call.action}`, resource: job }];
  // ListJobs, DescribeJobs: no resource-level permissions.
  return [{ action: `batch:${call.action}`, resource: '*' }];
}
