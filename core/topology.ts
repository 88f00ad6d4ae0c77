/**
 * The shape of a deployment that both clouds share: the CDK stack (lib/) and the local cloud
 * (local/) read these definitions, so queue settings, the worker's job definition and the event
 * rule can never drift apart between AWS and `npm start`.
 */

/** The jobs queue: every unit of background work (dataset preparation, training) passes through it. */
export const jobsQueue = {
  /** The dispatcher's time limit per batch of messages. */
  dispatcherTimeoutSeconds: 30,
  /**
   * Six times the dispatcher's timeout (AWS's advice for Lambda event sources), so a message is
   * never handled twice at once; a failed message comes back after this long.
   */
  visibilityTimeoutSeconds: 180,
  /** After this many failed deliveries a message moves to the dead-letter queue. */
  maxReceiveCount: 5,
  /** Messages the dispatcher takes per invocation. */
  batchSize: 10,
  /** Long-poll wait of the local poller (Lambda's event source polls the same way). */
  receiveWaitSeconds: 1,
  retentionDays: 14,
} as const;

/**
 * Kinds of work the worker container runs (the first argument of its command), each with the
 * collection of the record it works on. Adding work means one line here and one runner in
 * container/worker/actions.ts.
 */
export const workerActionCollections = {
  'prepare-dataset': 'datasets',
  train: 'training-jobs',
  /** Fetches a datafile's URL (if it has one) and inspects the archive: format, labels, counts. */
  'import-datafile': 'datafiles',
  /** Fetches a solver's and net's prototxt from their URLs and validates them. */
  'import-solver': 'solvers',
  /** Classifies a batch of images (an uploaded archive and/or URLs) with a classifier; results go to S3. */
  classify: 'classify-jobs',
  /** Fetches a model's URL (if any) and checks the weights with Caffe (they parse, and load into its deploy net). */
  'check-model': 'models',
} as const;
export type WorkerAction = keyof typeof workerActionCollections;
/** A collection whose records are background work run by the worker. */
export type WorkCollection = (typeof workerActionCollections)[WorkerAction];
export const workerActions = Object.keys(workerActionCollections) as [WorkerAction, ...WorkerAction[]];

/** Batch job parameters the dispatcher sets on SubmitJob; the job definition's command refers to them. */
export interface WorkerJobParameters {
  action: WorkerAction;
  tenantId: string;
  recordId: string;
}

/**
 * The worker's Batch job definition. The container's entrypoint runs the worker; `Ref::x` is
 * Batch parameter substitution, filled from SubmitJob's `parameters`.
 */
export const workerJobDefinition = {
  command: ['Ref::action', 'Ref::tenantId', 'Ref::recordId'],
  /** Defaults so a job definition is valid even if a submit omits a parameter. */
  parameters: { action: 'train', tenantId: 'none', recordId: 'none' },
  vcpus: 4,
  memoryMiB: 15_000,
  gpus: 1,
  /** Batch retries an attempt that ended abnormally (crash, host lost) this many times in total. */
  retryAttempts: 3,
  /** Exit code the worker uses for a failure that retrying cannot fix (bad net, bad data). */
  permanentFailureExitCode: 3,
  /** Upper bound for one attempt; a job may ask for less. */
  attemptDurationSeconds: 24 * 3600,
} as const;

/**
 * GPUs one training job may ask for (`resources: {"type": "GPU", "count": N}`): Caffe's data-parallel
 * mode (`caffe train --gpu=all`) splits nothing across machines, so a job's GPUs share one instance,
 * and EC2's GPU instances come with 1, 4 or 8 (a 2-GPU job shares a 4-GPU instance).
 */
export const gpuCounts = [1, 2, 4, 8] as const;
export type GpuCount = (typeof gpuCounts)[number];

/**
 * What a job with `gpus` GPUs asks Batch for: the job definition's share of the instance for each
 * GPU (its vCPUs and memory times N), so a 4-GPU job gets the CPUs to feed four GPUs.
 */
export function workerResourcesFor(gpus: GpuCount): { vcpus: number; memoryMiB: number; gpus: number } {
  return { vcpus: workerJobDefinition.vcpus * gpus, memoryMiB: workerJobDefinition.memoryMiB * gpus, gpus };
}

/**
 * The retry strategy's exit rules, first match wins (AWS retries when none matches): a lost host
 * (spot reclaim) is retried, the worker's permanent-failure code is not, and anything else —
 * interrupted, killed, crashed — falls through to a retry while attempts remain.
 */
export const workerRetryRules = [
  { onStatusReason: 'Host EC2*', action: 'RETRY' },
  { onExitCode: String(workerJobDefinition.permanentFailureExitCode), action: 'EXIT' },
] as const;

/** Local stand-in for the worker image: the emulator runs this entrypoint for it. */
export const workerImageName = 'elastic-caffe-worker';

/** EventBridge pattern for Batch job state changes the status handler subscribes to. */
export const batchStateChangePattern = {
  source: ['aws.batch'],
  detailType: ['Batch Job State Change'],
} as const;

/** Seconds a presigned upload or download URL stays valid. */
export const presignedUrlSeconds = 3600;

/** Environment variable names by key: the one registry is core/config.ts (`variables`). */
export { envNames } from './config';

/**
 * A Batch fair-share identifier for a tenant (SubmitJob `shareIdentifier`; the job queues have a
 * fair-share scheduling policy, so every submit needs one). Batch allows only letters and digits
 * (up to 255), so everything else is dropped: a Cognito sub loses its hyphens, an IAM caller id
 * its colon. Only scheduling weight depends on it, never access, so a rare collision is harmless.
 */
export function batchShareIdentifier(tenantId: string): string {
  return tenantId.replace(/[^A-Za-z0-9]/g, '').slice(0, 255) || 'none';
}

/**
 * Job state change events the service publishes on its own bus, so users can wire notifications
 * (email, Slack, a pipeline's next step) without polling. `detail` carries the collection, tenant,
 * record id and the new status.
 */
export const jobEvents = {
  source: 'elastic-caffe',
  detailType: 'Job State Change',
} as const;

/** CloudWatch metrics the service publishes (Powertools EMF), and the dashboard and alarms read. */
export const serviceMetrics = {
  namespace: 'ElasticCaffe',
  /** Work waiting for a worker (all tenants). */
  queued: 'QueuedJobs',
  /** Batch jobs submitted and not finished (all tenants). */
  running: 'RunningJobs',
  /** The same per tenant (dimension `tenantId`). */
  tenantRunning: 'TenantRunningJobs',
  /** Work that finished, by outcome (dimension `outcome`: succeeded | failed | cancelled). */
  finished: 'FinishedJobs',
  /** Seconds the oldest waiting work has waited (all tenants): jobs stuck RUNNABLE show here. */
  oldestQueuedAge: 'OldestQueuedJobAgeSeconds',
  /** Job state change events that could not be published (the write itself stood). */
  eventPublishFailures: 'JobEventPublishFailures',
} as const;

/**
 * Powertools' service name (POWERTOOLS_SERVICE_NAME): every service metric carries it as its
 * `service` dimension, so the dashboard and alarms must name it too.
 */
export const serviceName = 'elastic-caffe';

/** Cognito group whose members may call the admin API (GET/PUT /v1/admin/...). */
export const adminGroup = 'admins';

/** Every object the application writes lives under `tenants/<tenantId>/` (core/objects.ts). */
export const tenantObjectsPrefix = 'tenants/';

/**
 * A datafile's uploaded object is `tenants/<tenant>/datafiles/<id>/<datafileObjectName>`; S3
 * notifies the upload handler for keys with this suffix (notification filters have no wildcards).
 */
export const datafileObjectName = 'archive';

/** Background handlers (not routes): entry files under lambdas/events/. */
export const eventHandlers = {
  /** SQS jobs queue → submits Batch jobs. */
  dispatcher: 'dispatcher',
  /** EventBridge "Batch Job State Change" → record status. */
  batchStateChange: 'batch-state-change',
  /** S3 ObjectCreated for datafile uploads → datafile ready. */
  uploadReceived: 'upload-received',
  /** Schedule → finds work stuck between states (a dispatcher that died mid-way) and repairs it. */
  reconciler: 'reconciler',
  /** Jobs dead-letter queue → marks the record failed, keeping the reason. */
  deadLetter: 'dead-letter',
  /** Schedule (every minute) → queued/running counts and the oldest queued age as CloudWatch metrics. */
  jobMetrics: 'job-metrics',
} as const;

/** The CDK construct id (and local function name) of an event function: `dispatcher` → `Dispatcher`. */
export function eventFunctionName(key: keyof typeof eventHandlers): string {
  return key[0]!.toUpperCase() + key.slice(1);
}

/** The single table's keys: every record of a tenant lives under its own partition key. */
export const tableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** A tenant's partition key is this prefix + the tenant id (core/records/store.ts; the worker's session policy). */
  tenantPartitionPrefix: 'TENANT#',
  /** GSI over `statusKey` (`<collection>#<status>`): finds unfinished work across tenants. */
  statusIndex: { name: 'byStatus', partitionKey: 'statusKey', sortKey: 'sk' },
  /**
   * Sparse GSI over work waiting for a worker (core/scheduling): only records the dispatcher has
   * seen and not yet claimed carry `waitingKey` (one constant value), ordered by `waitingSince`
   * (when the work was queued), so a dispatch pass reads all waiting work of every tenant, oldest
   * first, and chooses fairly among it.
   */
  waitingIndex: { name: 'byWaiting', partitionKey: 'waitingKey', sortKey: 'waitingSince' },
  /** Items with this attribute (epoch seconds) expire: DynamoDB's TTL deletes them (idempotency records). */
  timeToLive: 'ttl',
} as const;

/**
 * Tag on every intermediate training snapshot object (`.caffemodel`/`.solverstate` under a job's
 * snapshots/). The bucket's lifecycle rule expires tagged objects some days after they were
 * written; a job's final model is a separate, untagged object and stays.
 */
export const intermediateSnapshotTag = { key: 'elastic-caffe-kind', value: 'intermediate-snapshot' } as const;

/**
 * Checkpoints of training jobs. A solver that sets `snapshot: N` snapshots every N iterations; one
 * that sets none gets a snapshot every `defaultIntervalSeconds` of training (the worker sends Caffe
 * SIGHUP, on which `caffe train` snapshots and continues). Time, not iterations, because what an
 * interruption loses is time: 1000 iterations are seconds for LeNet and hours for a large net.
 * The worker reads an override from SNAPSHOT_INTERVAL_SECONDS (core/config.ts `snapshotIntervalSeconds`).
 */
export const checkpoints = {
  defaultIntervalSeconds: 600,
} as const;

/**
 * CORS of the API, for browser apps (the CDK stack's preflight and the local gateway): the request
 * headers a client may send and the response headers it may read.
 */
export const apiCors = {
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-correlation-id', 'range'],
  /** SigV4 callers (`authMode: iam`) sign with these too. */
  sigV4Headers: ['x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256'],
  exposeHeaders: ['location', 'retry-after', 'x-correlation-id', 'x-next-offset', 'x-log-complete', 'content-range'],
} as const;
