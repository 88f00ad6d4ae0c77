/**
 * The stack's event sources, wired locally to the same event functions: the EventBridge rule for Batch job state
 * changes, the S3 notification for datafile uploads, the SQS event sources of the jobs queue and its dead-letter
 * queue, and the schedules (job metrics, reconciler).
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../core/aws/eager-clients';
import { batchStateChangePattern, datafileObjectName, eventFunctionName } from '../core/topology';
import type { BatchStateChangeEvent } from './batch';
import type { Emulators } from './emulators';
import type { EventFunction, LocalHandlers } from './handlers';
import type { LocalResources } from './resources';
import { localNames } from './resources';
import { pollQueue, repeat } from './runtime';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * The EventBridge rule: Batch state changes of our job queue only. The Batch emulator starts before the job queue
 * exists (the queue is created through it), so the rule learns its queue once the resources are made.
 */
export function batchStateChangeRule(handlers: LocalHandlers) {
  let jobQueueArn = '';
  return {
    forJobQueue(arn: string): void {
      jobQueueArn = arn;
    },
    async deliver(event: BatchStateChangeEvent): Promise<void> {
      const matches =
        batchStateChangePattern.source.includes(event.source) &&
        batchStateChangePattern.detailType.includes(event['detail-type']) &&
        event.detail.jobQueue === jobQueueArn;
      if (matches) await handlers.deliver('batchStateChange', event);
    },
  };
}

/** The S3 notification: object created under tenants/ with the datafile suffix. */
export function connectUploadNotification(emulators: Emulators, handlers: LocalHandlers): void {
  emulators.onS3Event((event) => {
    const record = event.Records[0];
    if (!record?.eventName.startsWith('ObjectCreated') || record.s3.bucket.name !== localNames.bucket) return;
    const key = record.s3.object.key;
    if (key.startsWith('tenants/') && key.endsWith(`/${datafileObjectName}`))
      void handlers.deliver('uploadReceived', event);
  });
}

/**
 * The queues' event sources: the jobs queue into the dispatcher, and the dead-letter queue into the dead-letter
 * function (poison messages fail their records; fauxqs moves them after maxReceiveCount).
 */
export async function startQueuePollers(resources: LocalResources, handlers: LocalHandlers): Promise<Stoppable> {
  const poll = async (queueUrl: string, key: EventFunction) => {
    const { Attributes } = await sqs().send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    return pollQueue(queueUrl, Attributes?.QueueArn ?? '', handlers.event(key), eventFunctionName(key));
  };
  const pollers = [
    await poll(resources.queueUrl, 'dispatcher'),
    await poll(resources.deadLetterQueueUrl, 'deadLetter'),
  ];
  return { stop: async () => void (await Promise.all(pollers.map((poller) => poller.stop()))) };
}

/**
 * The stack's schedules: the job-metrics function every minute (its EMF lines show with ELASTIC_CAFFE_LOG_LEVEL=INFO),
 * and the reconciler every `reconcileIntervalMs` (the stack's is every minute; more often locally so repairs show
 * within seconds; 0 turns it off).
 */
export function startSchedules(handlers: LocalHandlers, reconcileIntervalMs: number): Stoppable {
  const jobMetrics = setInterval(() => void handlers.deliver('jobMetrics', {}, 1), 60_000).unref();
  const reconciler = repeat(reconcileIntervalMs, () =>
    handlers.deliver('reconciler', { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} }, 1),
  );
  return {
    async stop() {
      clearInterval(jobMetrics);
      await reconciler.stop();
    },
  };
}
