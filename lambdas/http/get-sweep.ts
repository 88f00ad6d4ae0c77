/** GET /v1/sweeps/{id} — one of the caller's sweeps, with what its trials' jobs used and what stopping early saved. */
import { sweepWithUsageOf } from '../../core/usecases/sweep-usage';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, route }) =>
  shown(route, 200, await sweepWithUsageOf(tenantId, pathParameters.id ?? '')),
);
