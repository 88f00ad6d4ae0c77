/**
 * GET /v1/admin/limits — what each tenant may upload, import and keep: the default and per-tenant overrides (admins
 * only).
 */
import { readLimits } from '../../core/limits';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async () => json(200, await readLimits()), { admin: true });
