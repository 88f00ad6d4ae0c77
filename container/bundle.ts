/**
 * esbuild settings shared by the bundles the images run (the worker, the classify function): one
 * CommonJS file per entry with an inline source map. The output depends only on the sources and
 * the output path, so the CDK image asset hashes are stable across synths.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { mkdirSync, renameSync } from 'node:fs';
import * as path from 'node:path';

/** Bundles `entry` into `outfile`, written beside it and renamed into place: a reader never sees half a file. */
export function bundleInto(entry: string, outfile: string, options: Pick<BuildOptions, 'minify' | 'sourcesContent' | 'target'> = {}): string {
  mkdirSync(path.dirname(outfile), { recursive: true });
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
  renameSync(partial, outfile);
  return outfile;
}
