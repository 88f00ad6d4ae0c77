/**
 * The local EventBridge stand-in (local/eventbridge.ts), driven by the real
 * @aws-sdk/client-eventbridge: accepted events are stored in the delivered shape (in memory and in
 * the JSON Lines file), refused entries are reported per entry, other operations are refused.
 */
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEventBus, type LocalEventBus } from '../../local/eventbridge';

let home: string;
let bus: LocalEventBus;
let client: EventBridgeClient;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'elastic-caffe-bus-'));
  bus = await startEventBus({ busName: 'local-bus', file: path.join(home, 'events.jsonl') });
  client = new EventBridgeClient({
    endpoint: bus.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
  });
});

afterAll(async () => {
  client?.destroy();
  await bus?.close();
  await rm(home, { recursive: true, force: true });
});

it('accepts PutEvents from the real SDK and keeps the events in the shape EventBridge delivers', async () => {
  const result = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'local-bus',
          Source: 'elastic-caffe',
          DetailType: 'Job State Change',
          Detail: JSON.stringify({ id: 'tj_1', status: 'queued' }),
          Time: new Date('2024-01-01T00:00:00Z'),
        },
        {
          EventBusName: 'arn:aws:events:us-east-1:000000000000:event-bus/local-bus',
          Source: 'elastic-caffe',
          DetailType: 'Job State Change',
          Detail: JSON.stringify({ id: 'tj_1', status: 'running' }),
        },
      ],
    }),
  );
  expect(result.FailedEntryCount).toBe(0);
  expect(result.Entries).toHaveLength(2);
  const ids = result.Entries!.map((entry) => entry.EventId);
  expect(ids.every(Boolean)).toBe(true);

  const events = bus.events();
  expect(events.map((event) => event.id)).toEqual(ids);
  expect(events[0]).toMatchObject({
    version: '0',
    source: 'elastic-caffe',
    'detail-type': 'Job State Change',
    time: '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    detail: { id: 'tj_1', status: 'queued' },
  });
  const lines = (await readFile(path.join(home, 'events.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { id: string });
  expect(lines.map((line) => line.id)).toEqual(ids);
});

it(
  'reports entries for another bus or without a JSON ' + 'object detail as failed, and stores only the good ones',
  async () => {
    const before = bus.events().length;
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { EventBusName: 'other-bus', Source: 's', DetailType: 'd', Detail: '{}' },
          { EventBusName: 'local-bus', Source: 's', DetailType: 'd', Detail: 'not json' },
          { EventBusName: 'local-bus', Source: 's', DetailType: 'd' },
          { EventBusName: 'local-bus', Source: 's', DetailType: 'd', Detail: '{"ok":true}' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries!.map((entry) => entry.ErrorCode)).toEqual([
      'ResourceNotFoundException',
      'MalformedDetail',
      'InvalidArgument',
      undefined,
    ]);
    expect(
      bus
        .events()
        .slice(before)
        .map((event) => event.detail),
    ).toEqual([{ ok: true }]);
  },
);

it('refuses more than 10 entries, and any operation but PutEvents, with the error the SDK names', async () => {
  const entries = Array.from({ length: 11 }, () => ({
    EventBusName: 'local-bus',
    Source: 's',
    DetailType: 'd',
    Detail: '{}',
  }));
  await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({
    name: 'ValidationException',
  });
  await expect(client.send(new ListRulesCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException' });
});
