/** POST /v1/datafiles — register a datafile; the answer says where to upload it (straight to S3). */
import { createDatafileBody } from '../../core/api/datafiles';
import { createDatafile } from '../../core/usecases/datafiles';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body }) => {
  const { datafile, upload } = await createDatafile(tenantId, createDatafileBody.parse(body));
  return json(201, { ...toView(datafile), upload }, { location: `/v1/datafiles/${datafile.id}` });
});
