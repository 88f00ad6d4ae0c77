/**
 * Checks API answers against the OpenAPI document (core/openapi/document.ts) with a JSON Schema
 * 2020-12 validator. In the integration and end-to-end tests every answer the API client
 * (test/support/client.ts) receives goes through here (jest's setupFiles sets
 * ELASTIC_CAFFE_VALIDATE_RESPONSES=1), so an answer the document does not describe — a status
 * it does not list, a field it does not know — fails the test that saw it, naming the route.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../core/openapi/document';
import { routes } from '../../core/routes';
import { routeKey, type Route } from '../../core/route';

export const validateResponsesEnv = 'ELASTIC_CAFFE_VALIDATE_RESPONSES';

const documentId = 'openapi.json';
const document = openApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document, documentId);

const compiled = routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
}));
const validators = new Map<string, ValidateFunction>();

/** A JSON pointer segment (RFC 6901). */
const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The route the gateway would pick for this request, as local/gateway.ts does; undefined when none would. */
export function routeFor(method: string, urlPath: string): Route | undefined {
  const pathname = new URL(urlPath, 'http://api').pathname;
  return compiled.find((c) => c.route.method === method.toUpperCase() && c.pattern.test(pathname))?.route;
}

interface Answer {
  method: string;
  /** The request path, with or without a query string. */
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

/** Throws, naming the route and the schema path, when the answer is not what the document describes. */
export function validateResponse(answer: Answer): void {
  const route = routeFor(answer.method, answer.path);
  // The gateway's own answers (no such route, 405) belong to no operation.
  if (!route) return;
  const key = routeKey(route);
  const operation = (
    document.paths[route.path] as Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
  )[route.method.toLowerCase()]!;
  const documented = operation.responses[String(answer.status)];
  if (!documented)
    throw new Error(
      `${key} answered ${answer.status}, which the OpenAPI document does not list for it ` +
        `(it lists ${Object.keys(operation.responses).join(', ')}): ${JSON.stringify(answer.body)}`,
    );
  const contentType = answer.contentType.split(';')[0]!.trim();
  const bodyIsEmpty = answer.body === '' || answer.body === undefined;
  if (!documented.content) {
    if (!bodyIsEmpty)
      throw new Error(`${key} answered ${answer.status} with a ${contentType} body, but the document says it has none`);
    return;
  }
  if (!documented.content[contentType])
    throw new Error(
      `${key} answered ${answer.status} as ${contentType || '(no content ' + 'type)'}, ` +
        `but the document says ${Object.keys(documented.content).join(' or ')}`,
    );
  const schemaPath =
    `#/paths/${pointer(route.path)}/${route.method.toLowerCase()}/responses/${answer.status}` +
    `/content/${pointer(contentType)}/schema`;
  let validate = validators.get(schemaPath);
  if (!validate) {
    validate = ajv.compile({ $ref: `${documentId}${schemaPath}` });
    validators.set(schemaPath, validate);
  }
  if (!validate(answer.body)) {
    const problems = (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || '(body)'} ${e.message ?? ''} ` +
        `(${e.schemaPath}` +
        `${e.params && 'additionalProperty' in e.params ? `: ${String(e.params.additionalProperty)}` : ''})`,
    );
    throw new Error(
      `${key} answered ${answer.status} with a body that does not match ` +
        `${schemaPath}:\n  ${problems.join('\n ' + ' ')}\nbody: ${JSON.stringify(answer.body).slice(0, 2000)}`,
    );
  }
}
