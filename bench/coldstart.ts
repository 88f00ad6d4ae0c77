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
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { routeFunctionName, routeKey } from '../core/route';
import { routes } from '../core/routes';
import { envNames } from '../core/topology';
import { functionEnvironment } from '../lib/constructs/function-bindings';
import { bundleFunction, filesLoadedAtInit, functionBuildOptions, functionBundleName } from '../packaging/bundle';
import { routeEntry } from '../packaging/route-entry';
import { machineInfo } from './lib/machine';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    samples: { type: 'string', default: '4' },
    functions: { type: 'string', default: '2' },
  },
});
const rounds = Number(values.rounds);
const samplesPerRound = Number(values.samples);
const functionCount = Number(values.functions);
const execFileAsync = promisify(execFile);

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

/**
 * What a function finds in its environment on AWS, with placeholder names and credentials; every AWS
 * endpoint is the stub below (`stubAws`), so a first request runs its whole path without an account.
 */
const environment = (awsEndpoint: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  ...functionEnvironment,
  AWS_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'coldstart',
  AWS_ACCESS_KEY_ID: 'AKIDCOLDSTART',
  AWS_SECRET_ACCESS_KEY: 'coldstart',
  AWS_SESSION_TOKEN: 'coldstart',
  AWS_ENDPOINT_URL: awsEndpoint,
  [envNames.table]: 'table',
  [envNames.bucket]: 'bucket',
  [envNames.jobsQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/jobs',
  [envNames.eventBus]: 'bus',
});

/**
 * AWS as far as the measured requests need it: every call answers an empty JSON object at once
 * (DynamoDB: no item, no page, put done). The route's request only reads and writes DynamoDB and
 * presigns an S3 URL, which is local.
 */
async function stubAws(): Promise<{ endpoint: string; close: () => void }> {
  const server = http.createServer((request, response) => {
    request.resume().on('end', () => {
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'coldstart' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** One cold start: the bundle loaded, then two requests, as Lambda would run them in a fresh sandbox. */
interface Sample {
  /** Module load: `import` of the entry (its static chunks included), what the init phase runs. */
  loadMs: number;
  /**
   * The first request, with whatever it loads on the way (chunks the bundle imports on demand); NaN for a
   * function without a request in `routeRequests`.
   */
  firstMs: number;
  /** The same request again, warm: `firstMs - secondMs` is what the first request pays for being first. */
  secondMs: number;
}

/**
 * The child process of one sample: an ES module (an entry `.mjs` is imported, a CommonJS `.js` bundle
 * required) that answers JSON on stdout and fails on an answer other than `status`.
 */
const sampleScript = [
  "import { createRequire } from 'node:module';",
  'const [file, eventJson, status] = process.argv.slice(1);',
  'const now = () => Number(process.hrtime.bigint()) / 1e6;',
  'const t0 = now();',
  "const { handler } = file.endsWith('.mjs') ? await import(file) : createRequire(file)(file);",
  'const t1 = now();',
  'const invoke = async (n) => {',
  '  const context = { awsRequestId: "request-" + n, functionName: "coldstart", functionVersion: "1",',
  '    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:coldstart", memoryLimitInMB: "512",',
  '    getRemainingTimeInMillis: () => 29000, callbackWaitsForEmptyEventLoop: true };',
  '  const answer = await handler(JSON.parse(eventJson), context);',
  '  const got = String(answer?.statusCode ?? 200);',
  '  if (got !== status) throw new Error("answered " + got + ", not " + status + ": " + JSON.stringify(answer));',
  '};',
  "if (eventJson === 'null') { console.log(JSON.stringify({ loadMs: t1 - t0 })); process.exit(0); }",
  'await invoke(1);',
  'const t2 = now();',
  'await invoke(2);',
  'const t3 = now();',
  'console.log(JSON.stringify({ loadMs: t1 - t0, firstMs: t2 - t1, secondMs: t3 - t2 }));',
].join('\n');

/** An HTTP API (payload 2.0) request as API Gateway hands it to a function, from an authenticated tenant. */
function apiEvent(routeKey: string, body?: unknown) {
  const [method, rawPath] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      http: { method, path: rawPath },
      requestId: 'coldstart',
      authorizer: { jwt: { claims: { sub: 'tenant-coldstart' }, scopes: [] } },
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body), isBase64Encoded: false }),
  };
}

/** The request each arm answers, and the status it must answer with. */
interface Arm {
  arm: string;
  file: string;
  /** null: module load only. */
  event: unknown;
  status: string;
}

/**
 * The first request measured for a route arm: a datafile upload (DynamoDB reads and a write, an S3
 * presigned URL: the S3 SDK is loaded on the way), the OpenAPI document. Other routes: module load only.
 */
const routeRequests: Record<string, { body?: unknown; status: string }> = {
  'POST /v1/datafiles': { body: { name: 'coldstart', format: 'image-folders', sizeBytes: 1024 }, status: '201' },
  'GET /v1/openapi.json': { status: '200' },
};

async function sample(arm: Arm, awsEndpoint: string): Promise<Sample> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--input-type=module', '-e', sampleScript, arm.file, JSON.stringify(arm.event), arm.status],
    // The SDK's warning about Node 20's end of support is not the subject here.
    { env: environment(awsEndpoint), encoding: 'utf8' },
  );
  const measured = JSON.parse(stdout.trim().split('\n').at(-1)!) as Partial<Sample>;
  return { firstMs: Number.NaN, secondMs: Number.NaN, ...measured } as Sample;
}

/** Bytes a cold start loads: the entry and every chunk it imports statically (not those imported on demand). */
const initBytes = (entry: string): number =>
  filesLoadedAtInit(entry).reduce((sum, file) => sum + fs.statSync(file).size, 0);

const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const columns = ['loadMs', 'firstMs', 'secondMs'] as const;

/** The commit measured (with `+` when the tree has changes), or undefined outside a git checkout. */
function gitCommit(): string | undefined {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
    return dirty ? `${commit}+` : commit;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coldstart-'));
  const aws = await stubAws();
  try {
    // The largest HTTP functions: every bundled route's function, built, compared by what its cold start loads.
    const functions = routes
      .filter((route) => route.runtime !== 'container')
      .map((route) => {
        const name = routeFunctionName(route);
        const file = path.join(bundleFunction(routeEntry(route), path.join(dir, name)), functionBundleName);
        return { route: routeKey(route), name, file, bytes: initBytes(file) };
      })
      .sort((x, y) => y.bytes - x.bytes);
    console.log(
      `largest functions (KiB loaded at init): ${functions
        .slice(0, 5)
        .map((f) => `${f.name} ${Math.round(f.bytes / 1024)}`)
        .join(', ')}`,
    );
    const bundle = (name: string, source: string) =>
      path.join(bundleFunction({ source, name: `${name}.ts` }, path.join(dir, name)), functionBundleName);
    // The largest, and the datafile upload: the function whose S3, SQS and EventBridge SDKs moved to first use.
    const measured = functions.filter((f, k) => k < functionCount || f.route === 'POST /v1/datafiles');
    const routeArms = measured.map(({ route, name, file }, k): Arm => {
      const request = routeRequests[route];
      const event = request ? apiEvent(route, request.body) : null;
      return { arm: `a${k + 1} route (${name})`, file, event, status: request?.status ?? '' };
    });
    const wrapper: Arm = {
      arm: 'b wrapper (no-op route)',
      file: bundle('no-op', noOpEntry),
      event: apiEvent('GET /v1/no-op'),
      status: '200',
    };
    const bare: Arm = {
      arm: 'c bare (DynamoDB, logger, zod)',
      file: bundle('bare', bareEntry),
      event: { id: 'x' },
      status: '200',
    };
    const arms = [...routeArms, wrapper, bare];
    // One untimed sample each: the first process pays for the disk cache.
    for (const arm of arms) await sample(arm, aws.endpoint);
    const samples = arms.map(() => [] as Sample[]);
    for (let round = 0; round < rounds; round++)
      for (let i = 0; i < samplesPerRound; i++)
        for (const [k, arm] of arms.entries()) samples[k]!.push(await sample(arm, aws.endpoint));

    const machine = machineInfo();
    const medianOf = (s: Sample[]): Sample =>
      Object.fromEntries(columns.map((c) => [c, median(s.map((x) => x[c]))])) as unknown as Sample;
    const medians = samples.map(medianOf);
    console.log(`node ${machine.node}, ${machine.nproc} × ${machine.cpuModel}, load ${machine.loadAverage.join(' ')}`);
    console.log(`${rounds} rounds × ${samplesPerRound} samples per arm, interleaved; ms, median (min–max)`);
    console.log(`${'arm'.padEnd(44)} init KiB  ${columns.map((c) => c.padEnd(18)).join(' ')}`);
    for (const [k, { arm, file }] of arms.entries()) {
      const cells = columns.map((c) => {
        const t = samples[k]!.map((x) => x[c]);
        if (t.some(Number.isNaN)) return '–'.padEnd(18);
        return `${median(t).toFixed(1)} (${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)})`.padEnd(18);
      });
      console.log(
        `${arm.padEnd(44)} ${Math.round(initBytes(file) / 1024)
          .toString()
          .padStart(8)}  ${cells.join(' ')}`,
      );
    }
    // Module load is the issue's measure; load + first request is the cold start a caller waits for.
    const coldMs = (x: Sample) => x.loadMs + x.firstMs;
    const b = medians.at(-2)!;
    const c = medians.at(-1)!;
    const ratios = Object.fromEntries(
      arms.slice(0, -1).map(({ arm }, k) => {
        const [over, x] = k < routeArms.length ? [b, medians[k]!] : [c, b];
        return [arm, { load: x.loadMs / over.loadMs, loadAndFirst: coldMs(x) / coldMs(over) }];
      }),
    );
    for (const [arm, r] of Object.entries(ratios)) {
      const over = arm.startsWith('b') ? 'c' : 'b';
      const goal = over === 'b' ? ' (goal ≤ 1.20)' : '';
      console.log(
        `${arm} / ${over}: module load ${r.load.toFixed(2)}${goal}, load + first request ${r.loadAndFirst.toFixed(2)}`,
      );
    }
    const stamp = machine.date.replace(/[:.]/g, '-');
    const out = path.join(__dirname, 'results', `coldstart-${stamp}.json`);
    const results = {
      machine,
      commit: gitCommit(),
      rounds,
      samplesPerRound,
      nodeOptions: functionEnvironment.NODE_OPTIONS,
      buildOptions: functionBuildOptions,
      arms: arms.map(({ arm, file, event }, k) => ({
        arm,
        initBytes: initBytes(file),
        event,
        medianMs: medians[k],
        samples: samples[k],
      })),
      ratios,
    };
    fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`results: ${path.relative(process.cwd(), out)}`);
  } finally {
    aws.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
