/** POST /v1/sweeps/{id}/cancel — stop a running sweep and its trials' jobs (409 once it has finished). */
import { cancelSweep } from '../../core/usecases/sweeps';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, route }) =>
  shown(route, 200, await cancelSweep(tenantId, pathParameters.id ?? '')),
);
