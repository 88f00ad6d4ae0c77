/** GET /v1/training-jobs/{id}/artifacts — presigned downloads of the model and snapshots. */
import { trainingJobArtifacts } from '../../core/usecases/training-jobs';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  json(200, await trainingJobArtifacts(tenantId, pathParameters.id ?? '')),
);
