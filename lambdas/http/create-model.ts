/**
 * POST /v1/models — register a model: 201 with where to upload its .caffemodel (straight to S3),
 * 201 ready when published from a training job, or 202 when imported from a URL by the worker.
 */
import { createModelBody } from '../../core/api/models';
import { createModel } from '../../core/usecases/models';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const { model, upload } = await createModel(tenantId, createModelBody.parse(body));
  const location = { location: `/v1/models/${model.id}` };
  if (model.status === 'checking') return shown(route, 202, model, location);
  return shown(route, 201, upload ? { ...model, upload } : model, location);
});
