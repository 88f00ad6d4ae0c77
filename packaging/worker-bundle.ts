/**
 * Bundles the worker (container/worker/main.ts and the core/ it uses) into one file,
 * container/build/worker.js. The container images copy it; the local Batch emulator runs it.
 * The output depends only on the sources, so the CDK image asset hash is stable across synths.
 */
import * as path from 'node:path';
import { bundleInto } from './bundle';

const containerDir = path.resolve(__dirname, '..', 'container');

export const workerBundlePath = path.join(containerDir, 'build', 'worker.js');

/**
 * The inline source map keeps its mappings (stack traces still name our files and lines) but not
 * the sources' text: the bundle is 4.9 instead of 8.7 MB, and every job's worker start reads and
 * (with --enable-source-maps) parses it — 0.26 instead of 0.33 s to the usage line on this
 * machine (docs/BENCHMARKS.md, import throughput, round 2).
 */
export function buildWorkerBundle(): string {
  return bundleInto(path.join(containerDir, 'worker', 'main.ts'), workerBundlePath, { sourcesContent: false });
}

if (require.main === module) console.log(buildWorkerBundle());
