/** POST /v1/datasets — build training/testing LMDBs from datafiles (a background Batch job). */
import { createDatasetBody } from '../../core/api/datasets';
import { createDataset } from '../../core/usecases/datasets';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body }) => {
  const dataset = await createDataset(tenantId, createDatasetBody.parse(body));
  return json(202, toView(dataset), { location: `/v1/datasets/${dataset.id}` });
});
