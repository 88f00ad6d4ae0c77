/**
 * The load generator of `npm run bench:load`, in its own process so it never shares an event loop
 * with the system it measures: autocannon cycles through the plan's requests on N connections
 * for the duration, and every answer's status is checked against what its request expects.
 * Prints one JSON document (counts, rates and latency percentiles) on stdout.
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';

export interface LoadRequest {
  kind: 'list' | 'read' | 'rejected-write';
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expectedStatus: number;
}

export interface LoadPlan {
  url: string;
  connections: number;
  durationSeconds: number;
  requests: LoadRequest[];
}

export interface LoadResult {
  requests: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Answers by request kind and status, e.g. `{"read": {"200": 812}}`. */
  statuses: Record<string, Record<string, number>>;
  /** Answers whose status was not the one their request expects (must be none). */
  unexpected: Array<{ kind: string; path: string; status: number; body: string }>;
  errors: number;
  timeouts: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

async function main(planFile: string): Promise<void> {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as LoadPlan;
  const statuses: LoadResult['statuses'] = {};
  const unexpected: LoadResult['unexpected'] = [];
  const latencies: number[] = [];
  let instance!: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        duration: plan.durationSeconds,
        requests: plan.requests.map((request) => ({
          method: request.method,
          path: request.path,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          onResponse: (status: number, body: string) => {
            const byStatus = (statuses[request.kind] ??= {});
            byStatus[status] = (byStatus[status] ?? 0) + 1;
            if (status !== request.expectedStatus && unexpected.length < 20)
              unexpected.push({
                kind: request.kind,
                path: request.path.slice(0, 80),
                status,
                body: body.slice(0, 300),
              });
          },
        })),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
    latencies.push(responseTime),
  );
  const result = await finished;
  latencies.sort((a, b) => a - b);
  const report: LoadResult = {
    requests: latencies.length,
    durationSeconds: result.duration,
    requestsPerSecond: latencies.length / result.duration,
    latencyMs: {
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
      p99: percentile(latencies, 99),
      max: latencies.at(-1) ?? Number.NaN,
    },
    statuses,
    unexpected,
    errors: result.errors,
    timeouts: result.timeouts,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main(process.argv[2]!).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
