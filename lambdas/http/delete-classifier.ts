/** DELETE /v1/classifiers/{id} — deletes the classifier (its training job and model stay). */
import { deleteClassifier } from '../../core/usecases/classifiers';
import { httpHandler } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) => {
  await deleteClassifier(tenantId, pathParameters.id ?? '');
  return { statusCode: 204 };
});
