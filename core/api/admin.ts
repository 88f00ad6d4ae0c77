/** The admin API: deployment-wide settings, not tenant data (admin routes answer 403 to anyone else). */
import { z } from 'zod';
import type { Route } from '../route';
import { limitSettingsSchema, limitsViewSchema } from '../limits';
import { capacitySettingsSchema, capacityViewSchema } from '../scheduling/capacity';
import { problem } from './common';

const forbidden = { 403: problem('the caller is not in the admins group') };

/** What deleting a tenant did (core/usecases/tenant-deletion.ts). */
export const tenantDeletionSchema = z
  .object({
    complete: z
      .boolean()
      .describe('everything is gone; false only while Batch jobs are still stopping: call again after Retry-After'),
    batchJobsTerminated: z.number().int(),
    stillStopping: z.array(z.string()).describe('Batch job ids still stopping (nothing else was deleted yet)'),
    objectsDeleted: z.number().int(),
    recordsDeleted: z.number().int(),
  })
  .meta({ id: 'TenantDeletion' });

export const queueQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('tenants listed at most (the busiest first)'),
});

/** What runs and waits, per tenant (core/scheduling/queue.ts). */
export const queueSchema = z
  .object({
    tenants: z.array(
      z.object({
        tenantId: z.string(),
        running: z.number().int().min(0).describe('Batch jobs holding a worker slot (starting or running)'),
        waiting: z.number().int().min(0).describe('work queued for a worker slot'),
      }),
    ),
    totals: z.object({ running: z.number().int().min(0), waiting: z.number().int().min(0) }),
    tenantCount: z.number().int().min(0).describe('tenants with running or waiting work; more than listed when capped'),
  })
  .meta({
    id: 'Queue',
    description:
      'every kind of work (datafile imports, dataset builds, training and classify jobs) ' +
      'that holds or waits for a worker slot',
  });

export const adminRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/admin/capacity',
    handler: 'get-capacity',
    auth: 'jwt',
    admin: true,
    access: { table: 'read' },
    summary: 'How much work may run at once (admin)',
    responses: { 200: { description: 'the limits in force', schema: capacityViewSchema }, ...forbidden },
  },
  {
    method: 'PUT',
    path: '/v1/admin/capacity',
    handler: 'put-capacity',
    auth: 'jwt',
    admin: true,
    access: { table: 'readWrite', queue: true },
    summary:
      'Change how much work may run at once (admin): raising starts waiting jobs within seconds; ' +
      'lowering stops no running job',
    request: { body: capacitySettingsSchema },
    responses: { 200: { description: 'the limits now in force', schema: capacityViewSchema }, ...forbidden },
  },
  {
    method: 'GET',
    path: '/v1/admin/queue',
    handler: 'get-queue',
    auth: 'jwt',
    admin: true,
    access: { table: 'read' },
    summary: "What runs and what waits for a worker, per tenant (admin): the scheduler's slots and waiting work",
    request: { query: queueQuery },
    responses: { 200: { description: 'the queue now, busiest tenants first', schema: queueSchema }, ...forbidden },
  },
  {
    method: 'GET',
    path: '/v1/admin/limits',
    handler: 'get-limits',
    auth: 'jwt',
    admin: true,
    access: { table: 'read' },
    summary: 'What each tenant may upload, import and keep (admin): the default, and per-tenant overrides',
    responses: { 200: { description: 'the limits in force', schema: limitsViewSchema }, ...forbidden },
  },
  {
    method: 'PUT',
    path: '/v1/admin/limits',
    handler: 'put-limits',
    auth: 'jwt',
    admin: true,
    access: { table: 'readWrite' },
    summary:
      'Change what each tenant may upload, import and keep (admin): datafile size (413), archive ' +
      "entries and expansion, queued jobs and storage (429); applies to each tenant's next request " +
      'and job',
    request: { body: limitSettingsSchema },
    responses: { 200: { description: 'the limits now in force', schema: limitsViewSchema }, ...forbidden },
  },
  {
    method: 'DELETE',
    path: '/v1/admin/tenants/{tenantId}',
    handler: 'delete-tenant',
    auth: 'jwt',
    admin: true,
    access: { table: 'readWrite', bucket: 'read', tenantDeletion: true },
    summary:
      'Delete a whole tenant (admin): stops its running jobs, then deletes every object and record ' +
      "it has. Idempotent; disable the tenant's sign-in first",
    responses: {
      200: { description: 'the tenant is gone (deleting it again changes nothing)', schema: tenantDeletionSchema },
      202: {
        description: 'Batch jobs are still stopping: nothing else was deleted yet; call again after Retry-After',
        schema: tenantDeletionSchema,
        headers: { 'Retry-After': 'seconds to wait before calling again' },
      },
      ...forbidden,
    },
  },
];
