/** The admin API: deployment-wide settings, not tenant data (admin routes answer 403 to anyone else). */
import type { Route } from '../routes';
import { capacitySettingsSchema, capacityViewSchema } from '../scheduling/capacity';
import { problem } from './common';

const forbidden = { 403: problem('the caller is not in the admins group') };

export const adminRoutes: Route[] = [
  {
    method: 'GET', path: '/v1/admin/capacity', handler: 'get-capacity', auth: 'jwt', admin: true, access: { table: 'read' },
    summary: 'How much work may run at once (admin)',
    responses: { 200: { description: 'the limits in force', schema: capacityViewSchema }, ...forbidden },
  },
  {
    method: 'PUT', path: '/v1/admin/capacity', handler: 'put-capacity', auth: 'jwt', admin: true, access: { table: 'readWrite', queue: true },
    summary: 'Change how much work may run at once (admin): raising starts waiting jobs within seconds; lowering stops no running job',
    request: { body: capacitySettingsSchema },
    responses: { 200: { description: 'the limits now in force', schema: capacityViewSchema }, ...forbidden },
  },
];
