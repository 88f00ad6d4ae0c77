/**
 * The stack's EventBridge bus, locally: a small HTTP server speaking the one call the service
 * makes, PutEvents (AWS JSON 1.1, `X-Amz-Target: AWSEvents.PutEvents`), so the real
 * @aws-sdk/client-eventbridge talks to it through AWS_ENDPOINT_URL_EVENTBRIDGE. Events are appended
 * to a JSON Lines file in the shape EventBridge delivers them to targets, and the recent ones are
 * kept in memory for tests. No rules or targets: users of the real bus wire those themselves.
 */
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as path from 'node:path';

/** An event as EventBridge delivers it to a target. */
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export interface LocalEventBusOptions {
  /** The bus name entries must address (by name or ARN). */
  busName: string;
  /** JSON Lines file every accepted event is appended to. */
  file: string;
  /** Called for each accepted event (after it is stored). */
  onEvent?: (event: BusEvent) => void;
  /** How many recent events `events()` keeps. */
  keep?: number;
}

export interface LocalEventBus {
  /** For AWS_ENDPOINT_URL_EVENTBRIDGE. */
  endpoint: string;
  busName: string;
  /** Recent events, oldest first. */
  events(): BusEvent[];
  close(): Promise<void>;
}

/** PutEvents' limits, as AWS enforces them. */
const maxEntries = 10;
const maxRequestBytes = 256 * 1024;
const account = '000000000000';

interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Resources?: string[];
  Time?: number | string;
}
type EntryResult = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

export async function startEventBus(options: LocalEventBusOptions): Promise<LocalEventBus> {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const recent: BusEvent[] = [];
  const keep = options.keep ?? 1000;
  // Appends are chained so the file keeps the order the events were accepted in.
  let written: Promise<void> = Promise.resolve();

  const addresses = (name: string | undefined) => {
    const bus = name ?? 'default';
    return bus === options.busName || bus.endsWith(`:event-bus/${options.busName}`);
  };

  function accept(entry: PutEventsEntry): { result: EntryResult; event?: BusEvent } {
    if (!addresses(entry.EventBusName))
      return {
        result: {
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${entry.EventBusName ?? 'default'} does not exist.`,
        },
      };
    const missing = (['Source', 'DetailType', 'Detail'] as const).filter(
      (key) => typeof entry[key] !== 'string' || !entry[key],
    );
    if (missing.length)
      return {
        result: { ErrorCode: 'InvalidArgument', ErrorMessage: `Parameter(s) ${missing.join(', ')} not specified.` },
      };
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail!);
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return { result: { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } };
    const time =
      entry.Time === undefined ? new Date() : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType!,
      source: entry.Source!,
      account,
      time: (Number.isNaN(time.getTime()) ? new Date() : time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    return { result: { EventId: event.id }, event };
  }

  async function putEvents(body: { Entries?: PutEventsEntry[] }): Promise<unknown> {
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > maxEntries)
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: ` +
          `Member must have length between 1 and ${maxEntries}`,
      );
    const accepted = entries.map(accept);
    const events = accepted.flatMap(({ event }) => (event ? [event] : []));
    if (events.length) {
      written = written.then(() =>
        appendFile(options.file, events.map((event) => `${JSON.stringify(event)}\n`).join('')),
      );
      await written;
      recent.push(...events);
      recent.splice(0, Math.max(0, recent.length - keep));
      for (const event of events) options.onEvent?.(event);
    }
    const results = accepted.map(({ result }) => result);
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof AwsError) return reply(res, 400, { __type: error.type, message: error.message });
      console.error('[eventbridge]', error);
      reply(res, 500, { __type: 'InternalException', message: (error as Error).message });
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const target = req.headers['x-amz-target'];
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      chunks.push(chunk as Buffer);
    }
    if (req.method !== 'POST')
      throw new AwsError('UnknownOperationException', `${req.method} is not supported; EventBridge takes POST`);
    if (target !== 'AWSEvents.PutEvents')
      throw new AwsError(
        'UnknownOperationException',
        `the local event bus implements AWSEvents.PutEvents only, not ${String(target)}`,
      );
    if (size > maxRequestBytes)
      throw new AwsError(
        'ValidationException',
        `the request is ${size} bytes; PutEvents takes at most ${maxRequestBytes}`,
      );
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      throw new AwsError('SerializationException', 'the request body is not JSON');
    }
    reply(res, 200, await putEvents(body as { Entries?: PutEventsEntry[] }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    busName: options.busName,
    events: () => [...recent],
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await written.catch(() => undefined);
    },
  };
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

/** The local stack's bus name (EVENT_BUS_NAME). */
export const localEventBusName = 'elastic-caffe-local';

/**
 * The local stack's bus, recording to `<home>/events.jsonl`; `printed` shows one console line per event
 * (ELASTIC_CAFFE_LOG_LEVEL=INFO).
 */
export function startLocalEventBus(home: string, printed: boolean): Promise<LocalEventBus> {
  return startEventBus({
    busName: localEventBusName,
    file: path.join(home, 'events.jsonl'),
    ...(printed ? { onEvent: printEvent } : {}),
  });
}

/** One console line per job state change (`npm start` with ELASTIC_CAFFE_LOG_LEVEL=INFO). */
export function printEvent(event: BusEvent): void {
  const { collection, id, tenantId, status, previousStatus, correlationId } = event.detail as Record<
    string,
    string | undefined
  >;
  console.log(
    `[event] ${event['detail-type']}: ${collection}/${id} (${tenantId}) ` +
      `${previousStatus ?? 'new'} → ${status}${correlationId ? ` [${correlationId}]` : ''}`,
  );
}
