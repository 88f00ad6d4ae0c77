/** `ecaffe admin capacity|limits|queue|rm-tenant`: read, change a field, write back (admins only). */
import type { Queue } from '@elastic-caffe/sdk';
import { CliError, exitCodes, type Cli } from '../cli';
import { table } from '../output';

const show = (cli: Cli, document: unknown) =>
  cli.json ? cli.emit(document) : cli.print(JSON.stringify(document, null, 2));

export async function capacity(
  cli: Cli,
  _args: string[],
  options: { maxWorkers?: number; defaultMaxJobs?: number; tenant?: string; maxJobs?: number },
): Promise<void> {
  if ((options.tenant === undefined) !== (options.maxJobs === undefined))
    throw new CliError('--tenant and --max-jobs go together', exitCodes.usage);
  const current = await cli.client.admin.capacity();
  if (options.maxWorkers === undefined && options.defaultMaxJobs === undefined && options.tenant === undefined)
    return show(cli, current);
  const settings = {
    maxWorkers: options.maxWorkers ?? current.maxWorkers,
    maxConcurrentJobs: {
      default: options.defaultMaxJobs ?? current.maxConcurrentJobs.default,
      tenants: {
        ...current.maxConcurrentJobs.tenants,
        ...(options.tenant ? { [options.tenant]: options.maxJobs! } : {}),
      },
    },
  };
  show(cli, await cli.client.admin.setCapacity(settings));
}

const limitFlags = [
  'maxDatafileBytes',
  'maxArchiveEntries',
  'maxUncompressedBytes',
  'maxQueuedJobs',
  'maxStorageBytes',
] as const;

export async function limits(
  cli: Cli,
  _args: string[],
  options: Partial<Record<(typeof limitFlags)[number], number>> & { tenant?: string },
): Promise<void> {
  const current = await cli.client.admin.limits();
  const changes = Object.fromEntries(limitFlags.filter((f) => options[f] !== undefined).map((f) => [f, options[f]!]));
  if (!Object.keys(changes).length) return show(cli, current);
  const settings = options.tenant
    ? {
        default: current.default,
        tenants: { ...current.tenants, [options.tenant]: { ...current.tenants[options.tenant], ...changes } },
      }
    : { default: { ...current.default, ...changes }, tenants: current.tenants };
  show(cli, await cli.client.admin.setLimits(settings));
}

export async function removeTenant(cli: Cli, [tenant]: string[]): Promise<void> {
  const result = await cli.client.admin.deleteTenant(tenant!);
  if (cli.json) return cli.emit(result);
  cli.say(
    result.complete
      ? `tenant ${tenant} deleted: ${result.recordsDeleted} records, ${result.objectsDeleted} objects`
      : `tenant ${tenant}: ${result.stillStopping.length} Batch job(s) still stopping; run this again in a minute`,
  );
}

/** The queue as a table: a row per tenant, then the totals (and how many tenants were left out). */
export function queueTable(queue: Queue): string {
  const rows = queue.tenants.map((t) => [t.tenantId, String(t.running), String(t.waiting)]);
  const more = queue.tenantCount - queue.tenants.length;
  const totalName = more > 0 ? `(all ${queue.tenantCount} tenants)` : '(total)';
  rows.push([totalName, String(queue.totals.running), String(queue.totals.waiting)]);
  return table(['TENANT', 'RUNNING', 'WAITING'], rows);
}

export async function queue(cli: Cli, _args: string[], options: { limit?: number }): Promise<void> {
  const answer = await cli.client.admin.queue(options.limit === undefined ? {} : { limit: options.limit });
  if (cli.json) return cli.emit(answer);
  cli.print(queueTable(answer));
}
