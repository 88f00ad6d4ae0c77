/**
 * The job-metrics function: how unfinished work is counted (queued, running, per tenant, the
 * oldest wait) and what it publishes as EMF — against a mocked status index.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Context } from 'aws-lambda';
import { resetClients } from '../../../../core/aws/clients';
import { envNames, serviceMetrics, tableKeys } from '../../../../core/topology';
import { countJobs, phaseOf, type UnfinishedWork } from '../../../../core/usecases/job-metrics';
import { emfLines } from '../../../support/emf';

const ddbMock = mockClient(DynamoDBDocumentClient);
const now = new Date('2024-01-01T01:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

const work = (overrides: Partial<UnfinishedWork>): UnfinishedWork => ({
  collection: 'training-jobs',
  tenantId: 't1',
  status: 'queued',
  createdAt: minutesAgo(1),
  ...overrides,
});

describe('counting unfinished work', () => {
  it('tells waiting work from running work in every collection', () => {
    expect(phaseOf(work({ status: 'queued' }))).toBe('queued');
    expect(phaseOf(work({ status: 'starting' }))).toBe('running');
    expect(phaseOf(work({ status: 'running' }))).toBe('running');
    expect(phaseOf(work({ collection: 'datasets', status: 'pending' }))).toBe('queued');
    expect(phaseOf(work({ collection: 'datasets', status: 'processing' }))).toBe('running');
    expect(phaseOf(work({ collection: 'classify-jobs', status: 'running' }))).toBe('running');
    // Datafiles and solvers keep one status throughout: a Batch attempt that started makes them running.
    expect(phaseOf(work({ collection: 'datafiles', status: 'processing' }))).toBe('queued');
    expect(phaseOf(work({ collection: 'datafiles', status: 'processing', attempts: 1 }))).toBe('running');
    expect(phaseOf(work({ collection: 'solvers', status: 'pending', attempts: 1 }))).toBe('running');
    expect(phaseOf(work({ collection: 'datafiles', status: 'awaiting-upload' }))).toBeUndefined();
  });

  it('counts queued and running across tenants, running per tenant, and the oldest wait', () => {
    const counts = countJobs(
      [
        work({ tenantId: 't1', status: 'running' }),
        work({ tenantId: 't1', collection: 'datasets', status: 'processing' }),
        work({ tenantId: 't2', status: 'starting' }),
        work({ tenantId: 't2', status: 'queued', createdAt: minutesAgo(30) }),
        work({ tenantId: 't3', collection: 'datasets', status: 'pending', createdAt: minutesAgo(5) }),
      ],
      now,
    );
    expect(counts).toEqual({
      queued: 2,
      running: 3,
      runningByTenant: { t1: 2, t2: 1 },
      oldestQueuedAgeSeconds: 30 * 60,
    });
  });

  it('is all zeros when nothing is unfinished', () => {
    expect(countJobs([], now)).toEqual({ queued: 0, running: 0, runningByTenant: {}, oldestQueuedAgeSeconds: 0 });
  });
});

describe('the job-metrics handler', () => {
  /** Items the status index holds, by `statusKey`. */
  let index: Record<string, Array<Record<string, unknown>>>;

  beforeAll(() => {
    process.env[envNames.table] = 'test-table';
    process.env.AWS_REGION = 'us-east-1';
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    resetClients();
  });

  beforeEach(() => {
    index = {};
    ddbMock.reset();
    ddbMock
      .on(QueryCommand)
      .callsFake((input: { IndexName?: string; ExpressionAttributeValues?: Record<string, string> }) => {
        expect(input.IndexName).toBe(tableKeys.statusIndex.name);
        return { Items: index[input.ExpressionAttributeValues?.[':status'] ?? ''] ?? [] };
      });
  });

  const record = (tenantId: string, id: string, createdAt: string, extra: Record<string, unknown> = {}) => ({
    pk: `TENANT#${tenantId}`,
    sk: id,
    tenantId,
    id,
    createdAt,
    ...extra,
  });

  const run = () =>
    emfLines(async () => {
      const { handler } = await import('../../../../lambdas/events/job-metrics');
      await handler({}, { awsRequestId: 'r-1', functionName: 'job-metrics' } as Context);
    });

  it(
    'publishes QueuedJobs, RunningJobs and the oldest wait ' + 'in the namespace, and one TenantRunningJobs per tenant',
    async () => {
      const old = new Date(Date.now() - 600_000).toISOString();
      index['training-jobs#queued'] = [record('t1', 'tj_1', old), record('t2', 'tj_2', new Date().toISOString())];
      index['training-jobs#running'] = [record('t1', 'tj_3', old)];
      index['datasets#processing'] = [record('t2', 'ds_1', old)];
      index['datafiles#processing'] = [record('t2', 'df_1', old, { attempts: 1 })];

      const lines = await run();

      const totals = lines.find((line) => serviceMetrics.queued in line)!;
      expect(totals).toMatchObject({
        [serviceMetrics.queued]: 2,
        [serviceMetrics.running]: 3,
        service: 'elastic-caffe',
      });
      expect(totals[serviceMetrics.oldestQueuedAge]).toBeGreaterThanOrEqual(600);
      expect(JSON.stringify(totals._aws)).toContain(`"Namespace":"${serviceMetrics.namespace}"`);
      const perTenant = lines
        .filter((line) => serviceMetrics.tenantRunning in line)
        .map((line) => [line.tenantId, line[serviceMetrics.tenantRunning]]);
      expect(perTenant.sort()).toEqual([
        ['t1', 1],
        ['t2', 2],
      ]);
    },
  );

  it('publishes nothing while no work is queued or running', async () => {
    expect(await run()).toEqual([]);
  });
});
