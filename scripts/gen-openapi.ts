/**
 * Writes the OpenAPI document (core/openapi/document.ts) to docs/api/openapi.json:
 * `npm run docs:openapi`. test/unit/openapi-committed.test.ts fails when the committed file is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openApiDocument } from '../core/openapi/document';

export const committedOpenApiPath = path.join(__dirname, '..', 'docs', 'api', 'openapi.json');

/** The file's exact text: stable key order from the route table, two-space indent, final newline. */
export const openApiFileText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (require.main === module) {
  mkdirSync(path.dirname(committedOpenApiPath), { recursive: true });
  writeFileSync(committedOpenApiPath, openApiFileText());
  console.log(`wrote ${path.relative(process.cwd(), committedOpenApiPath)}`);
}
