/** GET /v1/<collection> — the caller's records, newest first, a page at a time; `?status=` filters. */
import { z } from 'zod';
import * as records from '../../core/records/store';
import { listableStatuses } from '../../core/records/types';
import { collectionOf } from '../../core/routes';
import { listQuery } from '../../core/api/common';
import { ValidationError } from '../../core/errors';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

const statusQuery = z.object({ status: z.string().min(1).optional() });

export const handler = httpHandler(async ({ tenantId, routeKey, query }) => {
  const collection = collectionOf(routeKey);
  const { limit, cursor } = listQuery.parse(query);
  const { status } = statusQuery.parse(query);
  if (status !== undefined) {
    const known = listableStatuses[collection];
    if (!known?.includes(status))
      throw new ValidationError(
        known ? `status "${status}" is not a status of ${collection}; use one of ${known.join(', ')}` : `${collection} have no status to filter by`,
        [{ field: 'status', message: known ? `one of ${known.join(', ')}` : 'not supported here' }],
      );
  }
  const page = await records.list(collection, tenantId, { limit, ...(cursor ? { cursor } : {}), ...(status ? { status } : {}) });
  return json(200, { items: page.items.map(toView), nextCursor: page.nextCursor ?? null });
});
