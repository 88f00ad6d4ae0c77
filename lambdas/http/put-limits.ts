/**
 * PUT /v1/admin/limits — replaces the limits (admins only); the next request, upload or job of each tenant is held to
 * them.
 */
import { limitSettingsSchema, writeLimits } from '../../core/limits';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ body }) => json(200, await writeLimits(limitSettingsSchema.parse(body))), {
  admin: true,
});
