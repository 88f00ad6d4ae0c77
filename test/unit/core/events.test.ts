/**
 * Job state change events (core/events.ts) and the store's hook (core/records/store.ts): the
 * detail's shape, which writes publish, what happens when publishing fails, and the correlation
 * id a request stamps on the records it creates. DynamoDB and EventBridge are mocked; the metrics
 * are read from the EMF lines Powertools prints.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients } from '../../../core/aws/clients';
import { withCorrelationId } from '../../../core/correlation';
import { jobStateChange, resetEventTools } from '../../../core/events';
import * as records from '../../../core/records/store';
import type { TrainingJob } from '../../../core/records/types';
import { envNames, jobEvents, serviceMetrics, tableKeys } from '../../../core/topology';
import { emfLines } from '../../support/emf';

const ddbMock = mockClient(DynamoDBDocumentClient);
const eventsMock = mockClient(EventBridgeClient);

const TENANT = 'tenant-a';
const JOB_ID = 'tj_01jzzzzzzzzzzzzzzzzzzzzzzz';
const BUS = 'test-bus';
const created = '2024-01-01T00:00:00.000Z';

function job(overrides: Partial<TrainingJob> = {}): TrainingJob {
  return {
    id: JOB_ID,
    tenantId: TENANT,
    name: 'first',
    solverId: 'sv_01jzzzzzzzzzzzzzzzzzzzzzzz',
    datasetId: 'ds_01jzzzzzzzzzzzzzzzzzzzzzzz',
    status: 'queued',
    attempts: 0,
    progress: { iteration: 0, maxIterations: 100, testOutputs: {} },
    createdAt: created,
    updatedAt: created,
    ...overrides,
  };
}

/** The item as DynamoDB holds it (storage keys included). */
const item = (record: TrainingJob) => ({
  ...record,
  [tableKeys.partitionKey]: `TENANT#${record.tenantId}`,
  [tableKeys.sortKey]: `training-jobs#${record.id}`,
  [tableKeys.statusIndex.partitionKey]: `training-jobs#${record.status}`,
});

/** Details of the events sent to EventBridge, in order. */
const sentEvents = () =>
  eventsMock.commandCalls(PutEventsCommand).flatMap((call) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      ...entry,
      Detail: JSON.parse(entry.Detail ?? '{}') as Record<string, unknown>,
    })),
  );

beforeAll(() => {
  process.env[envNames.table] = 'test-table';
  process.env.AWS_REGION = 'us-east-1';
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR'; // the publish-failure warnings are expected here
});

beforeEach(() => {
  ddbMock.reset();
  eventsMock.reset();
  eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  process.env[envNames.eventBus] = BUS;
  resetClients();
  resetEventTools();
});

describe('the event detail', () => {
  it('names the record, its tenant, the new and previous status, the correlation id and the time', () => {
    const record = job({ status: 'running', correlationId: 'req-1', updatedAt: '2024-01-01T00:01:00.000Z' });
    expect(jobStateChange('training-jobs', record, 'starting')).toEqual({
      collection: 'training-jobs',
      tenantId: TENANT,
      id: JOB_ID,
      status: 'running',
      previousStatus: 'starting',
      name: 'first',
      correlationId: 'req-1',
      time: '2024-01-01T00:01:00.000Z',
    });
  });

  it('carries the error of a failed record, and only of a failed one', () => {
    expect(jobStateChange('training-jobs', job({ status: 'failed', error: 'bad net' }), 'running')).toMatchObject({
      status: 'failed',
      error: 'bad net',
    });
    expect(
      jobStateChange('training-jobs', job({ status: 'running', error: 'an old error' }), 'starting'),
    ).not.toHaveProperty('error');
  });

  it('leaves out what a new record does not have: no previous status, no name', () => {
    const change = jobStateChange('training-jobs', job({ name: undefined }));
    expect(change).toBeDefined();
    expect(change).not.toHaveProperty('previousStatus');
    expect(change).not.toHaveProperty('name');
  });

  it('is no event when the status did not change, the record has no status, or the collection is not work', () => {
    expect(jobStateChange('training-jobs', job({ status: 'queued' }), 'queued')).toBeUndefined();
    expect(jobStateChange('solvers', { id: 'sv_1', tenantId: TENANT })).toBeUndefined();
    expect(jobStateChange('classifiers', { id: 'cl_1', tenantId: TENANT, status: 'ready' } as never)).toBeUndefined();
  });
});

describe('status writes publish through the store', () => {
  it(
    'an update that changes the status publishes one event ' + 'with the previous status, and returns the new record',
    async () => {
      ddbMock.on(UpdateCommand).resolves({ Attributes: item(job({ status: 'starting', correlationId: 'req-1' })) });

      const updated = await records.update('training-jobs', TENANT, JOB_ID, {
        set: { status: 'running', attempts: 1 },
        remove: ['error'],
      });

      const [call] = ddbMock.commandCalls(UpdateCommand);
      expect(call!.args[0].input.ReturnValues).toBe('ALL_OLD');
      expect(updated).toMatchObject({ status: 'running', attempts: 1, correlationId: 'req-1', name: 'first' });
      expect(updated).not.toHaveProperty(tableKeys.statusIndex.partitionKey);
      const events = sentEvents();
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        EventBusName: BUS,
        Source: jobEvents.source,
        DetailType: jobEvents.detailType,
      });
      expect(events[0]!.Detail).toMatchObject({
        collection: 'training-jobs',
        tenantId: TENANT,
        id: JOB_ID,
        status: 'running',
        previousStatus: 'starting',
        correlationId: 'req-1',
      });
      expect(events[0]!.Detail.time).toBe(updated!.updatedAt);
    },
  );

  it('an update without a status, or writing the same status again, publishes nothing', async () => {
    ddbMock.on(UpdateCommand).resolves({ Attributes: item(job({ status: 'queued' })) });
    await records.update('training-jobs', TENANT, JOB_ID, { set: { batchJobId: 'b-1' } });
    await records.update('training-jobs', TENANT, JOB_ID, { set: { status: 'queued' } });
    expect(ddbMock.commandCalls(UpdateCommand)[0]!.args[0].input.ReturnValues).toBe('ALL_NEW');
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('a lost condition publishes nothing', async () => {
    const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
    ddbMock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect(await records.update('training-jobs', TENANT, JOB_ID, { set: { status: 'running' } })).toBeUndefined();
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('a record created inside a request carries its correlation id, in the item and the event', async () => {
    ddbMock.on(PutCommand).resolves({});
    await withCorrelationId('req-42', () => records.putNew('training-jobs', job()));
    expect(ddbMock.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({
      correlationId: 'req-42',
      status: 'queued',
    });
    const [event] = sentEvents();
    expect(event!.Detail).toMatchObject({ status: 'queued', correlationId: 'req-42' });
    expect(event!.Detail).not.toHaveProperty('previousStatus');
  });

  it('without EVENT_BUS_NAME nothing is published and the write still happens', async () => {
    delete process.env[envNames.eventBus];
    ddbMock.on(UpdateCommand).resolves({ Attributes: item(job({ status: 'starting' })) });
    expect(await records.update('training-jobs', TENANT, JOB_ID, { set: { status: 'running' } })).toMatchObject({
      status: 'running',
    });
    expect(eventsMock.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('a failed PutEvents never fails the write: it is counted in JobEventPublishFailures', async () => {
    eventsMock.on(PutEventsCommand).rejects(new Error('EventBridge is down'));
    ddbMock.on(UpdateCommand).resolves({ Attributes: item(job({ status: 'starting' })) });
    let updated: unknown;
    const lines = await emfLines(async () => {
      updated = await records.update('training-jobs', TENANT, JOB_ID, { set: { status: 'running' } });
    });
    expect(updated).toMatchObject({ status: 'running' });
    expect(lines.some((line) => line[serviceMetrics.eventPublishFailures] === 1)).toBe(true);
  });

  it('an entry EventBridge refuses counts as a failure too', async () => {
    eventsMock
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    ddbMock.on(UpdateCommand).resolves({ Attributes: item(job({ status: 'starting' })) });
    const lines = await emfLines(() => records.update('training-jobs', TENANT, JOB_ID, { set: { status: 'running' } }));
    expect(lines.some((line) => line[serviceMetrics.eventPublishFailures] === 1)).toBe(true);
  });

  it.each([
    ['succeeded', 'succeeded'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
  ])('reaching %s counts one FinishedJobs with outcome %s', async (status, outcome) => {
    ddbMock.on(UpdateCommand).resolves({ Attributes: item(job({ status: 'running' })) });
    const lines = await emfLines(() => records.update('training-jobs', TENANT, JOB_ID, { set: { status } }));
    const finished = lines.filter((line) => serviceMetrics.finished in line);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ outcome, service: 'elastic-caffe', [serviceMetrics.finished]: 1 });
    expect(JSON.stringify(finished[0]!._aws)).toContain(serviceMetrics.namespace);
  });

  it('a dataset becoming ready finishes with outcome succeeded; a running status counts nothing', async () => {
    ddbMock.on(UpdateCommand).resolves({
      Attributes: { ...item(job()), [tableKeys.sortKey]: 'datasets#ds_1', id: 'ds_1', status: 'processing' },
    });
    const ready = await emfLines(() => records.update('datasets', TENANT, 'ds_1', { set: { status: 'ready' } }));
    expect(ready.filter((line) => serviceMetrics.finished in line).map((line) => line.outcome)).toEqual(['succeeded']);
    ddbMock.on(UpdateCommand).resolves({ Attributes: item(job({ status: 'starting' })) });
    const running = await emfLines(() =>
      records.update('training-jobs', TENANT, JOB_ID, { set: { status: 'running' } }),
    );
    expect(running.filter((line) => serviceMetrics.finished in line)).toEqual([]);
  });
});
