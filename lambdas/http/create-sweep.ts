/** POST /v1/sweeps — check the parameter space against the solver, store the sweep and start its first trials. */
import { createSweepBody } from '../../core/api/sweeps';
import { createSweep } from '../../core/usecases/sweeps';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const sweep = await createSweep(tenantId, createSweepBody.parse(body));
  return shown(route, 202, sweep, { location: `/v1/sweeps/${sweep.id}` });
});
