/**
 * The S3 and SQS clients with their SDK modules imported up front, for code off a Lambda request path
 * (the worker, the local cloud, tests), which wants them synchronously. A request path uses `s3Sdk()`
 * and `sqsSdk()` (clients.ts) instead, and never imports this module: a function's bundle would then
 * load both SDKs at every cold start. Same clients, same cache, as clients.ts's.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { s3From, sqsFrom } from './clients';

export const s3 = (): S3Client => s3From(S3Client);

export const sqs = (): SQSClient => sqsFrom(SQSClient);
