/**
 * The console's sweeps and models pages in a real browser (Debian's Chromium) against the real local
 * cloud with real Caffe, kept tiny: a two-trial ASHA sweep over base_lr on 200 Fashion-MNIST images
 * (rungs at 10 and 20 iterations, so the better trial's curve spans two jobs), created through the
 * API, watched on its page until it ends; then a model published from its best trial, its page and
 * actions, and the same weights uploaded through the registration form. Each page is screenshotted,
 * checked with axe-core, and any browser console error fails.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildConsoleSync } from '../../console/build';
import {
  check,
  expectAccessible,
  expectNoBrowserErrors,
  launchBrowser,
  openPage,
  stepTimer,
  until,
  waitForStatus,
} from '../support/browser';
import type { ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { tinyDataset, tinyNet, tinySolver } from '../support/tar-craft';

jest.setTimeout(6 * 60_000);

const tenant = 'tenant-sweeps';

interface SweepView {
  id: string;
  status: string;
  trials: Array<{ id: string; jobIds: string[]; objective: number | null; status: string }>;
  best?: { trialId: string; objective: number };
}
interface Metrics {
  train: Array<{ iteration: number; loss: number | null }>;
  test: Array<{ iteration: number; outputs: Record<string, number | null> }>;
}

let cloud: TestCloud;
let browser: Browser;
let api: ElasticCaffeClient;
let work: string;
let sweepId: string;

const { steps, mark } = stepTimer();

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'browser-sweeps-'));
  const consoleDir = path.join(work, 'console');
  buildConsoleSync(consoleDir);
  [cloud, browser] = await Promise.all([startTestCloud({ consoleDir }), launchBrowser()]);
  api = await cloud.as(tenant);
  const { datasetId } = await tinyDataset(api, { images: 200, ready: true });
  const solver = await api.request<{ id: string }>('POST', '/v1/solvers', {
    name: 'tiny-20',
    datasetId,
    net: tinyNet(),
    solver: tinySolver(20),
  });
  sweepId = (
    await api.request<{ id: string }>('POST', '/v1/sweeps', {
      name: 'lr-asha',
      solverId: solver.id,
      parameters: { base_lr: { values: [0.001, 0.02] } },
      strategy: 'asha',
      maxTrials: 2,
      maxParallel: 2,
      objective: { output: 'accuracy', goal: 'maximize' },
      asha: { minIterations: 10, reductionFactor: 2 },
      seed: 1,
    })
  ).id;
  mark('local cloud, console build, browser, dataset and sweep started');
});
afterAll(async () => {
  console.log(`browser test steps:\n${steps.join('\n')}`);
  await browser?.close();
  await cloud?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function signIn(page: Page): Promise<void> {
  await page.goto(`${cloud.cloud.url}/`);
  await page.getByLabel('Tenant').fill(tenant);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
}

const seriesPoints = async (page: Page, chart: string): Promise<number[]> =>
  ((await page.locator(`[data-chart="${chart}"]`).getAttribute('data-series-points')) ?? '')
    .split(',')
    .filter(Boolean)
    .map(Number);

test('a sweep followed to its end: its leaderboard names each trial and the best; a curve spans its jobs', async () => {
  // The new sweep with a deliberate mistake is refused (400).
  const watched = await openPage(browser, { expectedFailures: [/\/v1\/sweeps$/] });
  const { page } = watched;
  await signIn(page);

  await page.getByRole('link', { name: 'Sweeps', exact: true }).click();
  await page.getByRole('heading', { name: 'Sweeps', level: 1 }).waitFor();
  await page.getByRole('link', { name: 'lr-asha' }).click();
  await page.getByRole('heading', { name: 'Sweep lr-asha', level: 1 }).waitFor();
  // The page follows the sweep by itself (no reload) while its trials train.
  await waitForStatus(page, 'succeeded', 240_000);
  mark('sweep succeeded on its page');

  const sweep = await api.request<SweepView>('GET', `/v1/sweeps/${sweepId}`);
  expect(sweep.best).toBeDefined();
  const board = page.getByRole('table').first();
  const rows = board.locator('tbody tr');
  await until('a row per trial', async () => ((await rows.count()) === sweep.trials.length ? true : undefined));
  expect(sweep.trials).toHaveLength(2);
  const bestIndex = sweep.trials.findIndex((t) => t.id === sweep.best!.trialId);
  // The best leads, highlighted and tagged; every trial's jobs link to their pages.
  const best = board.locator('tr.best');
  expect(await best.count()).toBe(1);
  expect(await best.getAttribute('data-trial')).toBe(sweep.best!.trialId);
  expect(await best.getByRole('rowheader').textContent()).toBe(`Trial ${bestIndex + 1}best`);
  expect(await rows.first().getAttribute('data-trial')).toBe(sweep.best!.trialId);
  for (const trial of sweep.trials)
    for (const jobId of trial.jobIds)
      expect(await board.locator(`tr[data-trial="${trial.id}"] a[href="/training-jobs/${jobId}"]`).count()).toBe(1);
  // ASHA promoted the better trial: its second job resumed the first at the rung.
  expect(sweep.trials.some((t) => t.jobIds.length === 2)).toBe(true);

  // Each trial's curve holds exactly the points of the API's curve for that trial (its jobs' points,
  // each later job's replacing the earlier one's from where it resumed).
  const expected = await Promise.all(
    sweep.trials.map(async (trial) => {
      const { metrics } = await api.request<{ metrics: Metrics }>('GET', `/v1/sweeps/${sweepId}/trials/${trial.id}`);
      return {
        loss: metrics.train.length,
        accuracy: metrics.test.filter((t) => 'accuracy' in t.outputs).length,
      };
    }),
  );
  await until('every trial’s full curves', async () => {
    const loss = await seriesPoints(page, 'Loss');
    const accuracy = await seriesPoints(page, 'Test accuracy');
    return JSON.stringify(loss) === JSON.stringify(expected.map((e) => e.loss)) &&
      JSON.stringify(accuracy) === JSON.stringify(expected.map((e) => e.accuracy))
      ? true
      : undefined;
  });
  for (const e of expected) expect(e.loss).toBeGreaterThan(0);
  for (const e of expected) expect(e.accuracy).toBeGreaterThan(0);
  await page.getByText(/of \d+ \(every trial to the end\)/).waitFor();
  await check(watched, 'sweep');

  await page.getByRole('link', { name: 'Sweeps', exact: true }).click();
  const row = page.getByRole('row', { name: /lr-asha/ });
  await row.getByText('2 / 2').waitFor();
  await row.getByText(/accuracy: \d/).waitFor();
  await check(watched, 'sweeps');

  // A new sweep with a mistake in its parameters: not JSON, then a field Caffe's solver does not have.
  const parameters = page.getByLabel('Parameters (JSON)');
  await parameters.fill('{"base_lr": ');
  await page.getByRole('button', { name: 'Start the sweep' }).click();
  await page
    .locator('#sweep-parameters-errors')
    .getByText(/^Not JSON/)
    .waitFor();
  await parameters.fill('{"base_lrr": {"values": [0.1]}}');
  await page.getByRole('button', { name: 'Start the sweep' }).click();
  await page.locator('#sweep-parameters-errors').getByText('parameters.base_lrr').waitFor();
  expect(await parameters.getAttribute('aria-invalid')).toBe('true');
  await expectAccessible(page);
  expectNoBrowserErrors(watched);
  mark('sweep pages checked');
});

test('a model published from the best trial: its page, a classifier from it, delete refused while used', async () => {
  const watched = await openPage(browser, {
    // Deleting a model a classifier uses is refused on purpose (409).
    expectedFailures: [/\/v1\/models\/md_[^/]+$/],
  });
  const { page } = watched;
  const sweep = await api.request<SweepView>('GET', `/v1/sweeps/${sweepId}`);
  const bestTrial = sweep.trials.find((t) => t.id === sweep.best!.trialId)!;
  const jobId = bestTrial.jobIds.at(-1)!;
  const { name } = await api.request<{ name: string }>('GET', `/v1/training-jobs/${jobId}`);
  await signIn(page);

  // Published from the job's page: the model takes the job's name and points at its weights.
  await page.goto(`${cloud.cloud.url}/training-jobs/${jobId}`);
  await page.getByRole('button', { name: 'Publish as a model' }).click();
  await page.waitForURL(/\/models\/md_/);
  const model = await api.request<{ id: string; deploy?: string; labels?: string[]; lineage?: object }>(
    'GET',
    `/v1/models/${new URL(page.url()).pathname.split('/').pop()}`,
  );
  expect(model).toMatchObject({ name, source: 'training-job', lineage: { trainingJobId: jobId } });
  await page.getByRole('heading', { name: `Model ${name}`, level: 1 }).waitFor();

  await page.getByRole('link', { name: 'Models', exact: true }).click();
  await page.getByRole('heading', { name: 'Models', level: 1 }).waitFor();
  const row = page.getByRole('row', { name: new RegExp(name) });
  await row.getByRole('link', { name: jobId }).waitFor();
  await check(watched, 'models');

  await row.getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { name: `Model ${name}`, level: 1 }).waitFor();
  await waitForStatus(page, 'ready');
  await page.getByRole('link', { name: jobId }).waitFor();
  await page.getByRole('heading', { name: 'Deploy net', exact: true }).waitFor();
  await page.locator('svg[aria-label="Net graph"]').waitFor();
  expect(await page.locator('ol.labels li').count()).toBe(10);
  await check(watched, 'model');

  // Fine-tune goes to the new-job form with the model's weights.
  await page.getByRole('link', { name: 'Fine-tune from this model' }).click();
  await page.getByRole('heading', { name: 'Fine-tune' }).waitFor();
  expect(await page.getByLabel(/Start from the weights of/).inputValue()).toBe(model.id);
  await page.goBack();

  await page.getByRole('button', { name: 'Make a classifier' }).click();
  await page.waitForURL(/\/classifiers\/cl_/);
  await page.goto(`${cloud.cloud.url}/models/${model.id}`);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Yes, delete' }).click();
  await page
    .getByRole('alert')
    .getByText(/classifier/i)
    .waitFor();
  expectNoBrowserErrors(watched);
  mark('published model checked');

  // The same weights registered again through the form: an upload from the browser, checked by Caffe.
  const artifacts = await api.request<{ model: { url: string } | null }>('GET', `/v1/training-jobs/${jobId}/artifacts`);
  const weights = path.join(work, 'best-lr.caffemodel');
  await writeFile(weights, Buffer.from(await (await fetch(artifacts.model!.url)).arrayBuffer()));
  const deploy = path.join(work, 'deploy.prototxt');
  await writeFile(deploy, model.deploy!);
  const labels = path.join(work, 'labels.txt');
  await writeFile(labels, `${model.labels!.join('\n')}\n`);
  await page.getByRole('link', { name: 'Models', exact: true }).click();
  await page.getByLabel('Weights (.caffemodel)').setInputFiles(weights);
  await page.getByLabel('Name (optional)').fill('uploaded');
  await page.getByLabel('Deploy net (.prototxt, optional)').setInputFiles(deploy);
  await page.getByLabel('Labels (one per line, optional)').setInputFiles(labels);
  await page.getByRole('button', { name: 'Upload the model' }).click();
  const uploaded = page.getByRole('row', { name: /uploaded/ });
  await until('the uploaded model checked', async () => {
    const status = await uploaded.locator('.status').textContent({ timeout: 30_000 });
    if (status === 'failed') throw new Error('the uploaded model failed its check');
    return status === 'ready' ? true : undefined;
  });
  expect(await uploaded.locator('td.number').first().textContent()).toBe('10');
  await check(watched, 'models');
  mark('uploaded model checked');
});
