/** POST /v1/training-jobs — queue a training job for a solver. */
import { createTrainingJobBody } from '../../core/api/training-jobs';
import { createTrainingJob } from '../../core/usecases/training-jobs';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body }) => {
  const job = await createTrainingJob(tenantId, createTrainingJobBody.parse(body));
  return json(202, toView(job), { location: `/v1/training-jobs/${job.id}` });
});
