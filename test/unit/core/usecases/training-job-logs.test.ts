/**
 * The log's long poll (core/usecases/training-job-logs.ts) against mocked DynamoDB and S3: it
 * waits for bytes past the end only while the function has time left (`answerBy`), so a slow
 * machine ends the wait with an empty window instead of a timed-out function (a 500).
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients } from '../../../../core/aws/clients';
import { envNames } from '../../../../core/topology';
import { readTrainingJobLog } from '../../../../core/usecases/training-job-logs';

const ddbMock = mockClient(DynamoDBDocumentClient);
const s3Mock = mockClient(S3Client);
const runningJob = {
  id: 'tj_1',
  tenantId: 't',
  status: 'running',
  createdAt: '2026-12-06T00:00:00Z',
  updatedAt: '2026-12-06T00:00:00Z',
};

beforeAll(() => {
  process.env[envNames.bucket] = 'test-bucket';
  process.env[envNames.table] = 'test-table';
  process.env.AWS_REGION = 'us-east-1';
  resetClients();
});
beforeEach(() => {
  ddbMock.reset();
  s3Mock.reset();
  ddbMock.on(GetCommand).resolves({ Item: runningJob });
  s3Mock.on(HeadObjectCommand).resolves({ ContentLength: 100 });
});

it('a wait the function has no time left for answers at once: empty, not complete, same offset', async () => {
  const window = await readTrainingJobLog('t', 'tj_1', {
    range: { start: 100 },
    limit: 1000,
    waitSeconds: 20,
    answerBy: Date.now() - 1,
  });
  expect(window).toMatchObject({ start: 100, nextOffset: 100, size: 100, complete: false });
  expect(window.bytes.length).toBe(0);
  // Read once, never polled again.
  expect(ddbMock.commandCalls(GetCommand)).toHaveLength(1);
  expect(s3Mock.commandCalls(HeadObjectCommand)).toHaveLength(1);
});

it('with time left, it keeps polling for the length of the wait', async () => {
  const window = readTrainingJobLog('t', 'tj_1', {
    range: { start: 100 },
    limit: 1000,
    waitSeconds: 1,
    answerBy: Date.now() + 60_000,
  });
  await expect(window).resolves.toMatchObject({ nextOffset: 100, complete: false });
  expect(ddbMock.commandCalls(GetCommand).length).toBeGreaterThan(1);
});
