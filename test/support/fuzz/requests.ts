/**
 * Requests a careless client or an attacker would send, generated from the OpenAPI document: for
 * every operation, its path parameters, query, headers and body — valid-looking values from the
 * schemas, then wrong types, unknown fields, boundary lengths, odd unicode, malformed and deeply
 * nested JSON, malformed multipart, wrong content types and other tenants' ids.
 */
import fc from 'fast-check';
import type { OpenApiDocument } from '../../../core/openapi/document';

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
};

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}

/** Who sends the request. */
export type Caller = 'tenant' | 'admin' | 'none' | 'garbage';

export interface FuzzRequest {
  method: string;
  /** Path and query, percent-encoded. */
  url: string;
  caller: Caller;
  headers: Record<string, string>;
  body?: Buffer;
  /** How the body was made, for the report of a failure. */
  bodyKind: string;
}

/** Values the generator draws ids from: the caller's own, another tenant's, tenants to name. */
export interface Pools {
  ownIds: string[];
  otherTenantIds: string[];
  tenantIds: string[];
}

/**
 * Text that is odd for a server: full unicode (lone surrogates included), controls, empty, and
 * long — up to `longest` characters (a URL stays under Node's 16 KiB header limit; bodies go to 2 MB).
 */
const oddTextUpTo = (longest: number) =>
  fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '../../etc/passwd',
      '%00',
      '${jndi:x}',
      '<script>',
      '\u202e',
      '🐟'.repeat(100),
      'null',
      '-1',
    ),
    fc.integer({ min: 1_000, max: longest }).map((n) => 'x'.repeat(n)),
  );
const oddText = oddTextUpTo(2_000_000);
/** Odd text for a path or query: a 10,000-character id is still far over DynamoDB's 1,024-byte key. */
const oddUrlText = oddTextUpTo(10_000);

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  oddText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 1e308),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
);

const prototxts = [
  'name: "x"\nlayer { name: "d" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 28 dim: 28 } } }',
  'base_lr: 0.01\nmax_iter: 10\nlr_policy: "fixed"',
  'layer { name: "a" type: "Data" top: "data" data_param { source: "/etc/passwd" backend: LMDB batch_size: 1 } }',
  'layer { name: "p" type: "Python" python_param { module: "os" layer: "system" } }',
  'layer {{{{ type: ',
  'max_iter: 99999999999999999999',
];
const urls = [
  'http://127.0.0.1:1/x.tar',
  'http://10.0.0.1/x',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::ffff:127.0.0.1]/x',
  'file:///etc/passwd',
  'gopher://example.com/',
  'http://user:pass@example.com/x',
  'not a url',
];
const tinyPngBase64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==';

/**
 * Lone surrogates become U+FFFD: a URL can only carry well-formed UTF-16 (String#toWellFormed is Node 20's, not
 * ES2022's).
 */
const wellFormed = (text: string) =>
  text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

function resolve(schema: Schema, document: OpenApiDocument): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  return (document.components.schemas as Record<string, Schema>)[name] ?? {};
}

/** A string for a field, by what its name says it holds. */
function stringFor(name: string, schema: Schema, pools: Pools): fc.Arbitrary<string> {
  const bounded = [schema.maxLength, schema.minLength]
    .filter((n): n is number => typeof n === 'number')
    .flatMap((n) => [n, n + 1, Math.max(0, n - 1)])
    .map((n) => 'a'.repeat(Math.min(n, 3_000_000)));
  const boundary = bounded.length ? [fc.constantFrom(...bounded)] : [];
  if (/Id$/.test(name) || name === 'id')
    return fc.oneof(fc.constantFrom(...pools.ownIds, ...pools.otherTenantIds), oddText, ...boundary);
  if (/^(net|solver|deploy)$/.test(name)) return fc.oneof(fc.constantFrom(...prototxts), oddText, ...boundary);
  if (/url$/i.test(name)) return fc.oneof(fc.constantFrom(...urls), oddText, ...boundary);
  if (name === 'base64')
    return fc.oneof(fc.constant(tinyPngBase64), fc.constant(`data:image/png;base64,${tinyPngBase64}`), oddText);
  return fc.oneof({ weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 20 }) }, oddText, ...boundary);
}

/** A value shaped by the schema (ids, enums, bounds), sometimes just outside it. */
export function valueFor(
  schema: Schema,
  document: OpenApiDocument,
  pools: Pools,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, document);
  const variants = s.anyOf ?? s.oneOf;
  if (variants?.length) return fc.oneof(...variants.map((v) => valueFor(v, document, pools, name, depth)));
  if (s.allOf?.length) return valueFor(s.allOf[0]!, document, pools, name, depth);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...s.enum) }, oddText);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      if (depth > 3 || !s.properties)
        return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 });
      const fields = Object.fromEntries(
        Object.entries(s.properties).map(([key, child]) => [key, valueFor(child, document, pools, key, depth + 1)]),
      );
      return fc.record(fields, { requiredKeys: s.required ?? [] });
    }
    case 'array':
      return fc.array(s.items ? valueFor(s.items, document, pools, name, depth + 1) : fc.jsonValue(), {
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case 'string':
      return stringFor(name, s, pools);
    case 'integer':
      return fc.oneof(
        fc.integer({ min: Math.max(s.minimum ?? -1e6, -1e9), max: Math.min(s.maximum ?? 1e6, 1e9) }),
        fc.constantFrom(
          ...[s.minimum, s.maximum].filter((n): n is number => typeof n === 'number').flatMap((n) => [n - 1, n, n + 1]),
          2 ** 53,
        ),
      );
    case 'number':
      return fc.double({ noNaN: true, min: s.minimum ?? -1e9, max: s.maximum ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** One mistake applied to an otherwise schema-shaped body: a wrong type, a missing or an unknown field. */
const mutation = fc.record({
  kind: fc.constantFrom('wrong-type', 'drop', 'unknown-field', 'none'),
  at: fc.nat(),
  value: wrongValue,
  key: fc.oneof(
    fc.string({ minLength: 1, maxLength: 10 }),
    fc.constantFrom('__proto__', 'constructor', 'tenantId', 'status', 'pk'),
  ),
});

function mutate(body: unknown, m: { kind: string; at: number; value: unknown; key: string }): unknown {
  if (m.kind === 'none' || typeof body !== 'object' || body === null || Array.isArray(body))
    return m.kind === 'none' ? body : m.value;
  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys.length ? keys[m.at % keys.length]! : m.key;
  if (m.kind === 'wrong-type') copy[key] = m.value;
  else if (m.kind === 'drop') delete copy[key];
  else Object.defineProperty(copy, m.key, { value: m.value, enumerable: true, configurable: true, writable: true });
  return copy;
}

const boundary = 'fuzzBoundary7MA4YWxkTrZu0gW';
const multipartOf = (fields: Array<[string, string, boolean]>) =>
  Buffer.from(
    `${fields
      .map(
        ([name, value, file]) =>
          `--${boundary}\r\nContent-Disposition: form-data; ` +
          `name="${name}"${file ? '; filename="a.png"\r\nContent-Type: ' + 'image/png' : ''}\r\n\r\n${value}\r\n`,
      )
      .join('')}--${boundary}--\r\n`,
  );

/** A body and its content type, for a route that documents `schema` (or none). */
function bodyFor(
  schema: Schema | undefined,
  document: OpenApiDocument,
  pools: Pools,
): fc.Arbitrary<{ kind: string; contentType?: string; body?: Buffer }> {
  const json = (kind: string, value: unknown) => ({
    kind,
    contentType: 'application/json',
    body: Buffer.from(JSON.stringify(value) ?? 'null'),
  });
  const shaped = schema ? valueFor(schema, document, pools) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(shaped, mutation).map(([value, m]) => json(`schema+${m.kind}`, mutate(value, m))),
    },
    fc.jsonValue({ maxDepth: 4 }).map((value) => json('random-json', value)),
    oddText.map((text) => ({
      kind: 'malformed-json',
      contentType: 'application/json',
      body: Buffer.from(`{"name": ${text}`),
    })),
    fc.integer({ min: 30, max: 200_000 }).map((depth) => ({
      kind: `deep-${depth}`,
      contentType: 'application/json',
      body: Buffer.from(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
    })),
    fc.tuple(fc.string({ maxLength: 30 }), fc.boolean()).map(([value, cut]) => {
      const body = multipartOf([
        ['name', value, false],
        ['topK', '3', false],
        ['files', 'notanimage', true],
      ]);
      return {
        kind: cut ? 'multipart-truncated' : 'multipart',
        contentType: `multipart/form-data; boundary=${boundary}`,
        body: cut ? body.subarray(0, body.length - 30) : body,
      };
    }),
    fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'multipart/form-data',
        'application/json; charset=utf-16',
        undefined,
      )
      .map((contentType) => ({
        kind: `content-type ${contentType ?? '(none)'}`,
        ...(contentType ? { contentType } : {}),
        body: Buffer.from('{"name":"x"}'),
      })),
    fc.constant({ kind: 'no-body' }),
  );
}

/** Header text an HTTP client lets through (visible ASCII, spaces and tabs), from sane to absurd. */
const headerText = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 300 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, '').trim()),
  fc.constantFrom('', 'a b', 'x'.repeat(256)),
);

/** Requests for one operation of the document. */
export function requestsFor(
  method: string,
  pathTemplate: string,
  document: OpenApiDocument,
  pools: Pools,
): fc.Arbitrary<FuzzRequest> {
  const operation = (document.paths[pathTemplate] as Record<string, Operation>)[method.toLowerCase()]!;
  const parameters = operation.parameters ?? [];
  const pathParams = parameters.filter((p) => p.in === 'path');
  const queryParams = parameters.filter((p) => p.in === 'query');
  const idValue = (name: string) =>
    name === 'tenantId'
      ? fc.oneof(
          fc.constantFrom(...pools.tenantIds),
          oddUrlText,
          fc.constantFrom('*', '%', '#', '\u0000', 'AROAEXAMPLE:sess+ion=1,a.b@c-d'),
        )
      : fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...pools.ownIds) },
          fc.constantFrom(...pools.otherTenantIds),
          oddUrlText,
          fc.constantFrom('x'.repeat(64), 'x'.repeat(65), 'x'.repeat(10_000)),
        );
  const path = fc
    .record(Object.fromEntries(pathParams.map((p) => [p.name, idValue(p.name)])))
    .map((values) =>
      pathTemplate.replace(/\{([^}]+)\}/g, (_, name: string) =>
        encodeURIComponent(wellFormed(String(values[name as keyof typeof values]))),
      ),
    );
  const query = fc
    .tuple(
      fc.record(
        Object.fromEntries(
          queryParams.map((p) => [
            p.name,
            fc.oneof(
              valueFor(p.schema, document, pools, p.name).map((v) => String(v).slice(0, 10_000)),
              oddUrlText,
            ),
          ]),
        ),
        { requiredKeys: [] },
      ),
      fc.option(fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), oddUrlText), { nil: undefined }),
    )
    .map(([known, unknown]) => {
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(known)) search.append(name, wellFormed(String(value)));
      if (unknown) search.append(wellFormed(unknown[0]), wellFormed(unknown[1]));
      const text = search.toString();
      return text ? `?${text}` : '';
    });
  const jsonSchema = operation.requestBody?.content['application/json']?.schema;
  const headers = fc.record(
    {
      'idempotency-key': headerText,
      'x-correlation-id': headerText,
      accept: fc.constantFrom('application/json', 'text/html', '*/*'),
    },
    { requiredKeys: [] },
  );
  const caller = pathTemplate.startsWith('/v1/admin')
    ? fc.constantFrom<Caller>('admin', 'admin', 'tenant', 'none')
    : fc.constantFrom<Caller>('tenant', 'tenant', 'tenant', 'tenant', 'admin', 'none', 'garbage');
  return fc
    .record({ path, query, headers, caller, body: bodyFor(jsonSchema, document, pools) })
    .map(({ path: p, query: q, headers: h, caller: who, body }) => ({
      method,
      url: `${p}${q}`,
      caller: who,
      headers: { ...h, ...(body.contentType ? { 'content-type': body.contentType } : {}) },
      ...(body.body ? { body: body.body } : {}),
      bodyKind: body.kind,
    }));
}
