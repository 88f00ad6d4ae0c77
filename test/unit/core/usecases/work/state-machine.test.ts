/**
 * The background-work state machine (core/usecases/work/) against the in-memory work store and a
 * mocked Batch: what dispatch submits, claims and terminates, and how Batch state change events
 * become record updates — stale, duplicate and out-of-order events change nothing. DynamoDB is
 * mocked only for what is not the work store (the tenant's limits, the worker slots).
 */
import { BatchClient, SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients } from '../../../../../core/aws/clients';
import type { Dataset, TrainingJob, WorkCollection } from '../../../../../core/records/types';
import { envNames } from '../../../../../core/topology';
import type { Usage } from '../../../../../core/usage';
import { applyBatchEvent, type BatchJobDetail } from '../../../../../core/usecases/work/batch-events';
import { submitBatchJob } from '../../../../../core/usecases/work/batch-jobs';
import { recordSubmission } from '../../../../../core/usecases/work/dispatch';
import { dispatch } from '../../../../../core/usecases/work/queue-messages';
import { useWorkStore } from '../../../../../core/usecases/work/store';
import { MemoryWorkStore } from '../../../../support/memory-work-store';

const ddbMock = mockClient(DynamoDBDocumentClient);
const batchMock = mockClient(BatchClient);

const TENANT = 'tenant-a';
const JOB_ID = 'tj_01jzzzzzzzzzzzzzzzzzzzzzzz';
const DATASET_ID = 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz';

let store: MemoryWorkStore;

beforeAll(() => {
  process.env[envNames.table] = 'test-table';
  process.env[envNames.batchJobQueue] = 'arn:aws:batch:us-east-1:000000000000:job-queue/q';
  process.env[envNames.batchJobDefinition] = 'arn:aws:batch:us-east-1:000000000000:job-definition/d:1';
  process.env.AWS_REGION = 'us-east-1';
  resetClients();
});

beforeEach(() => {
  ddbMock.reset();
  batchMock.reset();
  // No worker slots are held: a finished job gives none back (and asks for no dispatch pass).
  ddbMock.on(QueryCommand).resolves({ Items: [] });
  store = new MemoryWorkStore();
  useWorkStore(store);
});

afterAll(() => useWorkStore());

const now = '2024-01-01T00:00:00.000Z';

function job(overrides: Partial<TrainingJob> = {}): TrainingJob {
  return {
    id: JOB_ID,
    tenantId: TENANT,
    solverId: 'sv_01jzzzzzzzzzzzzzzzzzzzzzzz',
    datasetId: DATASET_ID,
    status: 'queued',
    attempts: 0,
    progress: { iteration: 0, maxIterations: 100, testOutputs: {} },
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

function dataset(overrides: Partial<Dataset> = {}): Dataset {
  return {
    id: DATASET_ID,
    tenantId: TENANT,
    status: 'pending',
    training: { datafileId: 'df_1', splitPercentage: 0.8 },
    testing: { datafileId: 'df_1', splitPercentage: 0.2 },
    attempts: 0,
    createdAt: now,
    updatedAt: now,
    ...overrides,
  };
}

const work = { collection: 'training-jobs' as const, tenantId: TENANT, recordId: JOB_ID };
const datasetWork = { collection: 'datasets' as const, tenantId: TENANT, recordId: DATASET_ID };
/** The training job as stored now. */
const stored = () => store.get(work)!;

const trainParameters = { action: 'train', tenantId: TENANT, recordId: JOB_ID };
const event = (status: string, extra: Partial<BatchJobDetail> = {}): BatchJobDetail => ({
  jobId: 'batch-job-1',
  status,
  parameters: trainParameters,
  ...extra,
});
const failedAttempts = (n: number) => Array.from({ length: n }, () => ({ container: { exitCode: 1 } }));

describe('dispatch', () => {
  const message = { action: 'train' as const, tenantId: TENANT, recordId: JOB_ID };

  it.each([
    ['already submitted (has a Batch job id)', job({ batchJobId: 'earlier-job' })],
    ['already running', job({ status: 'running' })],
    ['already succeeded', job({ status: 'succeeded' })],
    ['already failed', job({ status: 'failed' })],
    ['cancelled', job({ status: 'cancelled' })],
  ])('skips a record that is %s: no SubmitJob, no change', async (_, record) => {
    store.put('training-jobs', record);
    await expect(dispatch(message)).resolves.toBe('skipped');
    expect(batchMock.commandCalls(SubmitJobCommand)).toHaveLength(0);
    expect(stored()).toEqual(record);
    expect(await store.findWaiting()).toEqual([]);
  });

  it('skips a record that no longer exists', async () => {
    await expect(dispatch(message)).resolves.toBe('skipped');
    expect(batchMock.commandCalls(SubmitJobCommand)).toHaveLength(0);
  });

  it('skips a dataset that is already ready', async () => {
    store.put('datasets', dataset({ status: 'ready' }));
    await expect(dispatch({ action: 'prepare-dataset', tenantId: TENANT, recordId: DATASET_ID })).resolves.toBe(
      'skipped',
    );
    expect(batchMock.commandCalls(SubmitJobCommand)).toHaveLength(0);
  });

  it(
    'submits under a deterministic name, the tenant as share identifier; ' + 'records the job for its claim only',
    async () => {
      // The admin's limits: a default, and this tenant's own largest datafile.
      const limits = {
        maxDatafileBytes: 1000,
        maxArchiveEntries: 2000,
        maxUncompressedBytes: 3000,
        maxQueuedJobs: 4,
        maxStorageBytes: 5000,
      };
      ddbMock.on(GetCommand).resolves({ Item: { default: limits, tenants: { [TENANT]: { maxDatafileBytes: 77 } } } });
      batchMock.on(SubmitJobCommand).resolves({ jobId: 'batch-job-1', jobName: 'x', jobArn: 'arn' });
      store.put('training-jobs', { ...job(), dispatchState: 'claimed', dispatchClaimId: 'claim-1' } as TrainingJob);

      await expect(submitBatchJob('training-jobs', job())).resolves.toBe('batch-job-1');
      const submit = batchMock.commandCalls(SubmitJobCommand)[0]!.args[0].input;
      expect(submit.jobName).toBe(`train-${JOB_ID}`);
      expect(submit.shareIdentifier).toBe('tenanta');
      expect(submit.parameters).toEqual(trainParameters);
      expect(submit.jobQueue).toBe(process.env[envNames.batchJobQueue]);
      expect(submit.jobDefinition).toBe(process.env[envNames.batchJobDefinition]);
      expect(submit.tags).toEqual({ tenantId: TENANT, recordId: JOB_ID });
      // The worker gets the tenant's limits with the job: it cannot read the settings itself.
      expect(submit.containerOverrides?.environment).toEqual([
        { name: envNames.maxDatafileBytes, value: '77' },
        { name: envNames.maxArchiveEntries, value: '2000' },
        { name: envNames.maxUncompressedBytes, value: '3000' },
      ]);

      // Another claim cannot record a job on it; the claim that holds it can.
      batchMock.on(TerminateJobCommand).resolves({});
      await expect(recordSubmission(work, 'claim-0', 'other-job')).resolves.toBe(false);
      expect(stored().batchJobId).toBeUndefined();
      await expect(recordSubmission(work, 'claim-1', 'batch-job-1')).resolves.toBe(true);
      expect(stored()).toMatchObject({ batchJobId: 'batch-job-1', dispatchState: 'submitted' });
      expect(batchMock.commandCalls(TerminateJobCommand).map((call) => call.args[0].input.jobId)).toEqual([
        'other-job',
      ]);
    },
  );

  it.each([
    [{ type: 'GPU' as const }, undefined],
    [{ type: 'CPU' as const }, undefined],
    [
      { type: 'GPU' as const, count: 4 as const },
      [
        { type: 'GPU', value: '4' },
        { type: 'VCPU', value: '16' },
        { type: 'MEMORY', value: '60000' },
      ],
    ],
  ])('a job asking for %j overrides the job definition resources with %j', async (resources, expected) => {
    ddbMock.on(GetCommand).resolves({});
    batchMock.on(SubmitJobCommand).resolves({ jobId: 'batch-job-1' });
    await submitBatchJob('training-jobs', job({ resources }));
    const submit = batchMock.commandCalls(SubmitJobCommand)[0]!.args[0].input;
    expect(submit.containerOverrides?.resourceRequirements).toEqual(expected);
    // Without a CPU queue, CPU jobs share the GPU queue (as locally).
    expect(submit.jobQueue).toBe(process.env[envNames.batchJobQueue]);
  });

  it('terminates its own Batch job when another claim holds the record', async () => {
    store.put('training-jobs', { ...job(), dispatchClaimId: 'claim-2' } as TrainingJob);
    batchMock.on(TerminateJobCommand).resolves({});

    await expect(recordSubmission(work, 'claim-1', 'duplicate-job')).resolves.toBe(false);

    const terminate = batchMock.commandCalls(TerminateJobCommand);
    expect(terminate).toHaveLength(1);
    expect(terminate[0]!.args[0].input.jobId).toBe('duplicate-job');
    expect(terminate[0]!.args[0].input.reason).toMatch(/duplicate/);
    expect(stored().batchJobId).toBeUndefined();
  });

  it('terminates the job of a record cancelled while its job was submitted', async () => {
    store.put('training-jobs', { ...job({ status: 'cancelled' }), dispatchClaimId: 'claim-1' } as TrainingJob);
    batchMock.on(TerminateJobCommand).resolves({});
    await expect(recordSubmission(work, 'claim-1', 'late-job')).resolves.toBe(false);
    expect(batchMock.commandCalls(TerminateJobCommand)[0]!.args[0].input.reason).toMatch(/cancelled/);
  });

  it('keeps a job the Batch events already recorded (a fast job), terminating nothing', async () => {
    store.put('training-jobs', job({ status: 'succeeded', batchJobId: 'batch-job-1' }));
    await expect(recordSubmission(work, 'claim-1', 'batch-job-1')).resolves.toBe(true);
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(0);
  });

  it('fails (so the claim is given back) when Batch returns no job id', async () => {
    ddbMock.on(GetCommand).resolves({});
    batchMock.on(SubmitJobCommand).resolves({});
    await expect(submitBatchJob('training-jobs', job())).rejects.toThrow(/no job id/);
  });
});

describe('applyBatchEvent', () => {
  const given = (record: TrainingJob | Dataset, collection: WorkCollection = 'training-jobs') =>
    store.put(collection, record);

  it.each(['SUBMITTED', 'PENDING', 'RUNNABLE'])('%s → queued, attempts untouched', async (status) => {
    given(job());
    await applyBatchEvent(event(status));
    expect(stored()).toMatchObject({ status: 'queued', attempts: 0, batchJobId: 'batch-job-1' });
  });

  it('STARTING → starting with the attempt number (1 for the first attempt)', async () => {
    given(job());
    await applyBatchEvent(event('STARTING'));
    expect(stored()).toMatchObject({ status: 'starting', attempts: 1 });
  });

  it('STARTING after one finished attempt → attempt 2', async () => {
    given(job({ status: 'running', attempts: 1, batchJobId: 'batch-job-1' }));
    await applyBatchEvent(event('STARTING', { attempts: failedAttempts(1) }));
    expect(stored()).toMatchObject({ status: 'starting', attempts: 2 });
  });

  it('RUNNING → running, with startedAt on the first run', async () => {
    given(job({ status: 'starting', attempts: 1 }));
    await applyBatchEvent(event('RUNNING'));
    expect(stored()).toMatchObject({ status: 'running', attempts: 1 });
    expect(typeof stored().startedAt).toBe('string');
  });

  it('RUNNING of a retry keeps the first startedAt', async () => {
    given(job({ status: 'starting', attempts: 2, startedAt: now }));
    await applyBatchEvent(event('RUNNING', { attempts: failedAttempts(1) }));
    expect(stored()).toMatchObject({ status: 'running', startedAt: now });
  });

  it('datasets use their own names for the phases (STARTING → processing)', async () => {
    given(dataset(), 'datasets');
    await applyBatchEvent({
      jobId: 'batch-job-1',
      status: 'STARTING',
      parameters: { action: 'prepare-dataset', tenantId: TENANT, recordId: DATASET_ID },
    });
    expect(store.get(datasetWork)?.status).toBe('processing');
  });

  it('SUCCEEDED without a model → failed, with a reason', async () => {
    given(job({ status: 'running', attempts: 1 }));
    await applyBatchEvent(event('SUCCEEDED', { attempts: [{ container: { exitCode: 0 } }] }));
    expect(stored().status).toBe('failed');
    expect(stored().error).toMatch(/without recording a result/);
    expect(typeof stored().finishedAt).toBe('string');
  });

  it('SUCCEEDED with a model → succeeded, no error', async () => {
    given(job({ status: 'running', attempts: 1, model: { key: 'k', iteration: 10, bytes: 5 } }));
    await applyBatchEvent(event('SUCCEEDED', { attempts: [{ container: { exitCode: 0 } }] }));
    expect(stored().status).toBe('succeeded');
    expect(stored()).not.toHaveProperty('error');
    expect(typeof stored().finishedAt).toBe('string');
  });

  it('SUCCEEDED of a dataset without preparedAt → failed', async () => {
    given(dataset({ status: 'processing' }), 'datasets');
    await applyBatchEvent({
      jobId: 'batch-job-1',
      status: 'SUCCEEDED',
      parameters: { action: 'prepare-dataset', tenantId: TENANT, recordId: DATASET_ID },
    });
    expect(store.get(datasetWork)?.status).toBe('failed');
  });

  describe('usage', () => {
    const t0 = Date.parse('2026-12-01T10:00:00.000Z');
    const ran = (seconds: number) => ({ container: { exitCode: 0 }, startedAt: t0, stoppedAt: t0 + seconds * 1000 });
    const asked = {
      resourceRequirements: [
        { type: 'VCPU', value: '4' },
        { type: 'GPU', value: '1' },
      ],
    };

    afterEach(() => {
      delete process.env[envNames.pricing];
    });

    it("a job's end records every attempt it ran and the estimate from the price table", async () => {
      process.env[envNames.pricing] = JSON.stringify({
        currency: 'USD',
        market: 'spot',
        takenOn: 'test',
        instances: { 'g4dn.xlarge': { vcpus: 4, gpus: 1, onDemand: 0.5, spot: 0.36 } },
      });
      given(job({ status: 'running', attempts: 2, model: { key: 'k', iteration: 10, bytes: 5 } }));
      await applyBatchEvent(event('SUCCEEDED', { attempts: [ran(100), ran(3500)], container: asked }));
      expect(stored().usage).toMatchObject({
        attempts: [
          { batchJobId: 'batch-job-1', attempt: 1, runningSeconds: 100, vcpus: 4, gpus: 1 },
          { batchJobId: 'batch-job-1', attempt: 2, runningSeconds: 3500, vcpus: 4, gpus: 1 },
        ],
        billableSeconds: 3600,
        estimatedCost: { amount: 0.36, currency: 'USD', market: 'spot' },
      });
    });

    it('a cancelled job keeps what it used until it stopped, though its status stays cancelled', async () => {
      given(job({ status: 'cancelled', attempts: 1, batchJobId: 'batch-job-1' }));
      await applyBatchEvent(event('FAILED', { attempts: [ran(42)], container: asked }));
      expect(stored()).toMatchObject({ status: 'cancelled', usage: { billableSeconds: 42 } });
      expect(stored().usage).not.toHaveProperty('estimatedCost');
    });

    it("a lost job's attempts stay when its successor ends, and a repeated event adds nothing", async () => {
      given(job({ status: 'running', attempts: 1, model: { key: 'k', iteration: 10, bytes: 5 } }));
      const lost = { ...event('FAILED', { attempts: [ran(30)], container: asked }), jobId: 'lost-job' };
      await applyBatchEvent(lost);
      await applyBatchEvent(event('SUCCEEDED', { attempts: [ran(60)], container: asked }));
      await applyBatchEvent(event('SUCCEEDED', { attempts: [ran(60)], container: asked }));
      const usage = stored().usage as Usage;
      expect(usage.attempts.map((attempt) => attempt.batchJobId)).toEqual(['lost-job', 'batch-job-1']);
      expect(usage.billableSeconds).toBe(90);
    });
  });

  it("FAILED keeps the worker's own error (does not overwrite it)", async () => {
    const error = 'Caffe failed: Unknown layer type: Bogus';
    given(job({ status: 'running', attempts: 1, error }));
    await applyBatchEvent(
      event('FAILED', {
        attempts: [{ container: { exitCode: 3 }, statusReason: 'Essential container in task exited' }],
      }),
    );
    expect(stored()).toMatchObject({ status: 'failed', error, attempts: 1 });
  });

  it("FAILED without a worker error records Batch's reason and exit code", async () => {
    given(job({ status: 'running', attempts: 3 }));
    await applyBatchEvent(
      event('FAILED', {
        attempts: [
          ...failedAttempts(2),
          {
            container: { exitCode: 137, reason: 'OutOfMemoryError' },
            statusReason: 'Essential container in task exited',
          },
        ],
      }),
    );
    expect(stored()).toMatchObject({ status: 'failed', attempts: 3 });
    expect(stored().error).toMatch(/Essential container in task exited/);
    expect(stored().error).toMatch(/OutOfMemoryError/);
    expect(stored().error).toMatch(/exit code 137/);
  });

  it('an event of another Batch job than the record’s changes nothing', async () => {
    const record = job({ status: 'running', attempts: 1, batchJobId: 'the-real-job' });
    given(record);
    await applyBatchEvent(event('FAILED', { jobId: 'stray-job', attempts: failedAttempts(1) }));
    expect(stored()).toEqual(record);
  });

  it('an event for a record waiting again (its claim was given back) changes nothing', async () => {
    const record = { ...job(), dispatchState: 'waiting' } as TrainingJob;
    given(record);
    await applyBatchEvent(event('RUNNING'));
    expect(stored()).toEqual(record);
  });

  it('ranks grow along the life cycle and across attempts, so a late event can never win', async () => {
    const rankOf = async (status: string, finishedAttempts: number) => {
      store = new MemoryWorkStore();
      useWorkStore(store);
      given(job());
      await applyBatchEvent(event(status, { attempts: failedAttempts(finishedAttempts) }));
      return stored().batchEventRank!;
    };
    const sequence = [
      await rankOf('SUBMITTED', 0),
      await rankOf('STARTING', 0),
      await rankOf('RUNNING', 0),
      await rankOf('STARTING', 1), // the retry: attempt 2
      await rankOf('RUNNING', 1),
      await rankOf('FAILED', 2),
    ];
    for (let i = 1; i < sequence.length; i++) expect(sequence[i]!).toBeGreaterThan(sequence[i - 1]!);
    // SUBMITTED and RUNNABLE are the same phase: a duplicate cannot pass the strict `<`.
    expect(await rankOf('RUNNABLE', 0)).toBe(sequence[0]);
    // The final event of an attempt outranks every earlier event of it.
    expect(await rankOf('SUCCEEDED', 1)).toBeGreaterThan(await rankOf('RUNNING', 0));
  });

  it('a stale event (lower rank than the last applied) is dropped quietly', async () => {
    given(job({ status: 'running', attempts: 1 }));
    await applyBatchEvent(event('RUNNING'));
    const running = stored();
    await expect(applyBatchEvent(event('STARTING'))).resolves.toBeUndefined();
    await applyBatchEvent(event('RUNNING'));
    expect(stored()).toEqual(running);
  });

  it.each(['succeeded', 'failed', 'cancelled'] as const)('a %s record is never touched again', async (status) => {
    given(job({ status }));
    await applyBatchEvent(event('RUNNING'));
    expect(stored()).toEqual(job({ status }));
  });

  it('ignores events that are not ours (no parameters, unknown action, unknown status)', async () => {
    given(job());
    await applyBatchEvent({ jobId: 'x', status: 'RUNNING' });
    await applyBatchEvent({
      jobId: 'x',
      status: 'RUNNING',
      parameters: { action: 'mine-bitcoin', tenantId: TENANT, recordId: JOB_ID },
    });
    await applyBatchEvent(event('EXPLODED'));
    expect(stored()).toEqual(job());
  });

  it('ignores events for a record that does not exist', async () => {
    await applyBatchEvent(event('RUNNING'));
    expect(stored()).toBeUndefined();
  });
});
