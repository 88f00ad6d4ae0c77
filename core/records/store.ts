/**
 * Records in the single DynamoDB table. The partition key is the tenant, so no query can cross
 * tenants by accident; the sort key is `<collection>#<id>` and ids are ULIDs, so a reverse query
 * lists newest first. Every state change is a conditional write (dynalite has no transactions).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../aws/clients';
import { requireEnv } from '../env';
import { NotFoundError, ValidationError } from '../errors';
import type { Collection } from '../routes';
import { envNames, tableKeys } from '../topology';
import type { RecordsByCollection } from './types';

const table = (): string => requireEnv(envNames.table);
const pk = (tenantId: string) => `TENANT#${tenantId}`;
const sk = (collection: Collection, id: string) => `${collection}#${id}`;
const singular: Record<Collection, string> = {
  datafiles: 'datafile',
  datasets: 'dataset',
  solvers: 'solver',
  'training-jobs': 'training job',
};
/** Table attributes that are storage details, never part of a record. */
const storageAttributes = [tableKeys.partitionKey, tableKeys.sortKey, tableKeys.statusIndex.partitionKey] as const;

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

/** Stores a new record; fails if the id exists (never overwrites). */
export async function putNew<C extends Collection>(collection: C, record: RecordsByCollection[C]): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: table(),
      Item: toItem(collection, record),
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': tableKeys.partitionKey },
    }),
  );
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

/** The tenant's record; another tenant's id is indistinguishable from a missing one (404). */
export async function get<C extends Collection>(collection: C, tenantId: string, id: string): Promise<RecordsByCollection[C]> {
  const record = await find(collection, tenantId, id);
  if (!record) throw new NotFoundError(singular[collection], id);
  return record;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** One page of the tenant's records in a collection, newest first. */
export async function list<C extends Collection>(
  collection: C,
  tenantId: string,
  options: { limit: number; cursor?: string },
): Promise<Page<RecordsByCollection[C]>> {
  const { Items = [], LastEvaluatedKey } = await ddb().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': tableKeys.partitionKey, '#sk': tableKeys.sortKey },
      ExpressionAttributeValues: { ':pk': pk(tenantId), ':prefix': `${collection}#` },
      ScanIndexForward: false,
      Limit: options.limit,
      ExclusiveStartKey: options.cursor ? decodeCursor(options.cursor, tenantId, collection) : undefined,
    }),
  );
  const page: Page<RecordsByCollection[C]> = { items: Items.map((item) => fromItem<C>(item)) };
  if (LastEvaluatedKey) page.nextCursor = Buffer.from(String(LastEvaluatedKey[tableKeys.sortKey])).toString('base64url');
  return page;
}

/** A cursor only names a position inside the caller's own partition and collection. */
function decodeCursor(cursor: string, tenantId: string, collection: Collection) {
  const position = Buffer.from(cursor, 'base64url').toString();
  if (!position.startsWith(`${collection}#`)) throw new ValidationError(`cursor "${cursor}" is not valid for ${collection}`);
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
  try {
    const { Attributes } = await ddb().send(
      new UpdateCommand({
        TableName: table(),
        Key: { [tableKeys.partitionKey]: pk(tenantId), [tableKeys.sortKey]: sk(collection, id) },
        UpdateExpression: expression,
        ConditionExpression: ['attribute_exists(#pk)', change.condition].filter(Boolean).join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes ? fromItem<C>(Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** Records of a collection in a status, across tenants (the status index; for recovery and dispatch). */
export async function findByStatus<C extends Collection>(collection: C, status: string): Promise<RecordsByCollection[C][]> {
  const found: RecordsByCollection[C][] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: table(),
        IndexName: tableKeys.statusIndex.name,
        KeyConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#status': tableKeys.statusIndex.partitionKey },
        ExpressionAttributeValues: { ':status': `${collection}#${status}` },
        ExclusiveStartKey: start,
      }),
    );
    found.push(...(page.Items ?? []).map((item) => fromItem<C>(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return found;
}
