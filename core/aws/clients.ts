/**
 * AWS SDK v3 clients, created once per process. Endpoints come from the standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code talks to AWS or to the local cloud.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { config } from '../config';
import { callLogPlugin } from './call-log';

let cache: {
  dynamodb?: DynamoDBClient;
  ddb?: DynamoDBDocumentClient;
  s3?: S3Client;
  sqs?: SQSClient;
  batch?: BatchClient;
  eventBridge?: EventBridgeClient;
} = {};

/**
 * Applied to every client as it is made: Lambda handlers register X-Ray capture here (lambdas/shared/powertools.ts).
 */
let wrap = <T>(client: T): T => client;

/** Every client goes through here: the call log (core/aws/call-log.ts) when it is on, then `wrap`. */
export function instrument<T extends { middlewareStack: { use(plugin: never): void } }>(client: T): T {
  const plugin = callLogPlugin();
  if (plugin) client.middlewareStack.use(plugin as never);
  return wrap(client);
}

/** Sets the wrapper every new client goes through (e.g. Powertools Tracer's `captureAWSv3Client`). */
export function instrumentClients(wrapper: <T>(client: T) => T): void {
  wrap = wrapper;
  cache = {};
}

/** Credentials of every client made from now on; undefined: the SDK's default chain. */
let credentials: AwsCredentialIdentityProvider | undefined;

/**
 * Makes every client use these credentials (the worker's tenant-scoped session,
 * container/worker/tenant-credentials.ts); clients made before are forgotten.
 */
export function useCredentials(provider: AwsCredentialIdentityProvider | undefined): void {
  credentials = provider;
  cache = {};
}

const withCredentials = () => (credentials ? { credentials } : {});

/** The plain DynamoDB client (for libraries that take one, e.g. Powertools' idempotency store). */
export function dynamodb(): DynamoDBClient {
  cache.dynamodb ??= instrument(new DynamoDBClient(withCredentials()));
  return cache.dynamodb;
}

/** The DynamoDB document client (plain JS values in and out). */
export function ddb(): DynamoDBDocumentClient {
  cache.ddb ??= DynamoDBDocumentClient.from(dynamodb(), { marshallOptions: { removeUndefinedValues: true } });
  return cache.ddb;
}

/** The S3 client; path-style when an emulator endpoint is configured (no DNS tricks locally). */
export function s3(): S3Client {
  cache.s3 ??= instrument(
    new S3Client({
      ...withCredentials(),
      forcePathStyle: Boolean(config.s3Endpoint()),
      // Local S3 emulators don't speak the aws-chunked checksum encoding; AWS accepts either.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
  return cache.s3;
}

export function sqs(): SQSClient {
  // Emulators return queue URLs with made-up hosts; send to the configured endpoint instead.
  cache.sqs ??= instrument(new SQSClient({ ...withCredentials(), useQueueUrlAsEndpoint: !config.sqsEndpoint() }));
  return cache.sqs;
}

export function batch(): BatchClient {
  cache.batch ??= instrument(new BatchClient(withCredentials()));
  return cache.batch;
}

/**
 * EventBridge, for job state change events (core/events.ts). They are published on the write path
 * of API requests and are best effort, so a slow or unreachable EventBridge costs seconds, not the request.
 */
export function eventBridge(): EventBridgeClient {
  cache.eventBridge ??= instrument(
    new EventBridgeClient({
      ...withCredentials(),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    }),
  );
  return cache.eventBridge;
}

/** Forgets the clients (tests that change endpoints between cases). */
export function resetClients(): void {
  cache = {};
}
