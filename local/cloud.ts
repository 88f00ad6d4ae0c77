/**
 * The whole system on one machine: emulators, resources, the Batch emulator running the real
 * worker with real Caffe, the event wiring, and the API gateway — the same handler modules the
 * CDK stack deploys, talking to the emulators through the AWS SDK. Each step is a module of its own:
 * local/emulators.ts (DynamoDB, S3, SQS), local/eventbridge.ts (the bus), local/handler-environment.ts
 * (the handlers' configuration), local/handlers.ts, local/worker-batch.ts (Batch running the worker),
 * local/resources.ts, local/event-sources.ts (rules, notifications, queue pollers, schedules),
 * local/gateway.ts, local/shutdown.ts.
 */
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { recoverUnfinishedWork } from '../core/usecases/work/recovery';
import { buildWorkerBundle } from '../packaging/worker-bundle';
import type { BatchEmulator } from './batch';
import { startEmulators } from './emulators';
import { startLocalEventBus, type LocalEventBus } from './eventbridge';
import { batchStateChangeRule, connectUploadNotification, startQueuePollers, startSchedules } from './event-sources';
import { startLocalGateway } from './gateway';
import { localConsoleCsp } from './console-files';
import {
  awsEnvironment,
  setBatchEndpoint,
  setHandlerEnvironment,
  setResourceEnvironment,
  showsHandlerLogs,
} from './handler-environment';
import { localHandlers } from './handlers';
import { claimHome, type HomeClaim } from './home-claim';
import type { AsyncHandler } from './lambda-context';
import { ensureResources } from './resources';
import { shutDown } from './shutdown';
import { startWorkerBatch } from './worker-batch';

export interface LocalCloudOptions {
  /** All local state lives here (records, objects, logs, the token issuer's key). */
  home: string;
  /** API port; 0 picks a free one. */
  port: number;
  /** Caffe's private prefix (from the installer). */
  caffePrefix: string;
  /** Concurrent Batch jobs (the local compute environment's vCPUs). */
  workers?: number;
  /** Mirror worker output on the console. */
  echoWorkers?: boolean;
  /** SIGTERM → SIGKILL grace for stopped jobs. */
  terminateGraceMs?: number;
  /**
   * Run the worker inside this locally built container image (packaging/images/worker-image.ts,
   * local/batch/image-runner.ts) instead of as a host process: the image brings its own Caffe,
   * Node and paths, so jobs get only the AWS environment.
   */
  workerImage?: string;
  /**
   * Extra environment for every worker (e.g. SNAPSHOT_INTERVAL_SECONDS), as the job definition's environment would set
   * it.
   */
  workerEnv?: Record<string, string>;
  /**
   * The jobs queue's visibility timeout (default: the stack's): how soon a failed message comes back, so tests reach
   * the DLQ quickly.
   */
  jobsQueueVisibilityTimeoutSeconds?: number;
  /** How often the reconciler runs (the stack runs it every minute); 0 turns it off. Default 5 s. */
  reconcileIntervalMs?: number;
  /** The home, already claimed by the caller (`npm start` claims it before installing anything); else claimed here. */
  homeClaim?: HomeClaim;
  /**
   * Handlers that serve these routes (by route key, `POST /v1/classifiers/{id}/classify`) instead of
   * the handler modules in this process: e.g. the classify function's image run as Lambda runs it.
   */
  routeHandlers?: Record<string, AsyncHandler>;
  /** The built console (console/build.ts) to serve beside the API on the same port; none when absent. */
  consoleDir?: string;
}

export interface LocalCloud {
  url: string;
  batch: BatchEmulator;
  /** The stack's event bus: job state change events (core/events.ts), also in `<home>/events.jsonl`. */
  eventBus: LocalEventBus;
  /** Work re-queued at start because its queue message or Batch job was lost. */
  recovered: number;
  /** The stand-ins that run as processes of their own (S3, SQS): with this one, the local cloud's CPU. */
  processIds: number[];
  close(): Promise<void>;
}

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const home = path.resolve(options.home);
  await mkdir(home, { recursive: true });
  const claim = options.homeClaim ?? (await claimHome(home));
  const workerBundle = buildWorkerBundle();
  const emulators = await startEmulators(home);
  const eventBus = await startLocalEventBus(home, showsHandlerLogs());
  const awsEnv = awsEnvironment(emulators, eventBus);
  // Handlers run in this process and read their configuration from the environment, as on Lambda.
  await setHandlerEnvironment(home, awsEnv);
  const handlers = localHandlers(options.routeHandlers);
  const batchRule = batchStateChangeRule(handlers);
  const batch = await startWorkerBatch({ ...options, home, awsEnv, workerBundle, onEvent: batchRule.deliver });
  setBatchEndpoint(batch.endpoint);
  const workers = options.workers ?? 2;
  const resources = await ensureResources(workers, home, options.jobsQueueVisibilityTimeoutSeconds);
  setResourceEnvironment(resources, workers);
  batchRule.forJobQueue(resources.jobQueueArn);
  connectUploadNotification(emulators, handlers);
  const queuePollers = await startQueuePollers(resources, handlers);
  const recovered = await requeueLostWork(batch);
  const schedules = startSchedules(handlers, options.reconcileIntervalMs ?? 5000);
  const gateway = await startLocalGateway(home, options.port, handlers.http, {
    ...(options.consoleDir
      ? { consoleDir: options.consoleDir, consoleCsp: localConsoleCsp(emulators.endpoints.s3) }
      : {}),
  });
  await claim.publish(gateway.url);
  return {
    url: gateway.url,
    batch,
    eventBus,
    recovered,
    processIds: emulators.processIds,
    close: () => shutDown({ gateway, schedules, queuePollers, batch, eventBus, emulators, claim }),
  };
}

/** Work whose queue message or Batch job a restart lost (fauxqs keeps no messages across one) is queued again. */
async function requeueLostWork(batch: BatchEmulator): Promise<number> {
  const known = new Set(batch.jobs().map((job) => job.jobId));
  return recoverUnfinishedWork(async (jobId) => known.has(jobId));
}
