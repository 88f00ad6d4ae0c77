/**
 * The whole system on one machine: emulators, resources, the Batch emulator running the real
 * worker with real Caffe, the event wiring, and the API gateway — the same handler modules the
 * CDK stack deploys, talking to the emulators through the AWS SDK.
 */
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { callerEnv, callLogEnv, workerCaller } from '../core/aws/call-log';
import { resetClients } from '../core/aws/clients';
import { sqs } from '../core/aws/eager-clients';
import { routeKey, type Route } from '../core/route';
import { routes } from '../core/routes';
import { serveRoutes } from '../lambdas/shared/served-routes';
import {
  batchStateChangePattern,
  datafileObjectName,
  envNames,
  eventFunctionName,
  eventHandlers,
  workerImageName,
} from '../core/topology';
import { allowPrivateUrlsEnv } from '../core/net/url-guard';
import { recoverUnfinishedWork } from '../core/usecases/work/recovery';
import { buildWorkerBundle } from '../packaging/worker-bundle';
import { stopInferenceServer } from '../container/inference/client';
import { ensurePycaffe } from './caffe/install';
import { tokenVerifier } from './auth';
import { startBatchEmulator, type BatchEmulator } from './batch';
import { imageEntrypoint } from './batch/image-runner';
import { startEmulators } from './emulators';
import { localEventBusName, printEvent, startEventBus, type LocalEventBus } from './eventbridge';
import { startGateway } from './gateway';
import { claimHome, type HomeClaim } from './home-claim';
import { localTokenRoute } from './token-route';
import { loadHandler, type AsyncHandler } from './lambda-context';
import { ensureResources, localNames } from './resources';
import { deliver, pollQueue, repeat } from './runtime';
import { capacityEnvNames } from '../core/scheduling/capacity';
import { reconcilerEnvNames } from '../core/usecases/reconcile';

const root = path.resolve(__dirname, '..');

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
}

export interface LocalCloud {
  url: string;
  batch: BatchEmulator;
  /** The stack's event bus: job state change events (core/events.ts), also in `<home>/events.jsonl`. */
  eventBus: LocalEventBus;
  /** Work re-queued at start because its queue message or Batch job was lost. */
  recovered: number;
  close(): Promise<void>;
}

const credentials = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  // Node 20 is supported here; the SDK's notice about future releases is noise in every child.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const home = path.resolve(options.home);
  await mkdir(home, { recursive: true });
  const claim = options.homeClaim ?? (await claimHome(home));
  const workerBundle = buildWorkerBundle();
  const emulators = await startEmulators(home);
  const verbose = ['DEBUG', 'INFO'].includes((process.env.ELASTIC_CAFFE_LOG_LEVEL ?? '').toUpperCase());
  const eventBus = await startEventBus({
    busName: localEventBusName,
    file: path.join(home, 'events.jsonl'),
    ...(verbose ? { onEvent: printEvent } : {}),
  });
  const awsEnv = {
    ...credentials,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
    AWS_ENDPOINT_URL_SQS: emulators.endpoints.sqs,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBus.endpoint,
    [envNames.eventBus]: eventBus.busName,
  };
  // Handlers run in this process and read their configuration from the environment, as on Lambda.
  Object.assign(process.env, awsEnv, {
    [envNames.table]: localNames.table,
    [envNames.bucket]: localNames.bucket,
    // Handler logs (Powertools, JSON) are for debugging locally: ELASTIC_CAFFE_LOG_LEVEL=INFO shows them.
    POWERTOOLS_LOG_LEVEL: process.env.ELASTIC_CAFFE_LOG_LEVEL ?? 'WARN',
    // No X-Ray daemon locally; metrics (EMF lines on stdout) only when asking for handler logs.
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: verbose ? 'false' : 'true',
    // URL imports may reach 127.0.0.1 locally (tests serve files from it); never any other private address.
    [allowPrivateUrlsEnv]: 'loopback',
    // The classify handler's inference server (container/inference/): Caffe's Python binding, and where model files are
    // cached.
    PYCAFFE_PREFIX: await ensurePycaffe(),
    INFERENCE_CACHE_DIR: path.join(home, 'inference-cache'),
  });
  // The worker's AWS calls go to the same call log as the handlers', as the worker's (core/aws/call-log.ts).
  const callLog = process.env[callLogEnv];
  const workerCallLog: Record<string, string> = callLog ? { [callLogEnv]: callLog, [callerEnv]: workerCaller } : {};
  let batch: BatchEmulator | undefined;
  const handlers = new Map<string, AsyncHandler>();
  const handler = (entry: string) => {
    if (!handlers.has(entry)) handlers.set(entry, loadHandler(path.join(root, entry)));
    return handlers.get(entry)!;
  };
  const eventHandler = (name: string) => handler(`lambdas/events/${name}.ts`);
  let jobQueueArn = '';
  batch = await startBatchEmulator({
    images: {
      [workerImageName]: options.workerImage
        ? imageEntrypoint(options.workerImage)
        : [process.execPath, '--enable-source-maps', workerBundle],
    },
    baseEnv: options.workerImage
      ? { ...awsEnv, [allowPrivateUrlsEnv]: 'loopback' }
      : {
          ...awsEnv,
          CAFFE_PREFIX: options.caffePrefix,
          WORKER_CACHE_DIR: path.join(home, 'worker-cache'),
          WORKER_SCRATCH_DIR: path.join(home, 'scratch'),
          [allowPrivateUrlsEnv]: 'loopback',
          // The classify action runs the same inference server as the classify handler (the bundle has no server.py
          // beside it).
          PYCAFFE_PREFIX: process.env.PYCAFFE_PREFIX ?? '',
          INFERENCE_SERVER_SCRIPT: path.join(root, 'container', 'inference', 'server.py'),
          INFERENCE_CACHE_DIR: path.join(home, 'worker-cache', 'inference'),
          ...workerCallLog,
          ...options.workerEnv,
        },
    logDir: path.join(home, 'logs', 'batch'),
    terminateGraceMs: options.terminateGraceMs ?? 30_000,
    onEvent: async (event) => {
      // The stack's EventBridge rule: Batch state changes of our job queue only.
      const matches =
        batchStateChangePattern.source.includes(event.source) &&
        batchStateChangePattern.detailType.includes(event['detail-type']) &&
        event.detail.jobQueue === jobQueueArn;
      if (matches)
        await deliver(eventFunctionName('batchStateChange'), eventHandler(eventHandlers.batchStateChange), event);
    },
    ...(options.echoWorkers
      ? { echo: (jobId: string, line: string) => console.log(`[worker ${jobId.slice(0, 8)}] ${line}`) }
      : {}),
  });
  process.env.AWS_ENDPOINT_URL_BATCH = batch.endpoint;
  resetClients();
  await mkdir(path.join(home, 'scratch'), { recursive: true });
  const workers = options.workers ?? 2;
  const resources = await ensureResources(workers, home, options.jobsQueueVisibilityTimeoutSeconds);
  jobQueueArn = resources.jobQueueArn;
  Object.assign(process.env, {
    [envNames.jobsQueueUrl]: resources.queueUrl,
    [envNames.batchJobQueue]: resources.jobQueueArn,
    [envNames.batchJobDefinition]: resources.jobDefinitionArn,
    // Until an admin sets capacity (PUT /v1/admin/capacity): as many Batch jobs as the local workers run.
    [capacityEnvNames.maxWorkers]: String(workers),
    // A local dispatcher pass takes well under a second; claims older than this are repaired.
    [reconcilerEnvNames.graceSeconds]: process.env[reconcilerEnvNames.graceSeconds] ?? '30',
  });

  // The stack's S3 notification: object created under tenants/ with the datafile suffix.
  emulators.onS3Event((event) => {
    const record = event.Records[0];
    if (!record?.eventName.startsWith('ObjectCreated') || record.s3.bucket.name !== localNames.bucket) return;
    const key = record.s3.object.key;
    if (key.startsWith('tenants/') && key.endsWith(`/${datafileObjectName}`))
      void deliver(eventFunctionName('uploadReceived'), eventHandler(eventHandlers.uploadReceived), event);
  });
  const { Attributes } = await sqs().send(
    new GetQueueAttributesCommand({ QueueUrl: resources.queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const poller = pollQueue(
    resources.queueUrl,
    Attributes?.QueueArn ?? '',
    eventHandler(eventHandlers.dispatcher),
    eventFunctionName('dispatcher'),
  );
  // The stack's DLQ event source: poison messages fail their records (fauxqs moves them after maxReceiveCount).
  const dlq = await sqs().send(
    new GetQueueAttributesCommand({ QueueUrl: resources.deadLetterQueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const deadLetterPoller = pollQueue(
    resources.deadLetterQueueUrl,
    dlq.Attributes?.QueueArn ?? '',
    eventHandler(eventHandlers.deadLetter),
    eventFunctionName('deadLetter'),
  );
  const known = new Set(batch.jobs().map((job) => job.jobId));
  const recovered = await recoverUnfinishedWork(async (jobId) => known.has(jobId));
  // The stack's one-minute schedule of the job-metrics function (its EMF lines show with ELASTIC_CAFFE_LOG_LEVEL=INFO).
  const jobMetricsSchedule = setInterval(
    () => void deliver(eventFunctionName('jobMetrics'), eventHandler(eventHandlers.jobMetrics), {}, 1),
    60_000,
  ).unref();

  // The stack's schedule (every minute), more often locally so repairs show within seconds.
  const reconciler = repeat(options.reconcileIntervalMs ?? 5000, () =>
    deliver(
      eventFunctionName('reconciler'),
      eventHandler(eventHandlers.reconciler),
      { source: 'aws.scheduler', 'detail-type': 'Scheduled Event', detail: {} },
      1,
    ),
  );

  // The handlers run in this process and serve every route (a deployed function serves only its own).
  serveRoutes(routes);
  const gateway = await startGateway({
    port: options.port,
    verifyToken: await tokenVerifier(home),
    handlerFor: (route: Route) =>
      options.routeHandlers?.[routeKey(route)] ?? handler(`lambdas/http/${route.handler}.ts`),
    localRoute: localTokenRoute(home),
  });
  await claim.publish(gateway.url);
  return {
    url: gateway.url,
    batch,
    eventBus,
    recovered,
    async close() {
      clearInterval(jobMetricsSchedule);
      const closed = new Promise<void>((resolve) => gateway.server.close(() => resolve()));
      gateway.server.closeAllConnections();
      await closed;
      await reconciler.stop();
      await Promise.all([poller.stop(), deadLetterPoller.stop()]);
      await batch?.close();
      await eventBus.close();
      await emulators.close();
      stopInferenceServer();
      await claim.release();
    },
  };
}
