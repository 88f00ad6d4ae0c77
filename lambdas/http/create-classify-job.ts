/**
 * POST /v1/classifiers/{id}/classify-jobs — classify many images in the background: 201 with where
 * to upload the archive of images, or 202 when only URLs were given (queued at once).
 */
import { createClassifyJobBody } from '../../core/api/classify-jobs';
import { createClassifyJob } from '../../core/usecases/classify-jobs';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, body, route }) => {
  const { job, upload } = await createClassifyJob(tenantId, pathParameters.id ?? '', createClassifyJobBody.parse(body));
  const location = { location: `/v1/classify-jobs/${job.id}` };
  return upload ? shown(route, 201, { ...job, upload }, location) : shown(route, 202, job, location);
});
