/**
 * Stages the build context of the classify function's container image (container/Dockerfile.classify):
 *
 *   container/build/classify-image/
 *     Dockerfile.classify   copied from container/
 *     handler.js            the route's handler (lambdas/http/classify.ts) bundled with the core/ it uses
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
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { bundleInto } from './bundle';

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

/** The classify route's handler module. */
export const classifyHandlerEntry = path.resolve(__dirname, '..', 'lambdas', 'http', 'classify.ts');

/** Bundles the handler module (default: classify's) and stages the image context; returns its folder. */
export function buildClassifyImageContext(entry = classifyHandlerEntry): string {
  mkdirSync(classifyImageContext, { recursive: true });
  // Leftovers (a renamed handler, a killed build's partial file) would change the asset hash.
  const expected = new Set<string>(classifyImageFiles);
  for (const name of readdirSync(classifyImageContext, { recursive: true, encoding: 'utf8' }).sort().reverse()) {
    const inside = [...expected].some((file) => file.startsWith(`${name}/`));
    if (!expected.has(name) && !inside) rmSync(path.join(classifyImageContext, name), { recursive: true, force: true });
  }
  if (!existsSync(entry)) throw new Error(`classify image: handler file ${entry} does not exist`);
  bundleInto(entry, path.join(classifyImageContext, classifyBundleName), {
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
