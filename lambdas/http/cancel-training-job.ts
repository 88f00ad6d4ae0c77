/** POST /v1/training-jobs/{id}/cancel — stop a queued or running job (409 once it has finished). */
import { cancelTrainingJob } from '../../core/usecases/training-job-control';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  json(200, toView(await cancelTrainingJob(tenantId, pathParameters.id ?? ''))),
);
