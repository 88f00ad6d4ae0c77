/**
 * The SDK's generated sources (packages/sdk/src/generated/), made from the OpenAPI document by
 * `npm run docs:openapi` beside docs/api/openapi.json, so the SDK follows the API when it changes:
 * `openapi.ts` (types, by openapi-typescript) and `operations.ts` (the few facts the SDK needs at
 * run time: which operations honour Idempotency-Key). test/unit/scripts/gen-openapi.test.ts fails
 * when either is stale.
 */
import * as path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { idempotencyKeyHeader } from '../core/openapi/document';

export const sdkGeneratedDir = path.join(__dirname, '..', 'packages', 'sdk', 'src', 'generated');

const banner = (what: string) =>
  `/**\n * ${what}\n` +
  ' * Generated from docs/api/openapi.json by `npm run docs:openapi` (scripts/gen-sdk-types.ts): do not edit.\n */\n';

type Operations = Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;

/** `POST /v1/datafiles`-style keys of the operations that take an Idempotency-Key header. */
function idempotentOperations(document: { paths: Operations }): string[] {
  const keys: string[] = [];
  for (const [route, operations] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(operations))
      if (operation.parameters?.some((p) => p.in === 'header' && p.name === idempotencyKeyHeader))
        keys.push(`${method.toUpperCase()} ${route}`);
  return keys;
}

/** File name (in sdkGeneratedDir) → its exact text. */
export async function sdkGeneratedFiles(document: object): Promise<Record<string, string>> {
  const types = astToString(await openapiTS(structuredClone(document) as never, { alphabetize: false }));
  const idempotent = idempotentOperations(document as { paths: Operations });
  const operations = `export const idempotentOperations: readonly string[] = ${JSON.stringify(idempotent, null, 2)};\n`;
  return {
    'openapi.ts':
      banner('Types of every path, operation and schema of the Elastic Caffe API (openapi-typescript).') + types,
    'operations.ts': `${banner('Run-time facts about the operations (the types cannot carry them).')}${operations}`,
  };
}
