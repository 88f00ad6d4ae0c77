/**
 * A route's function bundle (packaging/bundle.ts, packaging/route-entry.ts): an ES module whose cold
 * start loads the wrapper and the route's own code, and leaves the SDKs the route calls only on some
 * requests (S3, SQS, EventBridge: core/aws/clients.ts) to chunks loaded when a request needs them. A
 * static import of one of them anywhere in the route's code would put it back into every cold start.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { routeKey } from '../../../core/route';
import { routes } from '../../../core/routes';
import { bundleFunction, filesLoadedAtInit, functionBundleName } from '../../../packaging/bundle';
import { routeEntry } from '../../../packaging/route-entry';

const deferredSdks = /node_modules\/@aws-sdk\/client-(s3|sqs|eventbridge)\//;

let dir: string;
let entry: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'function-bundle-'));
  const route = routes.find((r) => routeKey(r) === 'POST /v1/datafiles')!;
  entry = path.join(bundleFunction(routeEntry(route), path.join(dir, 'PostDatafiles')), functionBundleName);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** The source files bundled into `files`, from their source maps. */
const sourcesOf = (files: string[]): string[] =>
  files.flatMap((file) => (JSON.parse(fs.readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources);

it('loads the handler and its resource at init, and the S3, SQS and EventBridge SDKs only on demand', () => {
  const atInit = sourcesOf(filesLoadedAtInit(entry));
  expect(atInit.some((source) => source.endsWith('lambdas/http/create-datafile.ts'))).toBe(true);
  expect(atInit.some((source) => source.endsWith('core/api/datafiles.ts'))).toBe(true);
  expect(atInit.filter((source) => deferredSdks.test(source))).toEqual([]);

  const everyChunk = fs.readdirSync(path.dirname(entry)).filter((file) => file.endsWith('.mjs'));
  const all = sourcesOf(everyChunk.map((file) => path.join(path.dirname(entry), file)));
  for (const sdk of ['s3', 'sqs', 'eventbridge'])
    expect(all.some((source) => source.includes(`node_modules/@aws-sdk/client-${sdk}/`))).toBe(true);
});

it('is an ES module Node imports, exporting the handler', () => {
  const script = 'const m = await import(process.argv[1]); console.log(typeof m.handler);';
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, entry], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  expect(out.trim()).toBe('function');
});
