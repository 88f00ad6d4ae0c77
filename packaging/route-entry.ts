/**
 * The entry module of a route's function. Handler modules say nothing about which route they serve
 * (the generic read and list handlers serve several), and the HTTP wrapper finds the request's route
 * among those handed to it (lambdas/shared/served-routes.ts). The entry hands over the one route,
 * imported from its own resource file under core/api/, so the bundle carries that resource's schemas
 * and OpenAPI descriptions only, never the whole table (core/routes.ts) with every resource's.
 */
import * as path from 'node:path';
import { routeFunctionName, routeKey, type Route } from '../core/route';
import { routeSources } from '../core/routes';

const projectRoot = path.resolve(__dirname, '..');

/** Import paths as the entry writes them: relative to the repository root, forward slashes. */
const fromRoot = (...parts: string[]): string => `./${parts.join('/')}`;

/** The source of the route's entry module, to be bundled with the repository root as its directory. */
export function routeEntrySource(route: Route): string {
  const source = routeSources.find((candidate) => candidate.routes.includes(route));
  if (!source) throw new Error(`route ${routeKey(route)} is in no file of core/routes.ts's routeSources`);
  // A wrong name would bundle an entry that fails at load: check it against the module itself.
  const resourceFile = path.join(projectRoot, 'core', 'api', `${source.file}.ts`);
  const resource = require(resourceFile) as Record<string, unknown>;
  if (resource[source.exportName] !== source.routes)
    throw new Error(`core/api/${source.file}.ts exports no ${source.exportName} (see routeSources in core/routes.ts)`);
  return [
    `// The function of ${routeKey(route)}: its handler, serving its one route (packaging/route-entry.ts).`,
    `import { ${source.exportName} as resourceRoutes } from '${fromRoot('core', 'api', source.file)}';`,
    `import { routeKey } from '${fromRoot('core', 'route')}';`,
    `import { serveRoutes } from '${fromRoot('lambdas', 'shared', 'served-routes')}';`,
    `serveRoutes(resourceRoutes.filter((route) => routeKey(route) === ${JSON.stringify(routeKey(route))}));`,
    `export { handler } from '${fromRoot('lambdas', 'http', route.handler)}';`,
    '',
  ].join('\n');
}

/** The route's entry, ready to bundle (packaging/bundle.ts), named after its function. */
export function routeEntry(route: Route): { source: string; name: string } {
  return { source: routeEntrySource(route), name: `route-entry/${routeFunctionName(route)}.ts` };
}
