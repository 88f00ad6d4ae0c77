/** docs/api/openapi.json is what the route table generates today (`npm run docs:openapi` rewrites it). */
import { existsSync, readFileSync } from 'node:fs';
import { committedOpenApiPath, openApiFileText } from '../../scripts/gen-openapi';

it('the committed docs/api/openapi.json is up to date (run `npm run docs:openapi`)', () => {
  const committed = existsSync(committedOpenApiPath) ? readFileSync(committedOpenApiPath, 'utf8') : '(missing)';
  // Compared as text so any difference shows; the message says how to fix it.
  expect({ file: 'docs/api/openapi.json', upToDate: committed === openApiFileText() }).toEqual({ file: 'docs/api/openapi.json', upToDate: true });
});
