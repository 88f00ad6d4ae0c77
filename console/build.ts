/**
 * Builds the console (console/src) into a folder of static files: `index.html` and hashed `assets/`
 * (code-split ESM, minified; the editor and the net drawing are chunks of their own, loaded when a
 * page needs them). `config.json` is not written: the local gateway answers it, and on AWS the stack
 * writes it at deploy time, so one build serves every deployment.
 * Used by `npm run build:console`, `npm start` (local/console-files.ts) and the stack (lib/).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';

const root = path.resolve(__dirname, '..');
const source = path.join(__dirname, 'src');

/**
 * What the bundle is made of, for `consoleSourceHash`: the console's own source and build script, and
 * the repository code it bundles (the SDK, the prototxt parser, the example nets used as templates).
 */
const inputs = [source, __filename, 'packages/sdk/src', 'core/prototxt', 'examples'].map((p) => path.resolve(root, p));

/** Where the built files' names and hash are recorded in the output folder. */
export const buildStampFile = '.console-build.json';

function filesUnder(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => filesUnder(path.join(target, entry.name)));
}

/** A hash of everything the bundle is built from: equal hashes, equal builds (for caching). */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap(filesUnder)) {
    hash.update(path.relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The files of one build, as the gateway and the size test need them. */
export interface ConsoleBuild {
  /** Paths relative to the output folder of the JS and CSS `index.html` loads directly. */
  initial: string[];
  /** Every JS chunk with the source files (relative to the repository) it holds. */
  chunks: Array<{ file: string; inputs: string[] }>;
  sourceHash: string;
}

/** Builds the console into `outDir` (emptied first): index.html and assets/. */
export function buildConsoleSync(outDir: string): ConsoleBuild {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: { main: path.join(source, 'main.tsx') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    outdir: path.join(outDir, 'assets'),
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    tsconfig: path.join(__dirname, 'tsconfig.json'),
    jsx: 'automatic',
    jsxImportSource: 'preact',
    loader: { '.prototxt': 'text', '.svg': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const relative = (file: string) => path.relative(outDir, path.resolve(root, file)).split(path.sep).join('/');
  const entry = Object.entries(outputs).find(([, output]) => output.entryPoint)!;
  const [entryJs, entryOutput] = entry;
  // The entry and every chunk it imports statically load with the first page; dynamic imports load later.
  const staticJs = new Set<string>();
  const visit = (file: string) => {
    if (staticJs.has(file)) return;
    staticJs.add(file);
    for (const imported of outputs[file]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(entryJs);
  const initial = [...[...staticJs].map(relative), ...(entryOutput.cssBundle ? [relative(entryOutput.cssBundle)] : [])];
  const chunks = Object.entries(outputs)
    .filter(([file]) => file.endsWith('.js'))
    .map(([file, output]) => ({ file: relative(file), inputs: Object.keys(output.inputs) }));
  const template = readFileSync(path.join(source, 'index.html'), 'utf8');
  const tags = [
    ...initial.filter((f) => f.endsWith('.css')).map((f) => `<link rel="stylesheet" href="/${f}">`),
    `<script type="module" src="/${initial[0]}"></script>`,
    // The chunks the entry imports are fetched beside it rather than after it.
    ...initial
      .slice(1)
      .filter((f) => f.endsWith('.js'))
      .map((f) => `<link rel="modulepreload" href="/${f}">`),
  ].join('\n    ');
  writeFileSync(path.join(outDir, 'index.html'), template.replace('<!-- assets -->', tags));
  copyFileSync(path.join(source, 'favicon.svg'), path.join(outDir, 'favicon.svg'));
  const build: ConsoleBuild = { initial, chunks, sourceHash: consoleSourceHash() };
  writeFileSync(path.join(outDir, buildStampFile), `${JSON.stringify(build, null, 2)}\n`);
  return build;
}

/** The build recorded in `outDir`, or undefined when there is none. */
export function readConsoleBuild(outDir: string): ConsoleBuild | undefined {
  try {
    return JSON.parse(readFileSync(path.join(outDir, buildStampFile), 'utf8')) as ConsoleBuild;
  } catch {
    return undefined;
  }
}

/** `npm run build:console [outDir]`: builds into console/dist (or the folder given). */
if (require.main === module) {
  const outDir = path.resolve(process.argv[2] ?? path.join(__dirname, 'dist'));
  const started = Date.now();
  const build = buildConsoleSync(outDir);
  console.log(`console built in ${Date.now() - started} ms → ${outDir} (${build.chunks.length} JS chunks)`);
}
