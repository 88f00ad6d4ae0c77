/**
 * The Batch emulator set up as the stack's compute environment for the worker: what a job of the worker's job
 * definition runs (the worker bundle as a host process, or the worker's container image) and the environment it gets.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { workerCaller } from '../core/aws/call-log';
import { envNames, workerImageName } from '../core/topology';
import { startBatchEmulator, type BatchEmulator, type BatchStateChangeEvent } from './batch';
import { imageEntrypoint } from './batch/image-runner';
import type { AwsEnvironment } from './handler-environment';

const root = path.resolve(__dirname, '..');

export interface WorkerBatchOptions {
  home: string;
  awsEnv: AwsEnvironment;
  /** The worker bundle (packaging/worker-bundle.ts) a host-process job runs. */
  workerBundle: string;
  /** Caffe's private prefix, for host-process jobs. */
  caffePrefix: string;
  /** The stack's EventBridge rule for Batch job state changes. */
  onEvent: (event: BatchStateChangeEvent) => Promise<void>;
  /** Run every job inside this locally built image instead of as a host process (see LocalCloudOptions). */
  workerImage?: string;
  /** Extra environment for host-process jobs, as the job definition's environment would set it. */
  workerEnv?: Record<string, string>;
  terminateGraceMs?: number;
  echoWorkers?: boolean;
}

export async function startWorkerBatch(options: WorkerBatchOptions): Promise<BatchEmulator> {
  const { home, awsEnv } = options;
  const batch = await startBatchEmulator({
    images: {
      [workerImageName]: options.workerImage
        ? imageEntrypoint(options.workerImage)
        : [process.execPath, '--enable-source-maps', options.workerBundle],
    },
    // The image brings its own Caffe, Node and paths, so its jobs get only the AWS environment.
    baseEnv: options.workerImage
      ? { ...awsEnv, [envNames.allowPrivateUrls]: 'loopback' }
      : {
          ...awsEnv,
          CAFFE_PREFIX: options.caffePrefix,
          WORKER_CACHE_DIR: path.join(home, 'worker-cache'),
          WORKER_SCRATCH_DIR: path.join(home, 'scratch'),
          [envNames.allowPrivateUrls]: 'loopback',
          // The classify action runs the same inference server as the classify handler (the bundle has no server.py
          // beside it).
          PYCAFFE_PREFIX: process.env.PYCAFFE_PREFIX ?? '',
          INFERENCE_SERVER_SCRIPT: path.join(root, 'container', 'inference', 'server.py'),
          INFERENCE_CACHE_DIR: path.join(home, 'worker-cache', 'inference'),
          ...workerCallLog(),
          ...options.workerEnv,
        },
    logDir: path.join(home, 'logs', 'batch'),
    terminateGraceMs: options.terminateGraceMs ?? 30_000,
    onEvent: options.onEvent,
    ...(options.echoWorkers
      ? { echo: (jobId: string, line: string) => console.log(`[worker ${jobId.slice(0, 8)}] ${line}`) }
      : {}),
  });
  await mkdir(path.join(home, 'scratch'), { recursive: true });
  return batch;
}

/** The worker's AWS calls go to the same call log as the handlers', as the worker's (core/aws/call-log.ts). */
function workerCallLog(): Record<string, string> {
  const callLog = process.env[envNames.awsCallLog];
  return callLog ? { [envNames.awsCallLog]: callLog, [envNames.awsCaller]: workerCaller } : {};
}
