/**
 * The console's build (console/build.ts) and its size budget: what the first page loads (index.html
 * and the JS and CSS it references directly, gzipped) stays within 250 kB, and the prototxt editor
 * (CodeMirror) and the net drawing (dagre) are chunks loaded only when a page shows them. Here in
 * the unit tier because the build is esbuild in-process on the repository's files: no socket, no
 * Caffe, about a second.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildConsoleSync, consoleSourceHash, readConsoleBuild, type ConsoleBuild } from '../../../console/build';

const budgetBytes = 250 * 1000;
const lazyModules =
  /console\/src\/components\/(prototxt-editor|net-graph)\.tsx$|node_modules\/(@codemirror|@dagrejs)\//;

let outDir: string;
let build: ConsoleBuild;

beforeAll(async () => {
  outDir = await mkdtemp(path.join(os.tmpdir(), 'console-build-'));
  build = buildConsoleSync(outDir);
});
afterAll(() => rm(outDir, { recursive: true, force: true }));

test('the first page loads at most 250 kB gzipped', async () => {
  const html = await readFile(path.join(outDir, 'index.html'));
  const files = await Promise.all(build.initial.map((file) => readFile(path.join(outDir, file))));
  const gzipped = [html, ...files].reduce((sum, bytes) => sum + gzipSync(bytes, { level: 9 }).length, 0);
  expect(gzipped).toBeLessThanOrEqual(budgetBytes);
});

test('index.html references the entry script and stylesheet by their hashed names', async () => {
  const html = await readFile(path.join(outDir, 'index.html'), 'utf8');
  expect(build.initial[0]).toMatch(/^assets\/main-[A-Z0-9]+\.js$/);
  for (const file of build.initial) expect(html).toContain(`/${file}`);
  expect(html).not.toContain('<!-- assets -->');
});

test('the editor and the net drawing are in lazily loaded chunks, not in the first load', () => {
  const initial = build.chunks.filter((chunk) => build.initial.includes(chunk.file));
  const lazy = build.chunks.filter((chunk) => !build.initial.includes(chunk.file));
  expect(initial.flatMap((chunk) => chunk.inputs).filter((input) => lazyModules.test(input))).toEqual([]);
  const lazyInputs = lazy.flatMap((chunk) => chunk.inputs);
  expect(lazyInputs.some((input) => input.endsWith('console/src/components/prototxt-editor.tsx'))).toBe(true);
  expect(lazyInputs.some((input) => input.endsWith('console/src/components/net-graph.tsx'))).toBe(true);
});

test('the build records its source hash, which is stable while the sources are', () => {
  expect(readConsoleBuild(outDir)?.sourceHash).toBe(consoleSourceHash());
  expect(consoleSourceHash()).toBe(consoleSourceHash());
});

test('no config.json is built: each deployment writes its own', async () => {
  await expect(readFile(path.join(outDir, 'config.json'))).rejects.toThrow();
});
