/**
 * The background-work state machine (core/usecases/work.ts) against mocked DynamoDB and Batch:
 * what dispatch submits, claims and terminates, and how Batch state change events become record
 * updates — every update conditional, carrying the event's rank so stale events cannot regress.
 */
import { BatchClient, SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { limitEnvNames } from '../../core/limits';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients } from '../../core/aws/clients';
import type { Dataset, TrainingJob } from '../../core/records/types';
import { envNames, tableKeys } from '../../core/topology';
import {
  applyBatchEvent,
  dispatch,
  recordSubmission,
  submitBatchJob,
  type BatchJobDetail,
} from '../../core/usecases/work';

const ddbMock = mockClient(DynamoDBDocumentClient);
const batchMock = mockClient(BatchClient);

const TENANT = 'tenant-a';
const JOB_ID = 'tj_01jzzzzzzzzzzzzzzzzzzzzzzz';
const DATASET_ID = 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz';

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
});

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

/** The record as DynamoDB stores it (with the storage keys the store strips on read). */
const item = (collection: string, record: TrainingJob | Dataset) => ({
  ...record,
  [tableKeys.partitionKey]: `TENANT#${record.tenantId}`,
  [tableKeys.sortKey]: `${collection}#${record.id}`,
  [tableKeys.statusIndex.partitionKey]: `${collection}#${record.status}`,
});

const conditionalFailure = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** The single UpdateCommand sent, with its SET values by attribute name. */
function theUpdate() {
  const calls = ddbMock.commandCalls(UpdateCommand);
  expect(calls).toHaveLength(1);
  const input = calls[0]!.args[0].input;
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const set: Record<string, unknown> = {};
  const setClause = /SET (.*?)(?: REMOVE |$)/.exec(input.UpdateExpression ?? '')?.[1] ?? '';
  for (const assignment of setClause.split(', ').filter(Boolean)) {
    const [name, value] = assignment.split(' = ') as [string, string];
    set[names[name]!] = values[value];
  }
  return { input, set, names, values };
}

const trainParameters = { action: 'train', tenantId: TENANT, recordId: JOB_ID };
const event = (status: string, extra: Partial<BatchJobDetail> = {}): BatchJobDetail => ({
  jobId: 'batch-job-1',
  status,
  parameters: trainParameters,
  ...extra,
});

const work = { collection: 'training-jobs' as const, tenantId: TENANT, recordId: JOB_ID };

describe('dispatch', () => {
  const message = { action: 'train' as const, tenantId: TENANT, recordId: JOB_ID };

  it.each([
    ['already submitted (has a Batch job id)', job({ batchJobId: 'earlier-job' })],
    ['already running', job({ status: 'running' })],
    ['already succeeded', job({ status: 'succeeded' })],
    ['already failed', job({ status: 'failed' })],
    ['cancelled', job({ status: 'cancelled' })],
  ])('skips a record that is %s: no SubmitJob, no update', async (_, record) => {
    ddbMock.on(GetCommand).resolves({ Item: item('training-jobs', record) });
    await expect(dispatch(message)).resolves.toBe('skipped');
    expect(batchMock.commandCalls(SubmitJobCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('skips a record that no longer exists', async () => {
    ddbMock.on(GetCommand).resolves({});
    await expect(dispatch(message)).resolves.toBe('skipped');
    expect(batchMock.commandCalls(SubmitJobCommand)).toHaveLength(0);
  });

  it('skips a dataset that is already ready', async () => {
    ddbMock.on(GetCommand).resolves({ Item: item('datasets', dataset({ status: 'ready' })) });
    await expect(dispatch({ action: 'prepare-dataset', tenantId: TENANT, recordId: DATASET_ID })).resolves.toBe(
      'skipped',
    );
    expect(batchMock.commandCalls(SubmitJobCommand)).toHaveLength(0);
  });

  it('reads the record strongly consistently, in the tenant partition', async () => {
    ddbMock.on(GetCommand).resolves({});
    await dispatch(message);
    const get = ddbMock.commandCalls(GetCommand)[0]!.args[0].input;
    expect(get.ConsistentRead).toBe(true);
    expect(get.Key).toEqual({
      [tableKeys.partitionKey]: `TENANT#${TENANT}`,
      [tableKeys.sortKey]: `training-jobs#${JOB_ID}`,
    });
  });

  it(
    'submits under a deterministic name with the tenant as ' +
      'share identifier, then records the job for its claim only',
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
      ddbMock.on(UpdateCommand).resolves({ Attributes: item('training-jobs', job({ batchJobId: 'batch-job-1' })) });

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
        { name: limitEnvNames.maxDatafileBytes, value: '77' },
        { name: limitEnvNames.maxArchiveEntries, value: '2000' },
        { name: limitEnvNames.maxUncompressedBytes, value: '3000' },
      ]);

      await expect(recordSubmission(work, 'claim-1', 'batch-job-1')).resolves.toBe(true);
      const { input, set, names, values } = theUpdate();
      expect(set).toMatchObject({ batchJobId: 'batch-job-1', dispatchState: 'submitted' });
      expect(input.ConditionExpression).toContain('#claim = :claim AND (attribute_not_exists(#job) OR #job = :job)');
      expect(names).toMatchObject({ '#job': 'batchJobId', '#claim': 'dispatchClaimId' });
      expect(values).toMatchObject({ ':job': 'batch-job-1', ':claim': 'claim-1' });
      expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(0);
    },
  );

  it('terminates its own Batch job when another claim holds the record', async () => {
    ddbMock
      .on(GetCommand)
      .resolves({ Item: item('training-jobs', { ...job(), dispatchClaimId: 'claim-2' } as TrainingJob) });
    batchMock.on(TerminateJobCommand).resolves({});
    ddbMock.on(UpdateCommand).rejects(conditionalFailure());

    await expect(recordSubmission(work, 'claim-1', 'duplicate-job')).resolves.toBe(false);

    const terminate = batchMock.commandCalls(TerminateJobCommand);
    expect(terminate).toHaveLength(1);
    expect(terminate[0]!.args[0].input.jobId).toBe('duplicate-job');
    expect(terminate[0]!.args[0].input.reason).toMatch(/duplicate/);
  });

  it('keeps a job the Batch events already recorded (a fast job), terminating nothing', async () => {
    ddbMock
      .on(GetCommand)
      .resolves({ Item: item('training-jobs', job({ status: 'succeeded', batchJobId: 'batch-job-1' })) });
    ddbMock.on(UpdateCommand).rejects(conditionalFailure());
    await expect(recordSubmission(work, 'claim-1', 'batch-job-1')).resolves.toBe(true);
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(0);
  });

  it('fails (so the claim is given back) when Batch returns no job id', async () => {
    ddbMock.on(GetCommand).resolves({});
    batchMock.on(SubmitJobCommand).resolves({});
    await expect(submitBatchJob('training-jobs', job())).rejects.toThrow(/no job id/);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('applyBatchEvent', () => {
  const givenRecord = (record: TrainingJob | Dataset, collection = 'training-jobs') => {
    ddbMock.on(GetCommand).resolves({ Item: item(collection, record) });
    ddbMock.on(UpdateCommand).resolves({ Attributes: item(collection, record) });
    // The record holds no slots here, so a finished job gives none back (and asks for no dispatch pass).
    ddbMock.on(QueryCommand).resolves({ Items: [] });
  };

  it.each(['SUBMITTED', 'PENDING', 'RUNNABLE'])('%s → queued, attempts untouched', async (status) => {
    givenRecord(job());
    await applyBatchEvent(event(status));
    const { set } = theUpdate();
    expect(set.status).toBe('queued');
    expect(set).not.toHaveProperty('attempts');
    expect(set.batchJobId).toBe('batch-job-1');
  });

  it('STARTING → starting with the attempt number (1 for the first attempt)', async () => {
    givenRecord(job());
    await applyBatchEvent(event('STARTING'));
    const { set } = theUpdate();
    expect(set.status).toBe('starting');
    expect(set.attempts).toBe(1);
  });

  it('STARTING after one finished attempt → attempt 2', async () => {
    givenRecord(job({ status: 'running', attempts: 1, batchJobId: 'batch-job-1' }));
    await applyBatchEvent(event('STARTING', { attempts: [{ container: { exitCode: 1 } }] }));
    const { set } = theUpdate();
    expect(set.status).toBe('starting');
    expect(set.attempts).toBe(2);
  });

  it('RUNNING → running, with startedAt on the first run', async () => {
    givenRecord(job({ status: 'starting', attempts: 1 }));
    await applyBatchEvent(event('RUNNING'));
    const { set } = theUpdate();
    expect(set.status).toBe('running');
    expect(set.attempts).toBe(1);
    expect(typeof set.startedAt).toBe('string');
  });

  it('RUNNING of a retry keeps the first startedAt', async () => {
    givenRecord(job({ status: 'starting', attempts: 2, startedAt: now }));
    await applyBatchEvent(event('RUNNING', { attempts: [{ container: { exitCode: 1 } }] }));
    const { set } = theUpdate();
    expect(set.status).toBe('running');
    expect(set).not.toHaveProperty('startedAt');
  });

  it('datasets use their own names for the phases (STARTING → processing)', async () => {
    givenRecord(dataset(), 'datasets');
    await applyBatchEvent({
      jobId: 'batch-job-1',
      status: 'STARTING',
      parameters: { action: 'prepare-dataset', tenantId: TENANT, recordId: DATASET_ID },
    });
    const { input, set } = theUpdate();
    expect(input.Key).toEqual({
      [tableKeys.partitionKey]: `TENANT#${TENANT}`,
      [tableKeys.sortKey]: `datasets#${DATASET_ID}`,
    });
    expect(set.status).toBe('processing');
  });

  it('SUCCEEDED without a model → failed, with a reason', async () => {
    givenRecord(job({ status: 'running', attempts: 1 }));
    await applyBatchEvent(event('SUCCEEDED', { attempts: [{ container: { exitCode: 0 } }] }));
    const { set } = theUpdate();
    expect(set.status).toBe('failed');
    expect(set.error).toMatch(/without recording a result/);
    expect(typeof set.finishedAt).toBe('string');
  });

  it('SUCCEEDED with a model → succeeded, no error', async () => {
    givenRecord(job({ status: 'running', attempts: 1, model: { key: 'k', iteration: 10, bytes: 5 } }));
    await applyBatchEvent(event('SUCCEEDED', { attempts: [{ container: { exitCode: 0 } }] }));
    const { set } = theUpdate();
    expect(set.status).toBe('succeeded');
    expect(set).not.toHaveProperty('error');
    expect(typeof set.finishedAt).toBe('string');
  });

  it('SUCCEEDED of a dataset without preparedAt → failed', async () => {
    givenRecord(dataset({ status: 'processing' }), 'datasets');
    await applyBatchEvent({
      jobId: 'batch-job-1',
      status: 'SUCCEEDED',
      parameters: { action: 'prepare-dataset', tenantId: TENANT, recordId: DATASET_ID },
    });
    expect(theUpdate().set.status).toBe('failed');
  });

  it("FAILED keeps the worker's own error (does not overwrite it)", async () => {
    givenRecord(job({ status: 'running', attempts: 1, error: 'Caffe failed: Unknown layer type: Bogus' }));
    await applyBatchEvent(
      event('FAILED', {
        attempts: [{ container: { exitCode: 3 }, statusReason: 'Essential container in task exited' }],
      }),
    );
    const { set } = theUpdate();
    expect(set.status).toBe('failed');
    expect(set).not.toHaveProperty('error');
    expect(set.attempts).toBe(1);
  });

  it("FAILED without a worker error records Batch's reason and exit code", async () => {
    givenRecord(job({ status: 'running', attempts: 3 }));
    await applyBatchEvent(
      event('FAILED', {
        attempts: [
          { container: { exitCode: 1 } },
          { container: { exitCode: 1 } },
          {
            container: { exitCode: 137, reason: 'OutOfMemoryError' },
            statusReason: 'Essential container in task exited',
          },
        ],
      }),
    );
    const { set } = theUpdate();
    expect(set.status).toBe('failed');
    expect(set.attempts).toBe(3);
    expect(set.error).toMatch(/Essential container in task exited/);
    expect(set.error).toMatch(/OutOfMemoryError/);
    expect(set.error).toMatch(/exit code 137/);
  });

  it('every update is conditional on the Batch job and carries the event rank', async () => {
    givenRecord(job());
    await applyBatchEvent(event('RUNNING'));
    const { input, set, names, values } = theUpdate();
    expect(input.ConditionExpression).toContain('attribute_exists(#pk)');
    expect(input.ConditionExpression).toContain('(attribute_not_exists(#job) OR #job = :job)');
    expect(input.ConditionExpression).toContain('(attribute_not_exists(#rank) OR #rank < :rank)');
    expect(names['#rank']).toBe('batchEventRank');
    expect(names['#job']).toBe('batchJobId');
    expect(values[':job']).toBe('batch-job-1');
    expect(values[':rank']).toBe(set.batchEventRank);
  });

  it('ranks grow along the life cycle and across attempts, so a late event can never win the condition', async () => {
    const rankOf = async (status: string, finishedAttempts: number) => {
      ddbMock.reset();
      givenRecord(job());
      await applyBatchEvent(
        event(status, { attempts: Array.from({ length: finishedAttempts }, () => ({ container: { exitCode: 1 } })) }),
      );
      return theUpdate().values[':rank'] as number;
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

  it('a stale event whose condition fails is dropped quietly', async () => {
    ddbMock.on(GetCommand).resolves({
      Item: item('training-jobs', job({ status: 'running', batchEventRank: 13 } as Partial<TrainingJob>)),
    });
    ddbMock.on(UpdateCommand).rejects(conditionalFailure());
    await expect(applyBatchEvent(event('STARTING'))).resolves.toBeUndefined();
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it.each(['succeeded', 'failed', 'cancelled'] as const)('a %s record is never touched again', async (status) => {
    givenRecord(job({ status }));
    await applyBatchEvent(event('RUNNING'));
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('ignores events that are not ours (no parameters, unknown action, unknown status)', async () => {
    givenRecord(job());
    await applyBatchEvent({ jobId: 'x', status: 'RUNNING' });
    await applyBatchEvent({
      jobId: 'x',
      status: 'RUNNING',
      parameters: { action: 'mine-bitcoin', tenantId: TENANT, recordId: JOB_ID },
    });
    await applyBatchEvent(event('EXPLODED'));
    expect(ddbMock.commandCalls(GetCommand)).toHaveLength(0);
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('ignores events for a record that does not exist', async () => {
    ddbMock.on(GetCommand).resolves({});
    await applyBatchEvent(event('RUNNING'));
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});
