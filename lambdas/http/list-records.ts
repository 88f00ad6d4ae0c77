/** GET /v1/<collection> — the caller's records, newest first, a page at a time; `?status=` filters. */
import { listQueryOf } from '../../core/api/read-routes';
import * as records from '../../core/records/store';
import { collectionOf } from '../../core/collections';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, routeKey, query }) => {
  const collection = collectionOf(routeKey);
  const { limit, cursor, status } = listQueryOf(collection).parse(query);
  const page = await records.list(collection, tenantId, {
    limit,
    ...(cursor ? { cursor } : {}),
    ...(status ? { status } : {}),
  });
  return json(200, { items: page.items.map(toView), nextCursor: page.nextCursor ?? null });
});
