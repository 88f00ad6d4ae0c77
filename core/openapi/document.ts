/**
 * The OpenAPI 3.1 document, generated from the route table (core/routes.ts) and the zod schemas
 * the handlers parse with — served at `GET /v1/openapi.json` and written to docs/api/openapi.json
 * by `npm run docs:openapi`. Answers every route shares (401, 400, 404, 500 …) are added here, so
 * a route declares only its own.
 */
import type { z } from 'zod';
import { pathParameterSchemas, problem, problemSchema } from '../api/common';
import { correlationHeader } from '../correlation';
import { routes as routeTable } from '../routes';
import { routeFunctionName, type Route } from '../route';
import type { ResponseDoc, ResponseDocs } from './route-docs';
import { SchemaComponents, type JsonSchema } from './schema';

export const idempotencyKeyHeader = 'Idempotency-Key';
const methods = ['get', 'post', 'put', 'delete'] as const;

/** `{id}`-style parameters of a path template. */
export const pathParameters = (path: string): string[] => [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);

/** The answers a route gives whatever it does, from its shape: auth, parameters, body, idempotency. */
export function sharedResponses(route: Route): ResponseDocs {
  const hasPathParameters = pathParameters(route.path).length > 0;
  const shared: ResponseDocs = {};
  // Every route checks X-Correlation-Id; most also a body, a query or path parameters.
  shared[400] = problem('the request is invalid; `errors` names each bad field (or the X-Correlation-Id header)');
  if (route.auth === 'jwt') shared[401] = problem('no bearer token, or the token was rejected');
  if (hasPathParameters) shared[404] = problem("nothing of yours has this id (another tenant's id answers the same)");
  if (route.idempotent) {
    shared[409] = problem(`a request with this ${idempotencyKeyHeader} is still in progress; retry it later`);
    shared[422] = problem(`this ${idempotencyKeyHeader} was used with a different request body`);
  }
  if (route.request?.body || route.request?.form) {
    shared[413] = problem(
      'the body is larger than 10 MB (on AWS, API Gateway answers this itself), or a part of it is over its limit',
    );
    shared[415] = problem(`the body is not ${route.request.form ? 'JSON or multipart/form-data' : 'JSON'}`);
  }
  shared[500] = problem('the request failed unexpectedly; `instance` ties it to the log');
  return shared;
}

/** A route's own answers over the shared ones; two descriptions of one status are joined. */
export function allResponses(route: Route): ResponseDocs {
  const merged: ResponseDocs = { ...sharedResponses(route) };
  for (const [status, own] of Object.entries(route.responses ?? {})) {
    const shared = merged[Number(status)];
    merged[Number(status)] =
      shared && own && shared.schema === own.schema
        ? { ...own, description: `${own.description}; or ${shared.description}` }
        : own;
    // A retry with the same Idempotency-Key gets the stored answer, marked (lambdas/shared/idempotency.ts).
    if (route.idempotent && Number(status) < 300 && own)
      merged[Number(status)] = {
        ...own,
        headers: {
          ...own.headers,
          'idempotent-replayed': 'true when this is the stored answer to a retried Idempotency-Key',
        },
      };
  }
  return merged;
}

/** Every answer our code gives names its request (README: the exceptions API Gateway answers itself). */
const correlationIdHeader = {
  description: 'the X-Correlation-Id the request sent, else the request id',
  schema: { type: 'string' },
};

function responseObject(status: number, doc: ResponseDoc, components: SchemaComponents) {
  const contentType = doc.contentType ?? (status >= 400 ? 'application/problem+json' : 'application/json');
  const schema: JsonSchema | undefined = doc.schema
    ? components.convert(doc.schema, 'output')
    : contentType.startsWith('text/')
      ? { type: 'string' }
      : undefined;
  const headers = Object.entries(doc.headers ?? {}).map(([name, description]) => [
    name,
    { description, schema: { type: 'string' } },
  ]);
  return {
    description: doc.description,
    headers: Object.fromEntries([...headers, [correlationHeader, { $ref: '#/components/headers/CorrelationId' }]]),
    ...(schema ? { content: { [contentType]: { schema } } } : {}),
  };
}

function queryParameters(query: z.ZodType, components: SchemaComponents) {
  const schema = components.convert(query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

function requestContent(route: Route, components: SchemaComponents) {
  const { body, form } = route.request ?? {};
  return {
    ...(body ? { 'application/json': { schema: components.convert(body, 'input') } } : {}),
    ...(form ? { 'multipart/form-data': { schema: components.convert(form, 'input') } } : {}),
  };
}

function operation(route: Route, components: SchemaComponents) {
  const parameters = [
    ...pathParameters(route.path).map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: components.convert(pathParameterSchemas[name as keyof typeof pathParameterSchemas], 'input'),
    })),
    ...(route.request?.query ? queryParameters(route.request.query, components) : []),
    ...(route.idempotent
      ? [
          {
            name: idempotencyKeyHeader,
            in: 'header',
            required: false,
            description:
              'retrying with the same key (per tenant, for 24 h) returns the first answer instead of creating again',
            schema: { type: 'string', minLength: 1, maxLength: 255 },
          },
        ]
      : []),
    {
      name: 'X-Correlation-Id',
      in: 'header',
      required: false,
      description: 'names the request in logs, events and the answer',
      schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,128}$' },
    },
  ];
  const responses = allResponses(route);
  return {
    operationId: routeFunctionName(route),
    summary: route.summary,
    tags: [route.path.split('/')[2] ?? 'api'],
    security: route.auth === 'jwt' ? [{ bearer: [] }] : [],
    parameters,
    ...(route.request?.body ? { requestBody: { required: true, content: requestContent(route, components) } } : {}),
    responses: Object.fromEntries(
      Object.entries(responses)
        .filter((entry): entry is [string, ResponseDoc] => entry[1] !== undefined)
        .map(([status, doc]) => [status, responseObject(Number(status), doc, components)]),
    ),
  };
}

/** The whole document for a route table (the real one unless a test passes another). */
export function openApiDocument(table: readonly Route[] = routeTable) {
  const components = new SchemaComponents();
  components.convert(problemSchema, 'output');
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of table) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, components);
  for (const item of Object.values(paths)) sortKeys(item, methods);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Elastic Caffe',
      version: 'v1',
      description: "Train and serve Caffe models. Errors are RFC 9457 problem+json; another tenant's ids answer 404.",
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: components.schemas,
      headers: { CorrelationId: correlationIdHeader },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'a Cognito access token (locally: npm run -s token -- <tenant>)',
        },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;

/** Methods in a fixed order, so the generated file does not churn when routes move. */
function sortKeys(item: Record<string, unknown>, order: readonly string[]): void {
  const entries = Object.entries(item).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
  for (const [key] of entries) delete item[key];
  for (const [key, value] of entries) item[key] = value;
}
