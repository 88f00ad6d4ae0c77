/** GET /v1/<collection>/{id} — one of the caller's records (another tenant's id answers 404). */
import * as records from '../../core/records/store';
import { collectionOf } from '../../core/collections';
import { currentDatafile } from '../../core/usecases/datafiles';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, routeKey, pathParameters, route }) => {
  const collection = collectionOf(routeKey);
  const id = pathParameters.id ?? '';
  const record =
    collection === 'datafiles' ? await currentDatafile(tenantId, id) : await records.get(collection, tenantId, id);
  return shown(route, 200, record);
});
