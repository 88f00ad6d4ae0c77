// STAND-IN: replaced by the console-app helper's version at merge
/**
 * A minimal stand-in for the console's build, with the exports the CDK app uses (lib/constructs/console-site.ts):
 * `buildConsoleSync` writes index.html and one hashed asset (never config.json: that is written at deploy time),
 * `consoleSourceHash` names the sources the build depends on.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const sourceFiles = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((entry) => entry.isFile())
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort()
    : [];

/** A hash of everything the build reads: the same sources give the same build. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of [__filename, ...sourceFiles(path.join(__dirname, 'src'))]) {
    hash.update(path.relative(__dirname, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Writes index.html and its one asset into `outDir`. */
export function buildConsoleSync(outDir: string): void {
  const script =
    "fetch('/config.json').then((r) => r.json()).then((c) => { document.body.dataset.auth = c.auth.mode; });";
  const name = `assets/app-${createHash('sha256').update(script).digest('hex').slice(0, 8)}.js`;
  fs.mkdirSync(path.join(outDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(outDir, name), `${script}\n`);
  fs.writeFileSync(
    path.join(outDir, 'index.html'),
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Elastic Caffe</title>` +
      `<script type="module" src="/${name}"></script></head><body></body></html>\n`,
  );
}
