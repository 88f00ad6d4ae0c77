/** DELETE /v1/solvers/{id} — delete a solver (409 while a training job uses it). */
import { deleteSolver } from '../../core/usecases/record-usage';
import { httpHandler, noContent } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) => {
  await deleteSolver(tenantId, pathParameters.id ?? '');
  return noContent();
});
