/** GET /v1/admin/queue — running and waiting work per tenant, busiest first (admins only). */
import { queueQuery } from '../../core/api/admin';
import { adminQueue } from '../../core/usecases/admin-queue';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(
  async ({ query }) => {
    const { limit } = queueQuery.parse(query);
    return json(200, await adminQueue(limit));
  },
  { admin: true },
);
