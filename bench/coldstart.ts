/**
 * `npm run bench:coldstart [-- --rounds 5 --samples 4]`: the module load of an HTTP function, what
 * a cold start spends before the handler runs. Three bundles, built as the stack builds them
 * (packaging/bundle.ts's functionBuildOptions):
 *   a  route:   the largest HTTP function's real bundle (its entry, packaging/route-entry.ts);
 *   b  wrapper: a no-op route inside the same HTTP wrapper (middy, logger, tracer, metrics, error mapping);
 *   c  bare:    a handler with only the DynamoDB client, Powertools' logger and zod.
 * Each sample is a fresh `node` process (with the functions' NODE_OPTIONS) timing `require` of the
 * bundle; rounds interleave the arms (a b c a b c …) so drift on a shared machine hits all three.
 * Medians and ranges go to the console, every sample with the machine to
 * bench/results/coldstart-<UTC date and time>.json; docs/BENCHMARKS.md explains the method and the results.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { routeFunctionName } from '../core/route';
import { routes } from '../core/routes';
import { envNames } from '../core/topology';
import { functionEnvironment } from '../lib/constructs/function-bindings';
import { bundleFunction, functionBuildOptions, functionBundleName } from '../packaging/bundle';
import { routeEntry } from '../packaging/route-entry';
import { machineInfo } from './lib/machine';

const { values } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, samples: { type: 'string', default: '4' } },
});
const rounds = Number(values.rounds);
const samplesPerRound = Number(values.samples);

const noOpEntry = [
  "import { httpHandler, json } from './lambdas/shared/http';",
  "import { serveRoutes } from './lambdas/shared/served-routes';",
  "serveRoutes([{ method: 'GET', path: '/v1/no-op', handler: 'no-op', auth: 'none', summary: 'no-op',",
  "  access: { table: 'read' } }]);",
  'export const handler = httpHandler(async () => json(200, {}), { public: true });',
].join('\n');

const bareEntry = [
  "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';",
  "import { Logger } from '@aws-lambda-powertools/logger';",
  "import { z } from 'zod';",
  'const client = new DynamoDBClient({});',
  'const logger = new Logger();',
  'const request = z.object({ id: z.string() });',
  'export const handler = async (event: unknown) => {',
  '  const { id } = request.parse(event);',
  "  logger.info('get', { id });",
  "  return client.send(new GetItemCommand({ TableName: 't', Key: { pk: { S: id } } }));",
  '};',
].join('\n');

/** What a function finds in its environment on AWS, with placeholder names (nothing is called). */
const environment: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  ...functionEnvironment,
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'coldstart',
  [envNames.table]: 'table',
  [envNames.bucket]: 'bucket',
  [envNames.jobsQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
  [envNames.eventBus]: 'bus',
};

/** Milliseconds one fresh process takes to require `file`. */
function loadMs(file: string): number {
  const script =
    'const t = process.hrtime.bigint(); require(process.argv[1]); ' +
    'console.log(Number(process.hrtime.bigint() - t) / 1e6);';
  return Number(
    execFileSync(process.execPath, ['-e', script, file], {
      env: environment,
      encoding: 'utf8',
      // The SDK's warning about Node 20's end of support is not the subject here.
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim(),
  );
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coldstart-'));
  try {
    // The largest HTTP function: every bundled route's function, built, compared by bundle size.
    let largest = { name: '', file: '', bytes: 0 };
    for (const route of routes.filter((r) => r.runtime !== 'container')) {
      const name = routeFunctionName(route);
      const file = path.join(bundleFunction(routeEntry(route), path.join(dir, name)), functionBundleName);
      const bytes = fs.statSync(file).size;
      if (bytes > largest.bytes) largest = { name, file, bytes };
    }
    const bundle = (name: string, source: string) =>
      path.join(bundleFunction({ source, name: `${name}.ts` }, path.join(dir, name)), functionBundleName);
    const arms = [
      { arm: `a route (${largest.name})`, file: largest.file },
      { arm: 'b wrapper (no-op route)', file: bundle('no-op', noOpEntry) },
      { arm: 'c bare (DynamoDB, logger, zod)', file: bundle('bare', bareEntry) },
    ];
    // One untimed load each: the first process pays for the disk cache.
    for (const { file } of arms) loadMs(file);
    const times = arms.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++)
      for (let sample = 0; sample < samplesPerRound; sample++)
        for (const [i, { file }] of arms.entries()) times[i]!.push(loadMs(file));

    const machine = machineInfo();
    console.log(`node ${machine.node}, ${machine.nproc} × ${machine.cpuModel}, load ${machine.loadAverage.join(' ')}`);
    console.log(`${rounds} rounds × ${samplesPerRound} samples per arm, interleaved; module load in ms`);
    for (const [i, { arm, file }] of arms.entries()) {
      const t = times[i]!;
      const kb = Math.round(fs.statSync(file).size / 1024);
      const range = `${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)}`;
      console.log(`${arm.padEnd(44)} ${kb.toString().padStart(5)} KiB  median ${median(t).toFixed(1)}  (${range})`);
    }
    const [a, b, c] = times.map(median) as [number, number, number];
    console.log(`a / b = ${(a / b).toFixed(2)} (goal ≤ 1.20); b / c = ${(b / c).toFixed(2)}`);
    const stamp = machine.date.replace(/[:.]/g, '-');
    const out = path.join(__dirname, 'results', `coldstart-${stamp}.json`);
    const results = {
      machine,
      rounds,
      samplesPerRound,
      nodeOptions: environment.NODE_OPTIONS,
      buildOptions: functionBuildOptions,
      arms: arms.map(({ arm, file }, i) => ({ arm, bytes: fs.statSync(file).size, samplesMs: times[i] })),
      medianMs: { a, b, c },
      ratios: { aOverB: a / b, bOverC: b / c },
    };
    fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results: ${path.relative(process.cwd(), out)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
