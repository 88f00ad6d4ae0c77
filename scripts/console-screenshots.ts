/**
 * `npm run docs:console-screenshots`: copies the browser test's latest screenshots
 * (test/browser/screenshots/, written by `npm run test:browser`) to docs/console/, where the README
 * and docs/CONSOLE.md show them. Run the browser test first; this only copies what it saved.
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';

const root = path.join(__dirname, '..');
const from = path.join(root, 'test', 'browser', 'screenshots');
const to = path.join(root, 'docs', 'console');

/** The pages the docs show, as the browser test names its screenshots. */
export const documentedScreenshots = [
  'sign-in',
  'overview',
  'datafiles',
  'dataset',
  'solver-error',
  'training-job-running',
  'training-job',
  'compare',
  'sweeps',
  'sweep',
  'models',
  'model',
  'classifier',
  'admin',
];

async function main(): Promise<void> {
  const saved = new Set((await readdir(from).catch(() => [])).filter((f) => f.endsWith('.png')));
  const missing = documentedScreenshots.filter((name) => !saved.has(`${name}.png`));
  if (missing.length) {
    console.error(`missing in ${path.relative(root, from)}: ${missing.join(', ')} — run npm run test:browser first`);
    process.exit(1);
  }
  await mkdir(to, { recursive: true });
  for (const name of documentedScreenshots) {
    const file = `${name}.png`;
    await copyFile(path.join(from, file), path.join(to, file));
    const { mtime } = await stat(path.join(from, file));
    console.log(`docs/console/${file} (taken ${mtime.toISOString()})`);
  }
}

void main();
