/**
 * Records in the single DynamoDB table. The partition key is the tenant, so no query can cross
 * tenants by accident; the sort key is `<collection>#<id>` and ids are ULIDs, so a reverse query
 * lists newest first. Every state change is a conditional write (dynalite has no transactions).
 */
import { config } from '../config';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ddb } from '../aws/clients';
import { queryAll } from '../aws/query';
import { currentCorrelationId } from '../correlation';
import { NotFoundError, ValidationError } from '../errors';
import { isWorkCollection, jobStateChange, publishJobStateChange } from '../events';
import type { Collection } from '../collections';
import { tableKeys } from '../topology';
import type { RecordsByCollection, WorkCollection } from './types';

const table = (): string => config.table();
const pk = (tenantId: string) => `TENANT#${tenantId}`;
const sk = (collection: Collection, id: string) => `${collection}#${id}`;
const singular: Record<Collection, string> = {
  datafiles: 'datafile',
  datasets: 'dataset',
  solvers: 'solver',
  'training-jobs': 'training job',
  classifiers: 'classifier',
  'classify-jobs': 'classify job',
  models: 'model',
  sweeps: 'sweep',
};
/** Table attributes that are storage details, never part of a record. */
const storageAttributes = [
  tableKeys.partitionKey,
  tableKeys.sortKey,
  tableKeys.statusIndex.partitionKey,
  tableKeys.waitingIndex.partitionKey,
  tableKeys.waitingIndex.sortKey,
] as const;

function toItem<C extends Collection>(collection: C, record: RecordsByCollection[C]) {
  const status = (record as { status?: string }).status;
  return {
    ...record,
    [tableKeys.partitionKey]: pk(record.tenantId),
    [tableKeys.sortKey]: sk(collection, record.id),
    ...(status ? { [tableKeys.statusIndex.partitionKey]: `${collection}#${status}` } : {}),
  };
}

function fromItem<C extends Collection>(item: Record<string, unknown>): RecordsByCollection[C] {
  const record = { ...item };
  for (const attribute of storageAttributes) delete record[attribute];
  return record as unknown as RecordsByCollection[C];
}

/**
 * Stores a new record; fails if the id exists (never overwrites). A record created while serving a
 * request carries that request's correlation id.
 */
export async function putNew<C extends Collection>(collection: C, record: RecordsByCollection[C]): Promise<void> {
  const stamped = { correlationId: currentCorrelationId(), ...record };
  await ddb().send(
    new PutCommand({
      TableName: table(),
      Item: toItem(collection, stamped),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': tableKeys.partitionKey },
    }),
  );
  await announce(collection, stamped);
}

/** Publishes the job state change a successful write made, if it made one (core/events.ts; never throws). */
async function announce(
  collection: Collection,
  record: RecordsByCollection[Collection],
  previousStatus?: string,
): Promise<void> {
  const change = jobStateChange(collection, record, previousStatus);
  if (change) await publishJobStateChange(change);
}

/** The tenant's record, or undefined. Strongly consistent: state machines read their own writes. */
export async function find<C extends Collection>(
  collection: C,
  tenantId: string,
  id: string,
): Promise<RecordsByCollection[C] | undefined> {
  const { Item } = await ddb().send(
    new GetCommand({
      TableName: table(),
      Key: { [tableKeys.partitionKey]: pk(tenantId), [tableKeys.sortKey]: sk(collection, id) },
      ConsistentRead: true,
    }),
  );
  return Item ? fromItem<C>(Item) : undefined;
}

/**
 * The tenant's records with these ids that exist, in no particular order: BatchGetItem, 100 keys a
 * call, asking again for what DynamoDB left unprocessed (it may, under load). Strongly consistent.
 */
export async function findMany<C extends Collection>(
  collection: C,
  tenantId: string,
  ids: string[],
): Promise<Array<RecordsByCollection[C]>> {
  const found: Array<RecordsByCollection[C]> = [];
  const keyOf = (id: string) => ({ [tableKeys.partitionKey]: pk(tenantId), [tableKeys.sortKey]: sk(collection, id) });
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Array<Record<string, unknown>> = unique.slice(start, start + 100).map(keyOf);
    for (let tries = 0; keys.length; tries++) {
      if (tries === 8) throw new Error(`DynamoDB left ${keys.length} keys unprocessed 8 times; try again`);
      if (tries) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * 2 ** tries)));
      const { Responses, UnprocessedKeys } = await ddb().send(
        new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }),
      );
      found.push(...(Responses?.[table()] ?? []).map((item) => fromItem<C>(item)));
      keys = UnprocessedKeys?.[table()]?.Keys ?? [];
    }
  }
  return found;
}

/** The tenant's record; another tenant's id is indistinguishable from a missing one (404). */
export async function get<C extends Collection>(
  collection: C,
  tenantId: string,
  id: string,
): Promise<RecordsByCollection[C]> {
  const record = await find(collection, tenantId, id);
  if (!record) throw new NotFoundError(singular[collection], id);
  return record;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Items read per query when a status filter may discard most of them. */
const filteredScanSize = 100;

/**
 * One page of the tenant's records in a collection, newest first; with `status`, only records in
 * that status. DynamoDB applies a filter after `Limit`, so a filtered query can return fewer items
 * than asked for while more remain: queries continue until the page is full or the collection is
 * exhausted, and the cursor names the last item returned (so nothing is skipped or repeated).
 */
export async function list<C extends Collection>(
  collection: C,
  tenantId: string,
  options: { limit: number; cursor?: string; status?: string },
): Promise<Page<RecordsByCollection[C]>> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined = options.cursor
    ? decodeCursor(options.cursor, tenantId, collection)
    : undefined;
  const filter = options.status === undefined ? {} : { FilterExpression: '#status = :status' };
  for (;;) {
    const remaining = options.limit - items.length;
    const {
      Items = [],
      LastEvaluatedKey,
    }: { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> } = await ddb().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: {
          '#pk': tableKeys.partitionKey,
          '#sk': tableKeys.sortKey,
          ...(options.status === undefined ? {} : { '#status': 'status' }),
        },
        ExpressionAttributeValues: {
          ':pk': pk(tenantId),
          ':prefix': `${collection}#`,
          ...(options.status === undefined ? {} : { ':status': options.status }),
        },
        ...filter,
        ScanIndexForward: false,
        Limit: options.status === undefined ? remaining : Math.max(remaining, filteredScanSize),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...Items.slice(0, remaining));
    const page: Page<RecordsByCollection[C]> = { items: items.map((item) => fromItem<C>(item)) };
    if (Items.length > remaining) return { ...page, nextCursor: encodeCursor(items.at(-1)![tableKeys.sortKey]) };
    if (!LastEvaluatedKey) return page;
    if (items.length === options.limit)
      return { ...page, nextCursor: encodeCursor(LastEvaluatedKey[tableKeys.sortKey]) };
    start = LastEvaluatedKey;
  }
}

const encodeCursor = (sortKey: unknown): string => Buffer.from(String(sortKey)).toString('base64url');

/** A cursor only names a position inside the caller's own partition and collection. */
function decodeCursor(cursor: string, tenantId: string, collection: Collection) {
  const position = Buffer.from(cursor, 'base64url').toString();
  if (!position.startsWith(`${collection}#`))
    throw new ValidationError(`cursor "${cursor}" is not valid for ${collection}`);
  return { [tableKeys.partitionKey]: pk(tenantId), [tableKeys.sortKey]: position };
}

export interface Update {
  /** Attributes to set (undefined values are skipped). */
  set?: Record<string, unknown>;
  remove?: string[];
  /** Extra condition on top of "the record exists", with its own names/values (`#n`, `:v`). */
  condition?: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

/**
 * Conditionally updates a record and returns it, or undefined when the condition did not hold
 * (a lost race or an out-of-date event: callers decide whether that matters).
 */
export async function update<C extends Collection>(
  collection: C,
  tenantId: string,
  id: string,
  change: Update,
): Promise<RecordsByCollection[C] | undefined> {
  const names: Record<string, string> = { '#pk': tableKeys.partitionKey, ...change.names };
  const values: Record<string, unknown> = { ...change.values };
  const sets: string[] = [];
  const set: Record<string, unknown> = { ...change.set, updatedAt: new Date().toISOString() };
  if (typeof set.status === 'string') set[tableKeys.statusIndex.partitionKey] = `${collection}#${set.status}`;
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) continue;
    names[`#s_${key}`] = key;
    values[`:s_${key}`] = value;
    sets.push(`#s_${key} = :s_${key}`);
  }
  const removes = (change.remove ?? []).map((key) => {
    names[`#r_${key}`] = key;
    return `#r_${key}`;
  });
  const expression = [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : '']
    .filter(Boolean)
    .join(' ');
  // A status write on work returns the old item instead of the new one: the job state event needs the
  // previous status, and the new record is the old one with the SETs applied and the REMOVEs removed.
  const setsStatus = typeof set.status === 'string' && isWorkCollection(collection);
  try {
    const { Attributes } = await ddb().send(
      new UpdateCommand({
        TableName: table(),
        Key: { [tableKeys.partitionKey]: pk(tenantId), [tableKeys.sortKey]: sk(collection, id) },
        UpdateExpression: expression,
        ConditionExpression: ['attribute_exists(#pk)', change.condition].filter(Boolean).join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
        ReturnValues: setsStatus ? 'ALL_OLD' : 'ALL_NEW',
      }),
    );
    if (!Attributes) return undefined;
    if (!setsStatus) return fromItem<C>(Attributes);
    const before = fromItem<C>(Attributes);
    const after: Record<string, unknown> = { ...before };
    for (const [key, value] of Object.entries(set))
      if (value !== undefined && key !== tableKeys.statusIndex.partitionKey) after[key] = value;
    for (const key of change.remove ?? []) delete after[key];
    await announce(collection, after as unknown as RecordsByCollection[C], (before as { status?: string }).status);
    return after as unknown as RecordsByCollection[C];
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/**
 * Deletes a record when `condition` (with its own names/values) holds; false when it did not, or
 * the record is already gone.
 */
export async function remove(
  collection: Collection,
  tenantId: string,
  id: string,
  change: Pick<Update, 'condition' | 'names' | 'values'> = {},
): Promise<boolean> {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: table(),
        Key: { [tableKeys.partitionKey]: pk(tenantId), [tableKeys.sortKey]: sk(collection, id) },
        ConditionExpression: ['attribute_exists(#pk)', change.condition].filter(Boolean).join(' AND '),
        ExpressionAttributeNames: { '#pk': tableKeys.partitionKey, ...change.names },
        ExpressionAttributeValues: change.values && Object.keys(change.values).length ? change.values : undefined,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Records of a collection in a status, across tenants (the status index; for recovery and dispatch). */
export async function findByStatus<C extends Collection>(
  collection: C,
  status: string,
): Promise<RecordsByCollection[C][]> {
  const items = await queryAll({
    TableName: table(),
    IndexName: tableKeys.statusIndex.name,
    KeyConditionExpression: '#status = :status',
    ExpressionAttributeNames: { '#status': tableKeys.statusIndex.partitionKey },
    ExpressionAttributeValues: { ':status': `${collection}#${status}` },
  });
  return items.map((item) => fromItem<C>(item));
}

/** The value of the waiting index's partition key: every waiting record has the same one. */
export const waitingKeyValue = 'waiting';

/** A record waiting for a worker, as the waiting index lists it. */
export interface WaitingEntry {
  collection: WorkCollection;
  tenantId: string;
  recordId: string;
  waitingSince: string;
}

/**
 * All work waiting for a worker, oldest first, across tenants (the sparse waiting index: only
 * records the dispatcher marked waiting carry its key). Index reads are eventually consistent on
 * AWS; the dispatcher's claim is conditional, so a stale entry costs one failed claim.
 */
export async function findWaiting(): Promise<WaitingEntry[]> {
  const items = await queryAll({
    TableName: table(),
    IndexName: tableKeys.waitingIndex.name,
    KeyConditionExpression: '#waiting = :waiting',
    ExpressionAttributeNames: { '#waiting': tableKeys.waitingIndex.partitionKey },
    ExpressionAttributeValues: { ':waiting': waitingKeyValue },
  });
  return items.map((item) => {
    const [collection, recordId] = String(item[tableKeys.sortKey]).split('#');
    return {
      collection: collection as WorkCollection,
      tenantId: String(item.tenantId),
      recordId: recordId!,
      waitingSince: String(item[tableKeys.waitingIndex.sortKey]),
    };
  });
}
