/**
 * Bundles the worker (container/worker/main.ts and the core/ it uses) into one file,
 * container/build/worker.js. The container images copy it; the local Batch emulator runs it.
 * The output depends only on the sources, so the CDK image asset hash is stable across synths.
 */
import { buildSync } from 'esbuild';
import { renameSync } from 'node:fs';
import * as path from 'node:path';

export const workerBundlePath = path.join(__dirname, 'build', 'worker.js');

export function buildWorkerBundle(): string {
  // Written beside and renamed into place: a process starting the worker never reads half a file.
  const partial = `${workerBundlePath}.${process.pid}.partial`;
  buildSync({
    entryPoints: [path.join(__dirname, 'worker', 'main.ts')],
    outfile: partial,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'warning',
  });
  renameSync(partial, workerBundlePath);
  return workerBundlePath;
}

if (require.main === module) console.log(buildWorkerBundle());
