/** DELETE /v1/models/{id} — delete a model (409 while a classifier or an unfinished training job uses it). */
import { deleteModel } from '../../core/usecases/models';
import { httpHandler, noContent } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) => {
  await deleteModel(tenantId, pathParameters.id ?? '');
  return noContent();
});
