/**
 * Worker slots: one item per unit of capacity in use, `slot#global#<n>` for the global limit and
 * `slot#tenant#<tenant>#<n>` for the tenant's, each naming the work that holds it.
 *
 * Why items and not counters: dynalite has no transactions, so a counter and the record it counts
 * can never change together, and a crash between the two leaves a count that is wrong forever. A
 * slot is taken with one conditional put (`attribute_not_exists`: two dispatchers can never take
 * the same one) and given back with one conditional delete (only by its holder: giving back twice
 * is harmless). "How many run" is then "how many slot items exist" — one strongly consistent
 * query — and a slot left behind by a crash names its holder, so the reconciler can check that
 * work and free the slot when the work no longer needs it.
 */
import { config } from '../config';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../aws/clients';
import { queryAll } from '../aws/query';
import type { WorkCollection } from '../records/types';
import { tableKeys } from '../topology';
import { capacityPartition } from './capacity';

/** The work a slot is held for. */
export interface WorkRef {
  collection: WorkCollection;
  tenantId: string;
  recordId: string;
}

export interface Slot {
  sortKey: string;
  scope: 'global' | 'tenant';
  /** The tenant of a tenant slot. */
  tenantId?: string;
  index: number;
  holder: string;
  heldSince: string;
}

const table = () => config.table();
const { partitionKey: pk, sortKey: sk } = tableKeys;

/**
 * The name stored on a slot: the work and the claim (one attempt of a dispatcher to start it).
 * The claim matters: two dispatchers racing for the same record must each give back only what
 * they took, and the reconciler knows a slot is still needed only while the record's current
 * claim is the slot's.
 */
const workPrefix = (work: WorkRef) => `${work.collection}#${work.tenantId}#${work.recordId}#`;
export const holderOf = (work: WorkRef, claimId: string): string => `${workPrefix(work)}${claimId}`;
export function parseHolder(holder: string): WorkRef & { claimId: string } {
  const [collection, tenantId, recordId, claimId] = holder.split('#');
  return { collection: collection as WorkCollection, tenantId: tenantId!, recordId: recordId!, claimId: claimId ?? '' };
}

const pad = (n: number) => String(n).padStart(5, '0');
const globalPrefix = 'slot#global#';
const tenantPrefix = (tenant: string) => `slot#tenant#${tenant}#`;

function parse(item: Record<string, unknown>): Slot {
  const key = String(item[sk]);
  const parts = key.split('#');
  const index = Number(parts.at(-1));
  const base = { sortKey: key, index, holder: String(item.holder), heldSince: String(item.heldSince) };
  return parts[1] === 'global'
    ? { ...base, scope: 'global' }
    : { ...base, scope: 'tenant', tenantId: parts.slice(2, -1).join('#') };
}

/** The items of the capacity partition whose sort key starts with `prefix` (strongly consistent). */
function capacityItems(prefix: string): Promise<Record<string, unknown>[]> {
  return queryAll({
    TableName: table(),
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
    ExpressionAttributeValues: { ':pk': capacityPartition, ':prefix': prefix },
    ConsistentRead: true,
  });
}

/** Every slot in use (strongly consistent). */
export async function listSlots(): Promise<Slot[]> {
  return (await capacityItems('slot#')).map(parse);
}

/** What is running, from the slots: in total and per tenant. */
export interface Usage {
  global: number;
  byTenant: Record<string, number>;
}
export function usageOf(slots: Slot[]): Usage {
  const byTenant: Record<string, number> = {};
  let global = 0;
  for (const slot of slots) {
    if (slot.scope === 'global') global++;
    else byTenant[slot.tenantId!] = (byTenant[slot.tenantId!] ?? 0) + 1;
  }
  return { global, byTenant };
}

async function putSlot(sortKey: string, holder: string): Promise<boolean> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: table(),
        Item: { [pk]: capacityPartition, [sk]: sortKey, holder, heldSince: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': pk },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Takes a free slot below `limit` in one scope, unless the holder has one there already (a retry
 * after a crash must not take a second). Fewer than `limit` slots in use is required too: after
 * an admin lowered the limit, slots above it stay held by running work until it finishes.
 */
async function acquireIn(prefix: string, limit: number, holder: string, inUse: Slot[]): Promise<string | undefined> {
  const mine = inUse.find((slot) => slot.sortKey.startsWith(prefix) && slot.holder === holder);
  if (mine) return mine.sortKey;
  const taken = inUse.filter((slot) => slot.sortKey.startsWith(prefix));
  if (taken.length >= limit) return undefined;
  const takenIndexes = new Set(taken.map((slot) => slot.index));
  for (let index = 0; index < limit; index++) {
    if (takenIndexes.has(index)) continue;
    if (await putSlot(`${prefix}${pad(index)}`, holder)) return `${prefix}${pad(index)}`;
  }
  return undefined;
}

/**
 * Takes the work's tenant slot, then a global slot; false (holding neither) when either limit is
 * reached. The tenant slot comes first so a tenant at its own limit never blocks a global slot.
 */
export async function acquireSlots(
  work: WorkRef,
  claimId: string,
  limits: { maxWorkers: number; tenantLimit: number },
  inUse?: Slot[],
): Promise<boolean> {
  const holder = holderOf(work, claimId);
  const slots = inUse ?? (await listSlots());
  const tenantSlot = await acquireIn(tenantPrefix(work.tenantId), limits.tenantLimit, holder, slots);
  if (!tenantSlot) return false;
  const globalSlot = await acquireIn(globalPrefix, limits.maxWorkers, holder, slots);
  if (globalSlot) return true;
  await releaseSlot(tenantSlot, holder);
  return false;
}

/** Gives a slot back, only if this holder has it. */
export async function releaseSlot(sortKey: string, holder: string): Promise<boolean> {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: table(),
        Key: { [pk]: capacityPartition, [sk]: sortKey },
        ConditionExpression: '#holder = :holder',
        ExpressionAttributeNames: { '#holder': 'holder' },
        ExpressionAttributeValues: { ':holder': holder },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Gives back the slots the work holds (under one claim, or under any); true when it held any. */
export async function releaseSlotsOf(work: WorkRef, claimId?: string): Promise<boolean> {
  const matches = (holder: string) =>
    claimId === undefined ? holder.startsWith(workPrefix(work)) : holder === holderOf(work, claimId);
  let released = false;
  for (const slot of (await listSlots()).filter((s) => matches(s.holder)))
    released = (await releaseSlot(slot.sortKey, slot.holder)) || released;
  return released;
}

const lastStartPrefix = 'last-start#';

/** When each tenant last had work started (the scheduler's round robin among equally busy tenants). */
export async function readLastStarts(): Promise<Record<string, string>> {
  const starts: Record<string, string> = {};
  for (const item of await capacityItems(lastStartPrefix))
    starts[String(item[sk]).slice(lastStartPrefix.length)] = String(item.at);
  return starts;
}

/** Notes that the tenant had work started now (last writer wins: it is an ordering hint, not a count). */
export async function noteStart(tenantId: string): Promise<string> {
  const at = new Date().toISOString();
  await ddb().send(
    new PutCommand({
      TableName: table(),
      Item: { [pk]: capacityPartition, [sk]: `${lastStartPrefix}${tenantId}`, at },
    }),
  );
  return at;
}

/** Forgets when a deleted tenant last had work started. */
export async function forgetStarts(tenantId: string): Promise<void> {
  await ddb().send(
    new DeleteCommand({ TableName: table(), Key: { [pk]: capacityPartition, [sk]: `${lastStartPrefix}${tenantId}` } }),
  );
}
