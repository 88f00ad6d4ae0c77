/** POST /v1/training-jobs/{id}/cancel — stop a queued or running job (409 once it has finished). */
import { cancelTrainingJob } from '../../core/usecases/training-job-control';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, route }) =>
  shown(route, 200, await cancelTrainingJob(tenantId, pathParameters.id ?? '')),
);
