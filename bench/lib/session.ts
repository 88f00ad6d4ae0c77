/**
 * What every benchmark starts from: progress lines on stderr, checked numeric options, a results
 * path, and a local cloud with one Batch worker in a temporary home, whose worker output is
 * captured with arrival times. Ctrl-C and the end of the run both tear it down.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureCaffe, ensureFashionMnist } from '../../local/caffe/install';
import { ElasticCaffe, localTokenAuth } from '@elastic-caffe/sdk/node';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../../local/cloud';
import { machineInfo } from './machine';
import { WorkerOutput } from './worker-output';

export const repoRoot = path.resolve(__dirname, '..', '..');

export const say = (message: string): void => void process.stderr.write(`» ${message}\n`);

/** An integer option ≥ min, or an error that shows the usage. */
export function positiveInt(name: string, text: string | undefined, usage: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, not ${text}\n${usage}`);
  return n;
}

/** `bench/results/<name>-<UTC date and time>.json`, unless `--out` names another file. */
export function resultsPath(name: string, out: string | undefined): string {
  const stamp = new Date()
    .toISOString()
    .replace(/:\d\d\.\d+Z$/, 'Z')
    .replace(':', '');
  return path.resolve(out ?? path.join(repoRoot, 'bench', 'results', `${name}-${stamp}.json`));
}

export interface BenchSession {
  home: string;
  caffePrefix: string;
  dataDir: string;
  machine: ReturnType<typeof machineInfo>;
  workerOutput: WorkerOutput;
  cloud: LocalCloud;
  /** The SDK client, acting as the session's tenant. */
  client: ElasticCaffe;
  /** Stops the cloud and, unless `keep`, removes the temporary home. */
  close(): Promise<void>;
}

export interface BenchSessionOptions extends Pick<LocalCloudOptions, 'routeHandlers'> {
  tenant: string;
  verbose: boolean;
  keep: boolean;
  workers?: number;
  /** Where the temporary home is made (default: the OS's temporary directory). */
  homeIn?: string;
}

/**
 * Installs what is missing, then starts the local cloud (1 worker unless `workers`, worker output
 * captured) as `tenant`.
 */
export async function startBenchSession(options: BenchSessionOptions): Promise<BenchSession> {
  const workers = options.workers ?? 1;
  const caffePrefix = await ensureCaffe();
  const dataDir = await ensureFashionMnist();
  const home = await mkdtemp(path.join(options.homeIn ?? os.tmpdir(), 'elastic-caffe-bench-'));
  // Handlers' INFO logs would bury the report; warnings and errors still show.
  if (!options.verbose) process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  const workerOutput = new WorkerOutput();
  workerOutput.capture(options.verbose);
  const machine = machineInfo();
  let cloud: LocalCloud | undefined;
  const close = async () => {
    workerOutput.release();
    await cloud?.close();
    if (!options.keep) await rm(home, { recursive: true, force: true });
  };
  // Ctrl-C: stop the worker and the emulators, remove the temporary home, then exit ('exit' kills a bare Caffe).
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      say(`${signal}: stopping`);
      void close().finally(() => process.exit(130));
    });
  try {
    say(`local cloud in ${home} (${workers} worker${workers > 1 ? 's' : ''}); Caffe from ${caffePrefix}`);
    const routeHandlers = options.routeHandlers;
    const cloudOptions = { home, port: 0, caffePrefix, workers, echoWorkers: true, terminateGraceMs: 5000 };
    cloud = await startLocalCloud({ ...cloudOptions, ...(routeHandlers && { routeHandlers }) });
    const client = new ElasticCaffe({
      endpoint: cloud.url,
      auth: localTokenAuth({ endpoint: cloud.url, tenant: options.tenant }),
    });
    return { home, caffePrefix, dataDir, machine, workerOutput, cloud, client, close };
  } catch (error) {
    await close();
    throw error;
  }
}
