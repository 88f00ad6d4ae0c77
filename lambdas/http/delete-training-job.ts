/** DELETE /v1/training-jobs/{id} — delete a finished job with its log, snapshots and model (409 while it runs). */
import { deleteTrainingJob } from '../../core/usecases/training-job-control';
import { httpHandler, noContent } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) => {
  await deleteTrainingJob(tenantId, pathParameters.id ?? '');
  return noContent();
});
