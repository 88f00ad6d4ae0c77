/** POST /v1/training-jobs — queue a training job for a solver. */
import { createTrainingJobBody } from '../../core/api/training-jobs';
import { createTrainingJob } from '../../core/usecases/training-jobs';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const job = await createTrainingJob(tenantId, createTrainingJobBody.parse(body));
  return shown(route, 202, job, { location: `/v1/training-jobs/${job.id}` });
});
