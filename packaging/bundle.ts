/**
 * esbuild settings shared by the bundles the images run (the worker, the classify function): one
 * CommonJS file per entry with an inline source map. The output depends only on the sources and
 * the output path, so the CDK image asset hashes are stable across synths.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Bundles `entry` into `outfile`, written beside it and renamed into place: a reader never sees half a file. */
export function bundleInto(
  entry: string,
  outfile: string,
  options: Pick<BuildOptions, 'minify' | 'sourcesContent' | 'target'> = {},
): string {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}.partial`;
  buildSync({
    entryPoints: [entry],
    outfile: partial,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    legalComments: 'none',
    logLevel: 'warning',
    ...options,
  });
  fs.renameSync(partial, outfile);
  return outfile;
}

/**
 * Runs `fn` holding a directory lock: parallel builds (jest workers synthesizing, a local image
 * build) would otherwise hash or copy files another process is rewriting. Synchronous, as CDK
 * constructs are; a lock older than `staleMs` (a killed process) is taken over.
 */
export function withBuildLock<T>(dir: string, fn: () => T, staleMs = 60_000): T {
  fs.mkdirSync(dir, { recursive: true });
  const lock = path.join(dir, '.synth-lock');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(pause, 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
