/**
 * The browser tests' tools: Debian's Chromium driven by playwright-core (nothing downloaded at test
 * time), pages that fail the test on any console error or uncaught exception, an axe-core check of
 * the page as it is, and screenshots kept in test/browser/screenshots/ (gitignored; copied to
 * docs/console/ by `npm run docs:console-screenshots`).
 */
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's package (`apt-get install chromium`); .ci/run installs it when missing. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = path.join(__dirname, '..', 'browser', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and page errors seen so far (the test fails on any at `expectNoBrowserErrors`). */
  errors: string[];
}

export interface PageOptions {
  /**
   * Requests whose error status the test provokes on purpose (Chromium logs every failed request as
   * a console error, e.g. the 400 of a solver with a deliberate mistake): matched against the URL.
   */
  expectedFailures?: RegExp[];
}

/** A fresh page (1280×800, a laptop's width) in a context of its own, watched for errors. */
export async function openPage(browser: Browser, options: PageOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    const expected =
      /^Failed to load resource/.test(message.text()) && options.expectedFailures?.some((re) => re.test(url));
    if (!expected) errors.push(`console error: ${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return { page, errors };
}

/** Fails the test with every console or page error since the page opened. */
export function expectNoBrowserErrors(watched: WatchedPage): void {
  if (watched.errors.length) throw new Error(`the browser reported errors:\n${watched.errors.join('\n')}`);
}

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}

let axeText: string | undefined;
const axeSource = () => (axeText ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));

/** Runs axe-core (from node_modules) on the page as it is; fails on any violation, naming the elements. */
export async function expectAccessible(page: Page): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern (a script
  // tag would be refused: the console runs under the deployed policy, script-src 'self').
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource());
  const result = await page.evaluate(
    () => (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run() as Promise<AxeResult>,
  );
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
  );
  if (found.length) throw new Error(`axe found problems on ${page.url()}:\n${found.join('\n')}`);
}

/** Saves a full-page screenshot as test/browser/screenshots/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs` naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Screenshot and axe check of the page as it is now; any browser error so far fails the test. */
export async function check(watched: WatchedPage, name: string): Promise<void> {
  await screenshot(watched.page, name);
  await expectAccessible(watched.page);
  expectNoBrowserErrors(watched);
}

/** The status badge of a record page (its summary bar or its facts list). */
export const statusOf = (page: Page) => page.locator('.summary .status, dl.facts .status').first().textContent();

/** Waits until the record page's status badge says `status` (the page polls by itself). */
export async function waitForStatus(page: Page, status: string, timeoutMs = 180_000): Promise<void> {
  await until(
    `status ${status} on ${page.url()}`,
    async () => {
      const now = await statusOf(page);
      if (now === 'failed' || now === 'cancelled') throw new Error(`${page.url()} ended ${now}`);
      return now === status ? true : undefined;
    },
    timeoutMs,
  );
}

/** When each step of a test ended (seconds since `stepTimer()`), to print at the end: where its minutes go. */
export function stepTimer() {
  const started = Date.now();
  const steps: string[] = [];
  return {
    steps,
    mark: (step: string) => steps.push(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${step}`),
  };
}
