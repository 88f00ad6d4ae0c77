/**
 * AWS SDK v3 clients, created once per process. Endpoints come from the standard
 * `AWS_ENDPOINT_URL_<SERVICE>` variables, so the same code talks to AWS or to the local cloud.
 *
 * Code on a request path reaches S3, SQS and EventBridge through `s3Sdk()`, `sqsSdk()` and
 * `eventBridgeSdk()`, which load the client and the commands request paths use (s3-sdk.ts, sqs-sdk.ts,
 * eventbridge-sdk.ts) at the first call, and import nothing else of those SDKs: a function's bundle
 * keeps each in a file of its own (packaging/bundle.ts), loaded by the first request that calls the
 * service, not at every cold start. Code off the request path (the worker, the local cloud, tests) may
 * take the S3 and SQS clients synchronously from eager-clients.ts, which imports their SDKs up front.
 */
import { BatchClient } from '@aws-sdk/client-batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
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

type S3Sdk = typeof import('./s3-sdk');
type SqsSdk = typeof import('./sqs-sdk');
type EventBridgeSdk = typeof import('./eventbridge-sdk');

/**
 * The S3 client, made once from the SDK's class however the caller imported it; path-style when an
 * emulator endpoint is configured (no DNS tricks locally).
 */
export function s3From(Client: S3Sdk['S3Client']): S3Client {
  cache.s3 ??= instrument(
    new Client({
      ...withCredentials(),
      forcePathStyle: Boolean(config.s3Endpoint()),
      // Local S3 emulators don't speak the aws-chunked checksum encoding; AWS accepts either.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
  return cache.s3;
}

/** S3's SDK module, loaded at the first call, and the client (see the top of this file). */
export async function s3Sdk(): Promise<{ client: S3Client; sdk: S3Sdk }> {
  const sdk = await import('./s3-sdk');
  return { client: s3From(sdk.S3Client), sdk };
}

/** The SQS client, made once from the SDK's class however the caller imported it. */
export function sqsFrom(Client: SqsSdk['SQSClient']): SQSClient {
  // Emulators return queue URLs with made-up hosts; send to the configured endpoint instead.
  cache.sqs ??= instrument(new Client({ ...withCredentials(), useQueueUrlAsEndpoint: !config.sqsEndpoint() }));
  return cache.sqs;
}

/** SQS's SDK module, loaded at the first call, and the client (see the top of this file). */
export async function sqsSdk(): Promise<{ client: SQSClient; sdk: SqsSdk }> {
  const sdk = await import('./sqs-sdk');
  return { client: sqsFrom(sdk.SQSClient), sdk };
}

export function batch(): BatchClient {
  cache.batch ??= instrument(new BatchClient(withCredentials()));
  return cache.batch;
}

/**
 * EventBridge's SDK module, loaded at the first call, and the client, for job state change events
 * (core/events.ts). They are published on the write path of API requests and are best effort, so a
 * slow or unreachable EventBridge costs seconds, not the request.
 */
export async function eventBridgeSdk(): Promise<{ client: EventBridgeClient; sdk: EventBridgeSdk }> {
  const sdk = await import('./eventbridge-sdk');
  cache.eventBridge ??= instrument(
    new sdk.EventBridgeClient({
      ...withCredentials(),
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
    }),
  );
  return { client: cache.eventBridge, sdk };
}

/** Forgets the clients (tests that change endpoints between cases). */
export function resetClients(): void {
  cache = {};
}
