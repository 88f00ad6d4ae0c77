/** GET /v1/openapi.json — the OpenAPI 3.1 document of this API; public (auth: 'none'). */
import { openApiDocument } from '../../core/openapi/document';
import { httpHandler, json } from '../shared/http';

// Built once per cold start: it depends only on the route table bundled with the function.
const body = openApiDocument();

export const handler = httpHandler(async () => json(200, body, { 'cache-control': 'public, max-age=300' }), {
  public: true,
});
