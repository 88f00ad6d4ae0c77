/** DELETE /v1/datafiles/{id} — delete a datafile and its object (409 while a dataset uses it or it is processing). */
import { deleteDatafile } from '../../core/usecases/datafiles';
import { httpHandler, noContent } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) => {
  await deleteDatafile(tenantId, pathParameters.id ?? '');
  return noContent();
});
