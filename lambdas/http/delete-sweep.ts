/** DELETE /v1/sweeps/{id} — delete a finished sweep with its trials' jobs and derived solvers (409 while running). */
import { deleteSweep } from '../../core/usecases/sweeps';
import { httpHandler, noContent } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) => {
  await deleteSweep(tenantId, pathParameters.id ?? '');
  return noContent();
});
