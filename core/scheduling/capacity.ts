/**
 * Capacity: how many Batch jobs may run at once in total (`maxWorkers`) and per tenant
 * (`maxConcurrentJobs`), stored in the table so an admin can change them at run time
 * (GET/PUT /v1/admin/capacity), with defaults from the environment until one does.
 *
 * They live in their own partition (`CAPACITY`), outside every tenant's: no tenant query can see
 * them, and the slots (slots.ts) sit beside them.
 */
import { config, read } from '../config';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ddb } from '../aws/clients';
import { tenantIdSchema } from '../ids';
import { tableKeys } from '../topology';

/** The partition of the capacity settings and the slots. */
export const capacityPartition = 'CAPACITY';
const settingsSortKey = 'settings';

const limit = z.number().int().min(0).max(100_000);

/**
 * The capacity settings, as the admin API shows and takes them. `maxWorkers: 0` pauses
 * submission (nothing new starts; running jobs finish).
 */
export const capacitySettingsSchema = z
  .strictObject({
    maxWorkers: limit.describe('Batch jobs (of every kind of work) running at once, all tenants together'),
    maxConcurrentJobs: z.strictObject({
      default: limit.describe("a tenant's Batch jobs running at once, unless overridden"),
      tenants: z.record(tenantIdSchema, limit).default({}).describe('per-tenant overrides of the default'),
    }),
  })
  .meta({ id: 'CapacitySettings', description: 'how much work may run at once; jobs beyond it wait in the queue' });
export type CapacitySettings = z.infer<typeof capacitySettingsSchema>;

/** What GET answers: the settings, and whether they are the deployment's defaults or were set. */
export const capacityViewSchema = capacitySettingsSchema
  .extend({ source: z.enum(['defaults', 'admin']), updatedAt: z.iso.datetime().optional() })
  .meta({ id: 'Capacity' });

/** The deployment's defaults, used until an admin stores settings. */
export function defaultCapacity(env: NodeJS.ProcessEnv = process.env): CapacitySettings {
  return {
    maxWorkers: read('maxWorkers', env),
    maxConcurrentJobs: { default: read('maxConcurrentJobs', env), tenants: {} },
  };
}

/** The limit that applies to one tenant. */
export const tenantLimit = (settings: CapacitySettings, tenant: string): number =>
  settings.maxConcurrentJobs.tenants[tenant] ?? settings.maxConcurrentJobs.default;

const table = () => config.table();
const settingsKey = { [tableKeys.partitionKey]: capacityPartition, [tableKeys.sortKey]: settingsSortKey };

/** The settings in force (strongly consistent: a PUT takes effect at the next dispatch pass). */
export async function readCapacity(): Promise<z.infer<typeof capacityViewSchema>> {
  const { Item } = await ddb().send(new GetCommand({ TableName: table(), Key: settingsKey, ConsistentRead: true }));
  if (!Item) return { ...defaultCapacity(), source: 'defaults' };
  return {
    maxWorkers: Item.maxWorkers,
    maxConcurrentJobs: Item.maxConcurrentJobs,
    source: 'admin',
    updatedAt: Item.updatedAt,
  };
}

/** Stores new settings (the whole document: PUT replaces). */
export async function writeCapacity(settings: CapacitySettings): Promise<z.infer<typeof capacityViewSchema>> {
  const updatedAt = new Date().toISOString();
  await ddb().send(new PutCommand({ TableName: table(), Item: { ...settingsKey, ...settings, updatedAt } }));
  return { ...settings, source: 'admin', updatedAt };
}

/**
 * Removes one tenant's entry from a map inside a settings item of this partition (`mapPath`, e.g.
 * maxConcurrentJobs.tenants), if it has one; an item or entry that is not there is fine.
 */
export async function removeTenantEntry(sortKey: string, mapPath: string[], tenantId: string): Promise<void> {
  const names = Object.fromEntries([...mapPath, tenantId].map((name, i) => [`#p${i}`, name]));
  const path = Object.keys(names).join('.');
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: table(),
        Key: { [tableKeys.partitionKey]: capacityPartition, [tableKeys.sortKey]: sortKey },
        UpdateExpression: `REMOVE ${path}`,
        ConditionExpression: `attribute_exists(${path})`,
        ExpressionAttributeNames: names,
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Forgets a deleted tenant's override of the per-tenant limit. */
export const forgetTenantCapacity = (tenantId: string) =>
  removeTenantEntry(settingsSortKey, ['maxConcurrentJobs', 'tenants'], tenantId);
