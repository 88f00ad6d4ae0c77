/**
 * PUT /v1/admin/capacity — replaces the limits (admins only); a dispatch pass follows, so raised limits start waiting
 * work at once.
 */
import { changeCapacity } from '../../core/usecases/capacity';
import { capacitySettingsSchema } from '../../core/scheduling/capacity';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(
  async ({ body }) => json(200, await changeCapacity(capacitySettingsSchema.parse(body))),
  { admin: true },
);
