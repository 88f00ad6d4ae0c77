/**
 * Writes the OpenAPI document (core/openapi/document.ts) to docs/api/openapi.json, and the SDK's
 * types generated from it to packages/sdk/src/generated/: `npm run docs:openapi`. With `--check`
 * it writes nothing and exits 1 naming each stale file (test/unit/scripts/gen-openapi.test.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openApiDocument } from '../core/openapi/document';

export const committedOpenApiPath = path.join(__dirname, '..', 'docs', 'api', 'openapi.json');

/** The file's exact text: stable key order from the route table, two-space indent, final newline. */
export const openApiFileText = (): string => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

/** Every generated file: absolute path → exact text. */
async function generatedFiles(): Promise<Record<string, string>> {
  // Loaded only here: openapi-typescript pulls in ESM-only modules that jest's CommonJS runtime cannot load.
  const { sdkGeneratedDir, sdkGeneratedFiles } = await import('./gen-sdk-types');
  const sdk = await sdkGeneratedFiles(openApiDocument());
  return {
    [committedOpenApiPath]: openApiFileText(),
    ...Object.fromEntries(Object.entries(sdk).map(([name, text]) => [path.join(sdkGeneratedDir, name), text])),
  };
}

async function main(check: boolean): Promise<void> {
  const files = await generatedFiles();
  const relative = (file: string) => path.relative(process.cwd(), file);
  if (check) {
    const stale = Object.entries(files).filter(
      ([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text,
    );
    for (const [file] of stale) console.error(`stale: ${relative(file)} (run \`npm run docs:openapi\`)`);
    process.exit(stale.length ? 1 : 0);
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${relative(file)}`);
  }
}

if (require.main === module) void main(process.argv.includes('--check'));
