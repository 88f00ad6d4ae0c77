/**
 * Bundles the worker (container/worker/main.ts and the core/ it uses) into one file,
 * container/build/worker.js. The container images copy it; the local Batch emulator runs it.
 * The output depends only on the sources, so the CDK image asset hash is stable across synths.
 */
import * as path from 'node:path';
import { bundleInto } from './bundle';

export const workerBundlePath = path.join(__dirname, 'build', 'worker.js');

export function buildWorkerBundle(): string {
  return bundleInto(path.join(__dirname, 'worker', 'main.ts'), workerBundlePath);
}

if (require.main === module) console.log(buildWorkerBundle());
