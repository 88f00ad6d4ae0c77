/** GET /v1/admin/capacity — the global and per-tenant limits in force (admins only). */
import { readCapacity } from '../../core/scheduling/capacity';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async () => json(200, await readCapacity()), { admin: true });
