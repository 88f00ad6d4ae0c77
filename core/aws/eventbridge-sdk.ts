/**
 * The part of EventBridge's SDK that request paths use, loaded at first use by `eventBridgeSdk()`
 * (clients.ts; see s3-sdk.ts).
 */
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
