/**
 * `npm run bench:console [-- --runs N] [-- --url URL]`: the console's time to interactive on its first
 * page. Each run opens the sign-in page in a fresh browser context of Debian's Chromium (no HTTP cache,
 * no session) and takes the time from the navigation's start to the app's ready mark (`console-ready`,
 * set once the page has rendered), checking the "Sign in" button is enabled then. Served by the local
 * gateway (local/gateway.ts with the console's files, as `npm start` serves it) from a fresh build, or
 * by the system at `--url`. Goal: under a second locally. Writes bench/results/console-<time>.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { buildConsoleSync } from '../console/build';
import { consoleFilesRoute } from '../local/console-files';
import { startGateway } from '../local/gateway';
import { machineInfo } from './lib/machine';
import { fixed, summarize } from './lib/stats';

interface Run {
  /** Navigation start → the app's ready mark, ms. */
  readyMs: number;
  /** Navigation start → DOMContentLoaded, ms. */
  domContentLoadedMs: number;
  /** Bytes the page transferred (encoded bodies). */
  transferredBytes: number;
}

const argument = (name: string): string | undefined => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

async function serveFreshBuild(): Promise<{ url: string; initialGzipBytes: number; stop(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-console-'));
  const build = buildConsoleSync(dir);
  const initialGzipBytes = ['index.html', ...build.initial].reduce(
    (sum, file) => sum + gzipSync(readFileSync(path.join(dir, file))).length,
    0,
  );
  const { server, url } = await startGateway({
    port: 0,
    verifyToken: async () => {
      throw new Error('the benchmark signs nobody in');
    },
    handlerFor: () => {
      throw new Error('the benchmark calls no API route');
    },
    localRoute: consoleFilesRoute(dir),
  });
  return {
    url,
    initialGzipBytes,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function main(): Promise<void> {
  const runs = Number(argument('runs') ?? 20);
  const given = argument('url');
  const served = given ? undefined : await serveFreshBuild();
  const url = `${given ?? served!.url}/sign-in`;
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
  const results: Run[] = [];
  try {
    for (let i = -2; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => performance.getEntriesByName('console-ready').length > 0);
      if (!(await page.getByRole('button', { name: 'Sign in' }).isEnabled())) throw new Error('Sign in is disabled');
      const run = await page.evaluate(() => {
        // Typed here: the benchmark is compiled without the DOM library.
        type Entry = { startTime: number; transferSize?: number; domContentLoadedEventEnd?: number };
        const timing = performance as unknown as {
          getEntriesByType(type: string): Entry[];
          getEntriesByName(name: string): Entry[];
        };
        const navigation = timing.getEntriesByType('navigation')[0]!;
        const resources = timing.getEntriesByType('resource');
        return {
          readyMs: timing.getEntriesByName('console-ready')[0]!.startTime,
          domContentLoadedMs: navigation.domContentLoadedEventEnd ?? Number.NaN,
          transferredBytes: [navigation, ...resources].reduce((sum, r) => sum + (r.transferSize ?? 0), 0),
        };
      });
      await context.close();
      if (i >= 0) results.push(run); // the first two are warm-ups (the browser's own start)
    }
  } finally {
    await browser.close();
    await served?.stop();
  }
  const ready = summarize(results.map((r) => r.readyMs));
  const dcl = summarize(results.map((r) => r.domContentLoadedMs));
  const report = {
    benchmark: 'console',
    at: new Date().toISOString(),
    machine: machineInfo(),
    url: given ?? 'local gateway, fresh build',
    initialGzipBytes: served?.initialGzipBytes,
    runs: results,
    summary: { readyMs: ready, domContentLoadedMs: dcl },
  };
  const resultsDir = path.join(__dirname, 'results');
  await mkdir(resultsDir, { recursive: true });
  const stamp = `${report.at.slice(0, 16).replace(':', '')}Z`; // 2026-12-07T0020Z, as the other results
  const file = path.join(resultsDir, `console-${stamp}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`| Measure (${ready.n} runs, fresh context each) | median | min | max |`);
  console.log('|---|---|---|---|');
  const row = (what: string, s: typeof ready) =>
    `| ${what} | ${fixed(s.median, 0)} | ${fixed(s.min, 0)} | ${fixed(s.max, 0)} |`;
  console.log(row('Navigation start → console ready (ms)', ready));
  console.log(row('Navigation start → DOMContentLoaded (ms)', dcl));
  if (served) console.log(`Initial load: ${(served.initialGzipBytes / 1000).toFixed(1)} kB gzipped`);
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
