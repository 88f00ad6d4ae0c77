/**
 * zod → JSON Schema 2020-12 (what OpenAPI 3.1 uses) with zod's own `z.toJSONSchema`, so no extra
 * library: schemas named with `.meta({ id })` become `#/components/schemas/<id>` and are referred
 * to by `$ref`, everything else is inlined.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** Collects named schemas while operations are converted. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** The JSON Schema of `schema` as a request (`input`: defaults optional) or a response (`output`). */
  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const converted = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
    const { $schema, $defs, id, ...rest } = converted;
    void $schema;
    for (const [name, definition] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>))
      this.add(name, definition);
    if (typeof id === 'string') {
      // A named schema at the top: the whole thing is the component.
      this.add(id, rest);
      return { $ref: componentRef(id) };
    }
    return toComponentRefs(rest) as JsonSchema;
  }

  private add(name: string, definition: JsonSchema): void {
    const { id, ...body } = definition;
    void id;
    const schema = toComponentRefs(body) as JsonSchema;
    const existing = this.schemas[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema))
      throw new Error(
        `two different schemas are named ${name} (one used as a request and as a response?): name them apart`,
      );
    this.schemas[name] = schema;
  }
}

const componentRef = (name: string) => `#/components/schemas/${name}`;

/** zod refers to named schemas as `#/$defs/<id>`; in the document they live under components. */
function toComponentRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toComponentRefs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#/$defs/')
        ? componentRef(inner.slice('#/$defs/'.length))
        : toComponentRefs(inner),
    ]),
  );
}
