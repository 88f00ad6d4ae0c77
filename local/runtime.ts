/**
 * What Lambda's event sources do on AWS, done locally: poll the jobs queue into the dispatcher
 * (same SQSEvent shape, partial batch responses honoured), and deliver EventBridge and S3 events
 * to their handlers with retries.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { invokedAs } from '../core/aws/call-log';
import { sqs } from '../core/aws/eager-clients';
import { jobsQueue } from '../core/topology';
import { lambdaContext, type AsyncHandler } from './lambda-context';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the queue until stopped; each batch of messages is one invocation of the handler `name`
 * (the dispatcher, or the dead-letter handler for the DLQ). Lambda polls with the function's own
 * role, so the polling calls are the function's too.
 */
export function pollQueue(
  queueUrl: string,
  queueArn: string,
  dispatcher: AsyncHandler,
  name: string,
): { stop(): Promise<void> } {
  let running = true;
  const loop = invokedAs(name, async () => {
    while (running) {
      try {
        const { Messages = [] } = await sqs().send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: jobsQueue.batchSize,
            WaitTimeSeconds: jobsQueue.receiveWaitSeconds,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        if (!Messages.length) continue;
        const event: SQSEvent = {
          Records: Messages.map((m) => ({
            messageId: m.MessageId!,
            receiptHandle: m.ReceiptHandle!,
            body: m.Body ?? '',
            attributes: (m.Attributes ?? {}) as SQSEvent['Records'][number]['attributes'],
            messageAttributes: {},
            md5OfBody: m.MD5OfBody ?? '',
            eventSource: 'aws:sqs',
            eventSourceARN: queueArn,
            awsRegion: process.env.AWS_REGION ?? 'us-east-1',
          })),
        };
        const result = (await dispatcher(event, lambdaContext(name, jobsQueue.dispatcherTimeoutSeconds * 1000))) as
          | SQSBatchResponse
          | undefined;
        const failed = new Set(result?.batchItemFailures.map((f) => f.itemIdentifier));
        const done = event.Records.filter((r) => !failed.has(r.messageId));
        // Failed messages stay: they come back after the visibility timeout, then go to the DLQ.
        if (done.length)
          await sqs().send(
            new DeleteMessageBatchCommand({
              QueueUrl: queueUrl,
              Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
            }),
          );
      } catch (error) {
        if (running) console.error('[runtime] queue poll failed:', (error as Error).message);
        await sleep(1000);
      }
    }
  });
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Invokes an event handler the way EventBridge and S3 do: asynchronously, retried with backoff on failure. */
export async function deliver(name: string, handler: AsyncHandler, event: unknown, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await handler(event, lambdaContext(name));
      return;
    } catch (error) {
      if (attempt >= attempts) {
        console.error(`[runtime] ${name} failed ${attempts} times, event dropped:`, (error as Error).message);
        return;
      }
      await sleep(200 * 2 ** attempt);
    }
  }
}

/**
 * Runs `task` every `intervalMs` (a schedule), never two at once; `intervalMs` 0 runs nothing.
 * stop() waits for a run in progress.
 */
export function repeat(intervalMs: number, task: () => Promise<void>): { stop(): Promise<void> } {
  let stopped = intervalMs <= 0;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const schedule = () => {
    if (!stopped) timer = setTimeout(() => (current = task().finally(schedule)), intervalMs);
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
