/** Messages on the jobs queue: every unit of background work goes through it to the dispatcher. */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { sqs } from './aws/clients';
import { requireEnv } from './env';
import { envNames, workerActions } from './topology';

export const workMessageSchema = z.object({
  action: z.enum(workerActions),
  tenantId: z.string().min(1),
  recordId: z.string().min(1),
});
export type WorkMessage = z.infer<typeof workMessageSchema>;

/** Queues work for the dispatcher. */
export async function enqueueWork(message: WorkMessage): Promise<void> {
  await sqs().send(new SendMessageCommand({ QueueUrl: requireEnv(envNames.jobsQueueUrl), MessageBody: JSON.stringify(message) }));
}
