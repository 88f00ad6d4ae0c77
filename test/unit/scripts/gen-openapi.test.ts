/**
 * docs/api/openapi.json and the SDK's types generated from it (packages/sdk/src/generated/) are
 * what the route table generates today (`npm run docs:openapi` rewrites them all).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { committedOpenApiPath, openApiFileText } from '../../../scripts/gen-openapi';

const root = path.join(__dirname, '..', '..', '..');

it('the committed docs/api/openapi.json is up to date (run `npm run docs:openapi`)', () => {
  const committed = existsSync(committedOpenApiPath) ? readFileSync(committedOpenApiPath, 'utf8') : '(missing)';
  // Compared as text so any difference shows; the message says how to fix it.
  expect({ file: 'docs/api/openapi.json', upToDate: committed === openApiFileText() }).toEqual({
    file: 'docs/api/openapi.json',
    upToDate: true,
  });
});

it("the SDK's generated types are up to date with the document (run `npm run docs:openapi`)", async () => {
  // In a child process: openapi-typescript loads ESM-only modules that jest's CommonJS runtime cannot.
  const run = promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), 'scripts/gen-openapi.ts', '--check'], {
    cwd: root,
  });
  const outcome = await run.then(
    () => ({ code: 0, stale: '' }),
    (error: { code: number; stderr: string }) => ({ code: error.code, stale: error.stderr }),
  );
  expect(outcome).toEqual({ code: 0, stale: '' });
}, 60_000);
