/** GET /v1/training-jobs/{id}/logs — the job's Caffe log as text. */
import { trainingJobLog } from '../../core/usecases/training-jobs';
import { httpHandler, text } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  text(200, await trainingJobLog(tenantId, pathParameters.id ?? '')),
);
