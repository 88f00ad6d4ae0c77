/**
 * Writes docs/CLI.md from the CLI's command definitions: `npm run docs:cli`.
 * test/unit/packages/cli/src/cli.test.ts fails when the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cliReference } from '../packages/cli/src/docs';
import { buildProgram } from '../packages/cli/src/program';

export const cliDocsPath = path.join(__dirname, '..', 'docs', 'CLI.md');

/** The document's exact text (the actions are never run: documenting needs only the definitions). */
export const cliDocsText = (): string => cliReference(buildProgram(() => async () => undefined));

if (require.main === module) {
  writeFileSync(cliDocsPath, cliDocsText());
  console.log(`wrote ${path.relative(process.cwd(), cliDocsPath)}`);
}
