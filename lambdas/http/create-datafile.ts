/**
 * POST /v1/datafiles — register a datafile: 201 with where to upload it (straight to S3), or 202
 * when it is imported from a URL by the worker.
 */
import { createDatafileBody } from '../../core/api/datafiles';
import { createDatafile } from '../../core/usecases/datafiles';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const { datafile, upload } = await createDatafile(tenantId, createDatafileBody.parse(body));
  const location = { location: `/v1/datafiles/${datafile.id}` };
  return upload ? shown(route, 201, { ...datafile, upload }, location) : shown(route, 202, datafile, location);
});
