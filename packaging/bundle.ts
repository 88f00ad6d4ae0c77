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
  entry: string | FunctionEntry,
  outfile: string,
  options: Pick<BuildOptions, 'minify' | 'sourcesContent' | 'target'> = {},
): string {
  fs.mkdirSync(path.dirname(outfile), { recursive: true });
  const partial = `${outfile}.${process.pid}.partial`;
  buildSync({
    ...entryOptions(typeof entry === 'string' ? { file: entry } : entry),
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

/** The repository root: a generated entry module's imports resolve from here. */
const projectRoot = path.resolve(__dirname, '..');

/** esbuild's entry options: a file, or a generated module read from stdin. */
function entryOptions(entry: FunctionEntry): BuildOptions {
  if ('file' in entry) return { entryPoints: [entry.file] };
  return { stdin: { contents: entry.source, resolveDir: projectRoot, sourcefile: entry.name, loader: 'ts' } };
}

/** What a function bundle starts from: a module file, or the source of a generated entry module. */
export type FunctionEntry = { readonly file: string } | { readonly source: string; readonly name: string };

/**
 * esbuild settings of the Lambda functions' bundles (lib/constructs/service-function.ts), which the
 * cold-start benchmark loads as they are (bench/coldstart.ts). `mainFields` prefers a package's ES
 * module build, which esbuild can tree-shake (the AWS SDK's CommonJS builds keep every export);
 * minified, with a source map beside each file (the functions run with --enable-source-maps).
 *
 * ES module output with code splitting: a module the code loads with `import()` (the S3, SQS and
 * EventBridge SDKs, core/aws/clients.ts; the credential providers the SDK itself loads that way) becomes
 * a file of its own, which Node neither parses nor runs until a request asks for it. CommonJS output
 * would keep it in the one file, parsed at every cold start. The CommonJS packages inside still call
 * `require` for Node's built-in modules, which an ES module lacks: the banner makes one.
 */
export const functionBuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  splitting: true,
  entryNames: 'index',
  outExtension: { '.js': '.mjs' },
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  mainFields: ['module', 'main'],
  minify: true,
  treeShaking: true,
  sourcemap: 'linked',
  sourcesContent: false,
  legalComments: 'none',
  logLevel: 'warning',
} as const satisfies BuildOptions;

/** The file name of a function's entry in its folder, beside the chunks it imports; the handler is `index.handler`. */
export const functionBundleName = 'index.mjs';

/**
 * Bundles a function into `directory` (index.mjs, the chunks it imports and their source maps, nothing
 * else), built beside it and swapped into place. Callers that hash the folder while another process may
 * rebuild it hold the build lock (withBuildLock) around both.
 */
export function bundleFunction(entry: FunctionEntry, directory: string): string {
  const partial = `${directory}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  buildSync({ ...functionBuildOptions, ...entryOptions(entry), outdir: partial });
  fs.rmSync(directory, { recursive: true, force: true });
  fs.renameSync(partial, directory);
  return directory;
}

/** A chunk imported statically by a bundle file: `import"./chunk-X.mjs"` or `import{a}from"./chunk-X.mjs"`. */
const staticImport = /(?:^|[;}\n])\s*import\s*(?:[^'"()]*?from\s*)?["'](\.\/[^"']+)["']/g;

/**
 * The files of a function's bundle that its cold start loads: the entry and every chunk it imports
 * statically, not those imported on demand (`import()`).
 */
export function filesLoadedAtInit(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, chunk] of fs.readFileSync(file, 'utf8').matchAll(staticImport))
      visit(path.join(path.dirname(file), chunk!));
  };
  visit(entry);
  return [...seen];
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
