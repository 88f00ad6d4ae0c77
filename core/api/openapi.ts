/** The API's own description: the OpenAPI document, public so tools can fetch it without a token. */
import { z } from 'zod';
import type { Route } from '../route';

const openApiDocumentSchema = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export const openApiRoutes: Route[] = [
  {
    method: 'GET',
    path: '/v1/openapi.json',
    handler: 'get-openapi',
    auth: 'none',
    access: { table: 'read' },
    summary: 'This API as an OpenAPI 3.1 document',
    responses: { 200: { description: 'the OpenAPI 3.1 document', schema: openApiDocumentSchema } },
  },
];
