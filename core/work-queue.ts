/** Messages on the jobs queue: every unit of background work goes through it to the dispatcher. */
import { config } from './config';
import { z } from 'zod';
import { sqsSdk } from './aws/clients';
import { workerActions } from './topology';

export const workMessageSchema = z.object({
  action: z.enum(workerActions),
  tenantId: z.string().min(1),
  recordId: z.string().min(1),
  /** How many times the work has already waited for capacity (the dispatcher's backoff). */
  capacityWaits: z.number().int().min(0).optional(),
});
export type WorkMessage = z.infer<typeof workMessageSchema>;

/**
 * "Capacity may have freed up": sent when a Batch job finishes, an admin raises a limit, or the
 * reconciler repaired something, so the dispatcher chooses the next waiting work within seconds.
 */
export const dispatchPassMessageSchema = z.object({ dispatchPass: z.literal(true), reason: z.string().optional() });
export type DispatchPassMessage = z.infer<typeof dispatchPassMessageSchema>;

export const queueMessageSchema = z.union([workMessageSchema, dispatchPassMessageSchema]);
export type QueueMessage = z.infer<typeof queueMessageSchema>;

/** Queues work for the dispatcher; `delaySeconds` (≤ 900, SQS's limit) hides it that long first. */
export async function enqueueWork(message: WorkMessage, delaySeconds?: number): Promise<void> {
  await send(message, delaySeconds);
}

/** Asks the dispatcher for a pass over all waiting work. */
export async function requestDispatchPass(reason: string): Promise<void> {
  await send({ dispatchPass: true, reason });
}

async function send(message: QueueMessage, delaySeconds?: number): Promise<void> {
  const { client, sdk } = await sqsSdk();
  await client.send(
    new sdk.SendMessageCommand({
      QueueUrl: config.jobsQueueUrl(),
      MessageBody: JSON.stringify(message),
      ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}),
    }),
  );
}
