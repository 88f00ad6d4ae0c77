/** GET /v1/datafiles/{id}/upload — resume a multipart upload: fresh URLs for the parts S3 does not hold yet. */
import { resumeUpload } from '../../core/usecases/datafiles';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  json(200, await resumeUpload(tenantId, pathParameters.id ?? '')),
);
