/** GET /v1/openapi.json — the OpenAPI 3.1 document of this API; public (auth: 'none'). */
import { httpHandler, json } from '../shared/http';
// The committed document (npm run docs:openapi; test/unit/scripts/gen-openapi.test.ts keeps it current), so this
// function loads one JSON file instead of every route's schemas to build it at each cold start.
import document from '../../docs/api/openapi.json';

export const handler = httpHandler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }), {
  public: true,
});
