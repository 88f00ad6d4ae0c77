/**
 * Poison messages through a real local cloud: a jobs-queue message the dispatcher fails on every
 * time (here: its job asks for a CPU queue Batch does not have) is redelivered until fauxqs moves
 * it to the dead-letter queue after maxReceiveCount receives; the dead-letter handler then fails
 * the record with the reason the dispatcher last recorded. A dead letter for work that finished or
 * was submitted after all changes nothing. The queue's visibility timeout is 1 s here, so the
 * redeliveries take seconds, not the stack's 5 × 3 minutes.
 */
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../../core/aws/eager-clients';
import { newId } from '../../core/ids';
import * as records from '../../core/records/store';
import type { TrainingJob } from '../../core/records/types';
import { envNames, jobsQueue } from '../../core/topology';
import { enqueueWork } from '../../core/work-queue';
import { localNames } from '../../local/resources';
import { startTestCloud, type TestCloud } from '../support/cloud';

jest.setTimeout(5 * 60_000);

const tenant = 'tenant-poison';
let tc: TestCloud;

function trainingJob(overrides: Partial<TrainingJob> = {}): TrainingJob {
  const at = new Date().toISOString();
  return {
    id: newId('training-jobs'),
    tenantId: tenant,
    solverId: newId('solvers'),
    datasetId: newId('datasets'),
    status: 'queued',
    attempts: 0,
    progress: { iteration: 0, maxIterations: 10, testOutputs: {} },
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 3 * 60_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function sendDeadLetter(body: string): Promise<void> {
  const { QueueUrl } = await sqs().send(new GetQueueUrlCommand({ QueueName: localNames.deadLetterQueue }));
  await sqs().send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
}

// This suite points the dispatcher at a job queue no stack has, so that every SubmitJob fails: those are not calls a
// deployed function makes, so the suite records none for npm run check:iam (test/support/record-aws-calls.setup.ts).
delete process.env[envNames.awsCallLog];

beforeAll(async () => {
  tc = await startTestCloud({ jobsQueueVisibilityTimeoutSeconds: 1 });
  // Jobs that ask for the CPU queue go to one Batch does not know: every SubmitJob for them fails.
  process.env[envNames.batchCpuJobQueue] = 'no-such-job-queue';
});

afterAll(async () => {
  delete process.env[envNames.batchCpuJobQueue];
  await tc?.stop();
});

test('a message that keeps failing ends in the DLQ and its record failed, with the reason kept', async () => {
  const job = trainingJob({ resources: { type: 'CPU' } });
  await records.putNew('training-jobs', job);
  await enqueueWork({ action: 'train', tenantId: tenant, recordId: job.id });

  const failed = await until('the record to fail', async () => {
    const record = await records.find('training-jobs', tenant, job.id);
    return record?.status === 'failed' ? record : undefined;
  });
  expect(failed.error).toMatch(
    new RegExp(
      `^the work could not be submitted to AWS Batch after ${jobsQueue.maxReceiveCount} tries: .*no-such-job-queue`,
    ),
  );
  expect(failed.finishedAt).toEqual(expect.any(String));
  expect(failed.batchJobId).toBeUndefined();
  expect(tc.cloud.batch.jobs().filter((j) => j.parameters?.recordId === job.id)).toEqual([]);

  // The API shows the reason, not the internal bookkeeping.
  const view = await (await tc.as(tenant)).request<Record<string, unknown>>('GET', `/v1/training-jobs/${job.id}`);
  expect(view).toMatchObject({ status: 'failed', error: failed.error });
  expect(view).not.toHaveProperty('dispatchError');
});

test('a dead letter for work that finished, or was submitted after all, changes nothing', async () => {
  const done = trainingJob({ status: 'succeeded', model: { key: 'k', iteration: 10, bytes: 1 } });
  const submitted = trainingJob({ status: 'running', batchJobId: 'a-batch-job' });
  for (const job of [done, submitted]) {
    await records.putNew('training-jobs', job);
    await sendDeadLetter(JSON.stringify({ action: 'train', tenantId: tenant, recordId: job.id }));
  }
  // Something unreadable is consumed too (logged), and does not block the queue.
  await sendDeadLetter('not json');
  const marker = trainingJob();
  await records.putNew('training-jobs', marker);
  await sendDeadLetter(JSON.stringify({ action: 'train', tenantId: tenant, recordId: marker.id }));
  // Handled in order after the others: once the marker failed, they were handled.
  await until('the marker to fail', async () =>
    (await records.find('training-jobs', tenant, marker.id))?.status === 'failed' ? true : undefined,
  );
  expect(await records.find('training-jobs', tenant, done.id)).toMatchObject({ status: 'succeeded' });
  expect(await records.find('training-jobs', tenant, submitted.id)).toMatchObject({
    status: 'running',
    batchJobId: 'a-batch-job',
  });
  expect((await records.find('training-jobs', tenant, marker.id))?.error).toMatch(/no reason was recorded$/);
});
