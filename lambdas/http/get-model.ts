/** GET /v1/models/{id} — one of the caller's models; an upload whose notification was lost is noticed here. */
import { currentModel } from '../../core/usecases/models';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, route }) =>
  shown(route, 200, await currentModel(tenantId, pathParameters.id ?? '')),
);
