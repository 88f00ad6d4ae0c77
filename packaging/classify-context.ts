/**
 * Stages the build context of the classify function's container image (container/Dockerfile.classify):
 *
 *   container/build/classify-image/
 *     Dockerfile.classify   copied from container/
 *     handler.js            the route's entry (its handler, lambdas/http/classify.ts) bundled with what it uses
 *     server.py             the inference server (container/inference/server.py)
 *     steps/*.sh            the build steps the worker image shares (container/steps/)
 *
 * A context of exactly these files keeps the image asset hash tied to what the image contains, and
 * apart from the worker image's (container/, see its .dockerignore). Every file depends only on the
 * sources, so the hash is the same on every synth. By hand:
 *
 *   npx tsx packaging/classify-context.ts
 *   docker build --platform linux/amd64 -f Dockerfile.classify -t elastic-caffe-classify container/build/classify-image
 */
import { copyFileSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Route } from '../core/route';
import { routes } from '../core/routes';
import { bundleInto } from './bundle';
import { routeEntry } from './route-entry';

export const classifyDockerfile = 'Dockerfile.classify';
/** The container folder: Dockerfiles, the inference server and the shared steps live there. */
const containerDir = path.resolve(__dirname, '..', 'container');

export const classifyImageContext = path.join(containerDir, 'build', 'classify-image');
/** The bundle's file name in the context; the image's `_HANDLER` (`handler.handler`) names it. */
export const classifyBundleName = 'handler.js';

/** The build steps the image shares with the worker image, by their path in container/ and in the context. */
const sharedSteps = ['steps/caffe-runtime.sh', 'steps/check-runtime.sh'] as const;

/** The files of the context, by path (what the infra tests expect to find there). */
export const classifyImageFiles = [classifyDockerfile, classifyBundleName, 'server.py', ...sharedSteps] as const;

/** The route whose function is this image (the one with `runtime: 'container'`). */
export const classifyRoute: Route = routes.find((route) => route.runtime === 'container')!;

/** Bundles the route's entry (default: classify's, packaging/route-entry.ts) and stages the image context. */
export function buildClassifyImageContext(route = classifyRoute): string {
  mkdirSync(classifyImageContext, { recursive: true });
  // Leftovers (a renamed handler, a killed build's partial file) would change the asset hash.
  const expected = new Set<string>(classifyImageFiles);
  for (const name of readdirSync(classifyImageContext, { recursive: true, encoding: 'utf8' }).sort().reverse()) {
    const inside = [...expected].some((file) => file.startsWith(`${name}/`));
    if (!expected.has(name) && !inside) rmSync(path.join(classifyImageContext, name), { recursive: true, force: true });
  }
  bundleInto(routeEntry(route), path.join(classifyImageContext, classifyBundleName), {
    // As lib/constructs/service-function.ts bundles the other handlers.
    target: 'node22',
    minify: true,
    sourcesContent: false,
  });
  copyInto(path.join(containerDir, classifyDockerfile), classifyDockerfile);
  copyInto(path.join(containerDir, 'inference', 'server.py'), 'server.py');
  for (const step of sharedSteps) copyInto(path.join(containerDir, step), step);
  return classifyImageContext;
}

/** Copies a file into the context, renaming into place like the bundle. */
function copyInto(source: string, name: string): void {
  const target = path.join(classifyImageContext, name);
  const partial = `${target}.${process.pid}.partial`;
  mkdirSync(path.dirname(target), { recursive: true });
  copyFileSync(source, partial);
  renameSync(partial, target);
}

if (require.main === module) console.log(buildClassifyImageContext());
