/** The dispatcher handler: a message it cannot handle fails alone (partial batch response), the rest succeed. */
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients } from '../../../../core/aws/clients';
import { envNames, tableKeys } from '../../../../core/topology';
import { handler } from '../../../../lambdas/events/dispatcher';
import { lambdaContext } from '../../../../local/lambda-context';

const ddbMock = mockClient(DynamoDBDocumentClient);

beforeAll(() => {
  process.env[envNames.table] = 'test-table';
  process.env.AWS_REGION = 'us-east-1';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  resetClients();
});

const sqsRecord = (messageId: string, body: string) => ({ messageId, body }) as SQSEvent['Records'][number];

it(
  'reports only the unreadable message and the one whose ' + 'record could not be read; a missing record is done',
  async () => {
    ddbMock
      .on(GetCommand, { Key: { [tableKeys.partitionKey]: 'TENANT#t', [tableKeys.sortKey]: 'training-jobs#broken' } })
      .rejects(new Error('throttled'));
    ddbMock
      .on(GetCommand, { Key: { [tableKeys.partitionKey]: 'TENANT#t', [tableKeys.sortKey]: 'training-jobs#gone' } })
      .resolves({});
    ddbMock.on(UpdateCommand).resolves({});
    const event = {
      Records: [
        sqsRecord('unreadable', '{"action":"train"'),
        sqsRecord('broken', JSON.stringify({ action: 'train', tenantId: 't', recordId: 'broken' })),
        sqsRecord('gone', JSON.stringify({ action: 'train', tenantId: 't', recordId: 'gone' })),
      ],
    };
    const result = await handler(event, lambdaContext('dispatcher'));
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'unreadable' }, { itemIdentifier: 'broken' }] });
    // The reason stays on the record that failed, for the dead-letter handler to fail it with.
    const notes = ddbMock.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.Key).toEqual({
      [tableKeys.partitionKey]: 'TENANT#t',
      [tableKeys.sortKey]: 'training-jobs#broken',
    });
    expect(Object.values(notes[0]!.ExpressionAttributeValues ?? {})).toContain('Error: throttled');
  },
);
