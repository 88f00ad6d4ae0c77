/** GET /v1/models/{id}/upload — resume a multipart upload: fresh URLs for the parts S3 does not hold yet. */
import { resumeModelUpload } from '../../core/usecases/models';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  json(200, await resumeModelUpload(tenantId, pathParameters.id ?? '')),
);
