/** GET /v1/classify-jobs/{id}/results — a presigned download of a succeeded job's results JSON. */
import { classifyJobResults } from '../../core/usecases/classify-jobs';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  json(200, await classifyJobResults(tenantId, pathParameters.id ?? '')),
);
