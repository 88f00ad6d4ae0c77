/** The part of SQS's SDK that request paths use, loaded at first use by `sqsSdk()` (clients.ts; see s3-sdk.ts). */
export { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
