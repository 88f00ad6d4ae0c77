/** DELETE /v1/datasets/{id} — delete a dataset and its LMDBs (409 while it is built or used). */
import { deleteDataset } from '../../core/usecases/record-usage';
import { httpHandler, noContent } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) => {
  await deleteDataset(tenantId, pathParameters.id ?? '');
  return noContent();
});
