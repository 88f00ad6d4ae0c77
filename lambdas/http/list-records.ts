/** GET /v1/<collection> — the caller's records, newest first, a page at a time. */
import * as records from '../../core/records/store';
import { collectionOf } from '../../core/routes';
import { listQuery } from '../../core/api/common';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, routeKey, query }) => {
  const { limit, cursor } = listQuery.parse(query);
  const page = await records.list(collectionOf(routeKey), tenantId, { limit, ...(cursor ? { cursor } : {}) });
  return json(200, { items: page.items.map(toView), nextCursor: page.nextCursor ?? null });
});
