/**
 * Records every AWS call as one JSON line (scripts/check-iam.ts proves each one is allowed by the
 * synthesized role of the function that made it). Off unless ELASTIC_CAFFE_AWS_CALL_LOG names a
 * folder: the local cloud and the integration/e2e suites turn it on; a deployed function never does.
 *
 * Locally every handler runs in one process, so the caller is the function being invoked
 * (`invokedAs`, set by whatever invokes a handler in local/), else ELASTIC_CAFFE_AWS_CALLER (the
 * worker's process), else Lambda's own function name; calls outside any function are logged unattributed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Pluggable } from '@smithy/types';
import { read } from '../config';
import { tableKeys } from '../topology';

/** Where the test suites write the log, from the repository's root (scripts/check-iam.ts reads it). */
export const defaultCallLogDir = '.local/aws-calls';
/** The worker's caller name: check-iam resolves it to the Batch job definitions' job roles. */
export const workerCaller = 'Worker';

/** One recorded call: what check-iam needs to name the IAM action and resource. */
export interface AwsCall {
  /** The function (its CDK construct id) or `Worker`; undefined: the local harness or a test itself. */
  caller?: string;
  /** The SDK client's service id: `S3`, `DynamoDB`, `SQS`, `Batch`, `EventBridge`, `STS`. */
  service: string;
  /** The command without its suffix: `PutObject`, `Query`. */
  action: string;
  bucket?: string;
  key?: string;
  /** DeleteObjects: every key deleted. */
  keys?: string[];
  /** CopyObject: `bucket/key` read. */
  copySource?: string;
  /** ListObjects*: the prefix listed (s3:prefix). */
  prefix?: string;
  table?: string;
  index?: string;
  /** The partition key values the call touches (dynamodb:LeadingKeys). */
  partitionKeys?: string[];
  queueUrl?: string;
  jobQueue?: string;
  jobDefinition?: string;
  eventBus?: string;
  roleArn?: string;
}

const invocation = new AsyncLocalStorage<string>();

/** Runs `work` as the function `name` (a CDK construct id): every AWS call it makes is attributed to it. */
export function invokedAs<T>(name: string, work: () => T): T {
  return invocation.run(name, work);
}

/** The SDK middleware that records calls, when recording is on (undefined otherwise). */
export function callLogPlugin(env: NodeJS.ProcessEnv = process.env): Pluggable<object, object> | undefined {
  const folder = read('awsCallLog', env);
  if (!folder) return undefined;
  const file = path.join(folder, `calls-${process.pid}.jsonl`);
  const fallbackCaller = read('awsCaller', env) ?? read('lambdaFunctionName', env);
  return {
    applyToStack(stack) {
      stack.add(
        (next, context) => async (args) => {
          const call: AwsCall = {
            caller: invocation.getStore() ?? fallbackCaller,
            service: String((context as { clientName?: string }).clientName ?? '').replace(/Client$/, ''),
            action: String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, ''),
            ...resourceOf(args.input as Record<string, unknown>),
          };
          mkdirSync(folder, { recursive: true });
          appendFileSync(file, `${JSON.stringify(call)}\n`);
          return next(args);
        },
        // Serialize, not initialize: the document client has marshalled its input by then (one shape to read).
        { step: 'serialize', priority: 'high', name: 'elasticCaffeCallLog', override: true },
      );
    },
  };
}

/** The fields of a command's input that name its IAM resource. */
export function resourceOf(input: Record<string, unknown>): Omit<AwsCall, 'caller' | 'service' | 'action'> {
  const text = (name: string) => (typeof input[name] === 'string' ? (input[name] as string) : undefined);
  const entries = Array.isArray(input.Entries) ? (input.Entries as Record<string, unknown>[]) : [];
  const deleted = (input.Delete as { Objects?: { Key?: string }[] } | undefined)?.Objects;
  // BatchWriteItem (a list of requests) and BatchGetItem (`{Keys}`): one table here; keys as for single-item calls.
  const [batchTable, requests] =
    Object.entries((input.RequestItems ?? {}) as Record<string, unknown[] | { Keys?: unknown[] }>)[0] ?? [];
  const resource = {
    bucket: text('Bucket'),
    key: text('Key'),
    keys: deleted?.map((object) => object.Key ?? ''),
    copySource: text('CopySource'),
    prefix: text('Prefix'),
    table: text('TableName') ?? batchTable,
    index: text('IndexName'),
    partitionKeys: requests ? batchPartitionKeys(requests) : partitionKeysOf(input),
    queueUrl: text('QueueUrl'),
    jobQueue: text('jobQueue'),
    jobDefinition: text('jobDefinition'),
    eventBus: entries.length > 0 ? String(entries[0]?.EventBusName ?? 'default') : undefined,
    roleArn: text('RoleArn'),
  };
  return Object.fromEntries(Object.entries(resource).filter(([, value]) => value !== undefined));
}

/** A DynamoDB string value, marshalled (`{S: "x"}`) or plain. */
const stringOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  const s = (value as { S?: unknown } | undefined)?.S;
  return typeof s === 'string' ? s : undefined;
};

/** The partition keys of a key-addressed call or of a Query on the table's own key. */
function partitionKeysOf(input: Record<string, unknown>): string[] | undefined {
  const pk = tableKeys.partitionKey;
  const single = (input.Key ?? input.Item) as Record<string, unknown> | string | undefined;
  if (typeof single === 'string') return undefined; // an S3 key
  if (single) return [stringOf(single[pk])].filter((k): k is string => k !== undefined);
  const condition = input.KeyConditionExpression;
  if (typeof condition !== 'string' || input.IndexName) return undefined;
  // `pk = :p` (or `#n = :p` with #n → pk): the value bound to the partition key.
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  for (const match of condition.matchAll(/([#\w]+)\s*=\s*(:\w+)/g)) {
    const [, name = '', placeholder = ''] = match;
    if ((names[name] ?? name) !== pk) continue;
    const value = stringOf((input.ExpressionAttributeValues as Record<string, unknown> | undefined)?.[placeholder]);
    return value === undefined ? undefined : [value];
  }
  return undefined;
}

/** BatchWriteItem's partition keys (put and delete requests alike), or BatchGetItem's. */
function batchPartitionKeys(requests: unknown[] | { Keys?: unknown[] }): string[] {
  if (!Array.isArray(requests))
    return (requests.Keys ?? []).flatMap((key) => partitionKeysOf({ Key: key as Record<string, unknown> }) ?? []);
  return requests.flatMap((request) => {
    const { PutRequest, DeleteRequest } = request as {
      PutRequest?: { Item: Record<string, unknown> };
      DeleteRequest?: { Key: Record<string, unknown> };
    };
    return partitionKeysOf({ Key: DeleteRequest?.Key ?? PutRequest?.Item }) ?? [];
  });
}
