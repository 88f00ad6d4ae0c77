/** GET /v1/datasets/{id}/mean — a presigned download of a split's mean image (`?split=training|testing`). */
import { meanQuery } from '../../core/api/datasets';
import { datasetMean } from '../../core/usecases/datasets';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, pathParameters, query }) => {
  const { split } = meanQuery.parse(query);
  return json(200, await datasetMean(tenantId, pathParameters.id ?? '', split));
});
