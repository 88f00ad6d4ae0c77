/** GET /v1/training-jobs/{id}/metrics — train loss per display step and test outputs per test interval. */
import { trainingJobMetrics } from '../../core/usecases/training-job-metrics';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  json(200, await trainingJobMetrics(tenantId, pathParameters.id ?? '')),
);
