/**
 * POST /v1/classifiers/{id}/classify-jobs — classify many images in the background: 201 with where
 * to upload the archive of images, or 202 when only URLs were given (queued at once).
 */
import { createClassifyJobBody } from '../../core/api/classify-jobs';
import { createClassifyJob } from '../../core/usecases/classify-jobs';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, body }) => {
  const { job, upload } = await createClassifyJob(tenantId, pathParameters.id ?? '', createClassifyJobBody.parse(body));
  const location = { location: `/v1/classify-jobs/${job.id}` };
  return upload ? json(201, { ...toView(job), upload }, location) : json(202, toView(job), location);
});
