/**
 * Local AWS Batch: no emulator for it exists, so this one speaks the subset of the Batch API the
 * project uses and runs each job as a local process whose argv is the image's entrypoint plus
 * the job's command. State is in memory; see scheduler.ts for why that is enough.
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { JobsApi } from './jobs-api';
import { Registry } from './registry';
import { Scheduler } from './scheduler';
import { listen, routes } from './server';
import type { BatchEmulator, BatchEmulatorOptions } from './types';

export type { BatchEmulator, BatchEmulatorOptions, BatchStateChangeEvent, JobDetail } from './types';

/** AWS's SIGTERM → SIGKILL delay when it stops a container. */
const defaultGraceMs = 30_000;

/** Starts the Batch emulator on 127.0.0.1 and returns its endpoint and controls. */
export async function startBatchEmulator(opts: BatchEmulatorOptions): Promise<BatchEmulator> {
  const region = opts.region ?? 'us-east-1';
  const accountId = opts.accountId ?? '000000000000';
  await mkdir(opts.logDir, { recursive: true });
  const registry = new Registry(region, accountId);
  const scheduler = new Scheduler({
    images: opts.images,
    logDir: opts.logDir,
    region,
    accountId,
    baseEnv: opts.baseEnv,
    onEvent: opts.onEvent,
    echo: opts.echo,
    graceMs: opts.terminateGraceMs ?? defaultGraceMs,
    placement: (queue) => registry.computeEnvironmentsOf(queue),
    capacity: (ce) => registry.capacity(ce),
  });
  const jobs = new JobsApi(registry, scheduler);
  const server = await listen(
    routes(registry, jobs, () => scheduler.schedule()),
    opts.host ?? '127.0.0.1',
    opts.port ?? 0,
  );
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Keep-alive connections from SDK clients would otherwise hold close() open.
    server.closeAllConnections();
    await scheduler.close();
    await closed;
  };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () => (closing ??= close()),
    simulateHostInterruption(jobId) {
      const job = scheduler.get(jobId);
      if (job === undefined) throw new Error(`No job ${jobId}`);
      scheduler.interrupt(job);
    },
    signalJobProcess(jobId, signal = 'SIGKILL') {
      const job = scheduler.get(jobId);
      if (job === undefined) throw new Error(`No job ${jobId}`);
      scheduler.signal(job, signal);
    },
    jobs: () => scheduler.list().map((job) => structuredClone(job.detail)),
  };
}
