/** GET /v1/datasets/{id}/samples — each class with presigned thumbnails of a few training images (`?perClass=`). */
import { samplesQuery } from '../../core/api/datasets';
import { datasetSamples } from '../../core/usecases/dataset-samples';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, query }) => {
  const { perClass } = samplesQuery.parse(query);
  return json(200, await datasetSamples(tenantId, pathParameters.id ?? '', perClass));
});
