/** POST /v1/models/{id}/complete — assemble a multipart upload from its parts and queue the weights' check. */
import { completeModelUpload } from '../../core/usecases/models';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, route }) =>
  shown(route, 202, await completeModelUpload(tenantId, pathParameters.id ?? '')),
);
