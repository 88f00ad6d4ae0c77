/**
 * `npm run bench:load [-- --connections 32 --seconds 20]`: the API under a bounded load, in the
 * local cloud. A tenant gets a real dataset and a solver; then a separate load process
 * (bench/lib/load-client.ts, autocannon) keeps `--connections` connections busy with a mix of
 * lists, reads and writes the service must refuse (invalid bodies, a form where JSON is expected,
 * a prototxt with a syntax error, an over-long id), checking every answer's status.
 *
 * Reported: requests/s, latency p50/p95/p99/max over all answers, answers by kind and status.
 * The run fails (exit 1) on any answer other than the expected status, a socket error or a
 * timeout; the goal p99 ≤ 3 × p50 is reported, not enforced (the machine is shared).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { issueToken } from '../local/auth';
import { writeFashionMnistArchive } from '../local/fixtures/fashion-mnist';
import { requestMix, runLoad } from './lib/load-mix';
import { positiveInt, repoRoot, resultsPath, say, startBenchSession } from './lib/session';

const usage = `usage: npm run bench:load -- [options]
  --connections N    concurrent connections (default 32)
  --seconds N        measured duration (default 20), after a 3 s warm-up
  --out FILE         results JSON (default bench/results/load-<UTC date and time>.json)
  --verbose          mirror worker output and handler logs
  --keep             keep the temporary local home`;

const exampleDir = path.join(repoRoot, 'examples', 'fashion-mnist-lenet');
const tenant = 'bench-load';

async function main(): Promise<void> {
  const { values: opts } = parseArgs({
    options: {
      connections: { type: 'string', default: '32' },
      seconds: { type: 'string', default: '20' },
      out: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const connections = positiveInt('connections', opts.connections, usage);
  const seconds = positiveInt('seconds', opts.seconds, usage);
  const session = await startBenchSession({ tenant, verbose: opts.verbose, keep: opts.keep });
  const { home, dataDir, machine, cloud, client } = session;
  let failed = false;
  try {
    say('a dataset of 200 Fashion-MNIST images and a LeNet solver to read');
    const archive = path.join(home, 'archives', 'load.tar.gz');
    await mkdir(path.dirname(archive), { recursive: true });
    await writeFashionMnistArchive({ dataDir, split: 'train', count: 200, out: archive });
    const datafile = await client.upload(archive, { name: 'bench-load' });
    await client.waitFor(datafile);
    const created = await client.datasets.create({
      name: 'bench-load',
      training: { datafileId: datafile.id, splitPercentage: 0.8 },
      testing: { datafileId: datafile.id, splitPercentage: 0.2 },
    });
    const dataset = await client.waitFor(created);
    if (dataset.status !== 'ready') throw new Error(`the dataset failed: ${dataset.error}`);
    const solver = await client.solvers.create({
      name: 'bench-load',
      datasetId: created.id,
      solver: await readFile(path.join(exampleDir, 'solver.prototxt'), 'utf8'),
      net: await readFile(path.join(exampleDir, 'net.prototxt'), 'utf8'),
    });
    // The load process sends its own requests, with a token of the same tenant.
    const token = await issueToken(home, tenant);
    const requests = requestMix(token, { dataset: created.id, solver: solver.id });
    const planFile = path.join(home, 'load-plan.json');
    say(`warm-up: 3 s at ${connections} connections`);
    await runLoad({ url: cloud.url, connections, durationSeconds: 3, requests }, planFile);
    say(`measuring: ${seconds} s at ${connections} connections, ${requests.length} requests in the mix`);
    const result = await runLoad({ url: cloud.url, connections, durationSeconds: seconds, requests }, planFile);
    const { p50, p95, p99, max } = result.latencyMs;
    const goal = p99 <= 3 * p50;
    console.log(
      `\n${result.requests} answers in ${result.durationSeconds} s: ` +
        `${result.requestsPerSecond.toFixed(0)} requests/s at ${connections} connections`,
    );
    console.log(
      `latency ms: p50 ${p50.toFixed(1)}  p95 ${p95.toFixed(1)}  p99 ${p99.toFixed(1)}  max ${max.toFixed(1)}   ` +
        `p99/p50 = ${(p99 / p50).toFixed(2)} (goal ≤ 3: ${goal ? 'met' : 'not met'})`,
    );
    for (const [kind, byStatus] of Object.entries(result.statuses))
      console.log(
        `  ${kind.padEnd(15)} ${Object.entries(byStatus)
          .map(([s, n]) => `${s}×${n}`)
          .join('  ')}`,
      );
    failed = result.unexpected.length > 0 || result.errors > 0 || result.timeouts > 0;
    if (failed)
      console.log(
        `FAILED: ${result.unexpected.length} unexpected answers, ${result.errors} errors, ` +
          `${result.timeouts} timeouts\n` +
          JSON.stringify(result.unexpected, null, 2),
      );
    const file = resultsPath('load', opts.out);
    await mkdir(path.dirname(file), { recursive: true });
    const mix = requests.map((r) => `${r.method} ${r.path.slice(0, 60)} → ${r.expectedStatus}`);
    const results = { date: new Date().toISOString(), machine, connections, seconds, mix, goalMet: goal, ...result };
    await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
    say(`results: ${path.relative(process.cwd(), file)}`);
  } finally {
    await session.close();
  }
  if (failed) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
