/** GET /v1/<collection> — the caller's records, newest first, a page at a time; `?status=` filters. */
import { listQueryOf } from '../../core/api/read-routes';
import * as records from '../../core/records/store';
import { collectionOf } from '../../core/collections';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, routeKey, query, route }) => {
  const collection = collectionOf(routeKey);
  const { limit, cursor, status } = listQueryOf(collection).parse(query);
  const page = await records.list(collection, tenantId, {
    limit,
    ...(cursor ? { cursor } : {}),
    ...(status ? { status } : {}),
  });
  return shown(route, 200, { items: page.items, nextCursor: page.nextCursor ?? null });
});
