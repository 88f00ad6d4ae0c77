/** POST /v1/datafiles/{id}/complete — assemble a multipart upload from its parts and queue its inspection. */
import { completeUpload } from '../../core/usecases/datafiles';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters }) =>
  json(202, toView(await completeUpload(tenantId, pathParameters.id ?? ''))),
);
