/** POST /v1/datasets — build training/testing LMDBs from datafiles (a background Batch job). */
import { createDatasetBody } from '../../core/api/datasets';
import { createDataset } from '../../core/usecases/datasets';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const dataset = await createDataset(tenantId, createDatasetBody.parse(body));
  return shown(route, 202, dataset, { location: `/v1/datasets/${dataset.id}` });
});
