/** POST /v1/datafiles/{id}/complete — assemble a multipart upload from its parts and queue its inspection. */
import { completeUpload } from '../../core/usecases/datafiles';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, route }) =>
  shown(route, 202, await completeUpload(tenantId, pathParameters.id ?? '')),
);
