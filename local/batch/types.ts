/**
 * Shapes shared by the local AWS Batch emulator's parts. Wire shapes come from
 * @aws-sdk/client-batch itself, so the emulator cannot drift from what the SDK sends and reads.
 */
import type { JobDetail } from '@aws-sdk/client-batch';

export type { JobDetail } from '@aws-sdk/client-batch';

/** Options of {@link startBatchEmulator}. */
export interface BatchEmulatorOptions {
  /** 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Only loopback: the emulator runs arbitrary commands and has no authentication. */
  host?: '127.0.0.1';
  region?: string;
  accountId?: string;
  /** Image name → entrypoint argv; a job's command is appended to it. */
  images: Record<string, string[]>;
  /** Environment every job gets (local endpoints, credentials), like a task role would. */
  baseEnv?: Record<string, string>;
  /** Each attempt's stdout and stderr go to `<logDir>/<jobId>-<attempt>.log`. */
  logDir: string;
  /** Receives every job state change; awaited sequentially per job. */
  onEvent?: (event: BatchStateChangeEvent) => void | Promise<void>;
  /** SIGTERM → SIGKILL delay for terminate, timeout and host interruption (default 30000, as on AWS). */
  terminateGraceMs?: number;
  /** Receives each output line of every job, e.g. to mirror it on the console. */
  echo?: (jobId: string, line: string) => void;
}

/** A running emulator. */
export interface BatchEmulator {
  /** Base URL to hand to `new BatchClient({ endpoint })`. */
  endpoint: string;
  port: number;
  /** Kills running jobs (SIGKILL to their process groups) and stops the server. */
  close(): Promise<void>;
  /** Models a spot reclaim of the job's host: SIGTERM, SIGKILL after the grace, attempt fails as host-terminated. */
  simulateHostInterruption(jobId: string): void;
  /**
   * Sends a signal (default SIGKILL) to the running attempt's main process, as a crash or the OOM
   * killer would: the attempt ends with 128 + the signal's number and the retry strategy decides.
   */
  signalJobProcess(jobId: string, signal?: NodeJS.Signals): void;
  /** Snapshot of every job, as DescribeJobs would return it. */
  jobs(): JobDetail[];
}

/**
 * The EventBridge event AWS Batch publishes on every job state change; assignable to
 * `EventBridgeEvent<'Batch Job State Change', JobDetail>` from aws-lambda.
 */
export interface BatchStateChangeEvent {
  version: '0';
  id: string;
  'detail-type': 'Batch Job State Change';
  source: 'aws.batch';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: JobDetail;
}

/** A request error the SDK surfaces as `ClientException` (HTTP 400). */
export class ClientError extends Error {
  override readonly name = 'ClientException';
}

/** Why the emulator stopped an attempt itself; decides the attempt's outcome and whether it may retry. */
export type StopCause = 'terminate' | 'timeout' | 'host-interruption';

/** Status reasons with AWS's exact wording, since consumers and evaluateOnExit patterns match on them. */
export const statusReasons = {
  exited: 'Essential container in task exited',
  hostTerminated: 'Host EC2 (instance i-local) terminated.',
  timeout: 'Job attempt duration exceeded timeout',
  dependencyFailed: 'Dependent Job failed',
  startFailed: 'Task failed to start',
} as const;
