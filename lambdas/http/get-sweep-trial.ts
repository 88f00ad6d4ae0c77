/** GET /v1/sweeps/{id}/trials/{trialId} — one trial of the caller's sweep: its jobs and its curve across them. */
import { sweepTrial } from '../../core/usecases/sweep-trials';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, route }) =>
  shown(route, 200, await sweepTrial(tenantId, pathParameters.id ?? '', pathParameters.trialId ?? '')),
);
