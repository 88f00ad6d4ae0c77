/**
 * The runtime configuration, in one place: every environment variable the service's code reads
 * (functions, the Batch worker, the inference server), with its zod schema, its default and which
 * code reads it, and a typed getter for each (`config.maxWorkers()`). The CDK stack writes each
 * function's Environment with these names (`envNames`, through the `bind*` helpers), and
 * test/infra/environment.test.ts proves a synthesized function gets only variables its kind of
 * code reads, and every resource its code needs.
 *
 * Values are read when asked for, not at import: the local cloud sets its endpoints and names
 * after the handler modules load, and Lambda's environment never changes during a process.
 * An invalid value fails loudly, naming the variable, what it must be and what it is
 * (`ConfigError`); an unset or empty one takes its default.
 *
 * This module imports nothing of the service but the pricing schema (core/topology.ts re-exports `envNames` from
 * here).
 */
import { z } from 'zod';
import { pricing } from './pricing';

/**
 * Who reads a variable: Lambda handlers (`function`: routes and background functions alike), the
 * Batch worker (`worker`), the inference server's client (`inference`, container/inference/: the
 * classify function and the worker's classify action). `local`: set by the local cloud and the
 * test suites only, never by a stack.
 */
export type Reader = 'function' | 'worker' | 'inference' | 'local';

/** One environment variable: its name, how its text becomes a value, and who reads it. */
export interface Variable<T = unknown> {
  readonly name: string;
  readonly schema: z.ZodType<T>;
  /** What a valid value is, for the error: `X must be <expects>, not "…"`. */
  readonly expects: string;
  readonly readers: readonly Reader[];
}

/** A variable is missing or its value is not what its schema takes. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

type Kind<T> = Pick<Variable<T>, 'schema' | 'expects'>;

/** Must be set (a bound resource's name, URL or ARN). */
const required = (): Kind<string> => ({ schema: z.string(), expects: 'set' });
/** May be unset (undefined). */
const optionalText = (): Kind<string | undefined> => ({ schema: z.string().optional(), expects: 'text' });
const requiredUrl = (): Kind<string> => ({ schema: z.url(), expects: 'a URL' });
const optionalUrl = (): Kind<string | undefined> => ({ schema: z.url().optional(), expects: 'a URL' });

/** Whole numbers only, and safe ones (zod's `int`). */
const integer = z.coerce.number().int();
const positiveInteger = (fallback: number): Kind<number> => ({
  schema: integer.min(1).default(fallback),
  expects: 'a positive integer',
});
const optionalPositiveInteger = (): Kind<number | undefined> => ({
  schema: integer.min(1).optional(),
  expects: 'a positive integer',
});
const wholeNumber = (fallback: number): Kind<number> => ({
  schema: integer.min(0).default(fallback),
  expects: 'a whole number ≥ 0',
});
const optionalWholeNumber = (): Kind<number | undefined> => ({
  schema: integer.min(0).optional(),
  expects: 'a whole number ≥ 0',
});
const positiveNumber = (fallback: number): Kind<number> => ({
  schema: z.coerce.number().positive().default(fallback),
  expects: 'a positive number',
});
const optionalPositiveNumber = (): Kind<number | undefined> => ({
  schema: z.coerce.number().positive().optional(),
  expects: 'a positive number',
});
/** On with `1` or `true`, off with `0`, `false` or unset. */
const flag = (): Kind<boolean> => ({
  schema: z
    .enum(['1', 'true', '0', 'false'])
    .optional()
    .transform((value) => value === '1' || value === 'true'),
  expects: '1, true, 0 or false',
});
/** Comma-separated; blanks around items and empty items are dropped. */
const list = <const Item extends string>(allowed?: readonly Item[]): Kind<Item[]> => {
  const item = allowed ? z.enum(allowed as [Item, ...Item[]]) : z.string();
  return {
    schema: z
      .string()
      .default('')
      .transform((text) =>
        text
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(item)) as unknown as z.ZodType<Item[]>,
    expects: allowed
      ? `a comma-separated list of ${allowed.map((a) => `"${a}"`).join(', ')}`
      : 'a comma-separated list',
  };
};

/** Optional JSON text that `shape` takes. */
const optionalJson = <T>(shape: z.ZodType<T>, expects: string): Kind<T | undefined> => ({
  schema: z
    .string()
    .optional()
    .transform((text, context) => {
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'not JSON' });
        return z.NEVER;
      }
    })
    .pipe(shape.optional()) as unknown as z.ZodType<T | undefined>,
  expects,
});

const variable = <T>(name: string, kind: Kind<T>, readers: readonly Reader[]): Variable<T> => ({
  name,
  ...kind,
  readers,
});

/** Every variable the service's code reads, by the name its getter has. */
export const variables = {
  // The resources a function or the worker is bound to (the stack's `bind*` helpers set them).
  table: variable('TABLE_NAME', required(), ['function', 'worker']),
  bucket: variable('BUCKET_NAME', required(), ['function', 'worker']),
  jobsQueueUrl: variable('JOBS_QUEUE_URL', requiredUrl(), ['function']),
  batchJobQueue: variable('BATCH_JOB_QUEUE', required(), ['function']),
  batchJobDefinition: variable('BATCH_JOB_DEFINITION', required(), ['function']),
  /** Optional CPU job queue for `resources: {type: "CPU"}` jobs; unset means the GPU queue takes them too. */
  batchCpuJobQueue: variable('BATCH_CPU_JOB_QUEUE', optionalText(), ['function']),
  /** The CPU queue's job definition (the CPU image, no GPU); unset: the GPU queue's definition. */
  batchCpuJobDefinition: variable('BATCH_CPU_JOB_DEFINITION', optionalText(), ['function']),
  /** The stack's EventBridge bus: every job state change is published there (jobEvents); unset: none is. */
  eventBus: variable('EVENT_BUS_NAME', optionalText(), ['function', 'worker']),
  /**
   * IAM mode only: caller ARNs (`requestContext.authorizer.iam.userArn`, exact match) that may
   * call the admin API. Unset: no IAM principal is an admin.
   */
  adminPrincipalArns: variable('ADMIN_PRINCIPAL_ARNS', list(), ['function']),
  /**
   * The worker's tenant-scoped role: at job start the worker assumes it with a session policy that
   * allows only its tenant's objects and items (container/worker/tenant-credentials.ts). Unset
   * locally (no STS emulator): the worker uses its own credentials.
   */
  workerTenantRoleArn: variable('WORKER_TENANT_ROLE_ARN', optionalText(), ['worker']),

  // What a tenant may upload, import and keep until an admin sets limits (core/limits.ts). The
  // worker gets its tenant's archive and size limits with each job (`workerLimitEnv`).
  maxDatafileBytes: variable('ELASTIC_CAFFE_MAX_DATAFILE_BYTES', positiveInteger(50 * GiB), ['function', 'worker']),
  maxArchiveEntries: variable('ELASTIC_CAFFE_MAX_ARCHIVE_ENTRIES', positiveInteger(2_000_000), ['function', 'worker']),
  maxUncompressedBytes: variable('ELASTIC_CAFFE_MAX_UNCOMPRESSED_BYTES', positiveInteger(32 * GiB), [
    'function',
    'worker',
  ]),
  maxQueuedJobs: variable('ELASTIC_CAFFE_QUOTA_QUEUED_JOBS', positiveInteger(20), ['function']),
  maxStorageBytes: variable('ELASTIC_CAFFE_QUOTA_STORAGE_BYTES', positiveInteger(200 * GiB), ['function']),
  /** What a job quota's 429 suggests waiting (core/quotas.ts). */
  jobsRetryAfterSeconds: variable('ELASTIC_CAFFE_QUOTA_RETRY_AFTER_SECONDS', positiveInteger(60), ['function']),
  /** Up to this size a client's upload is one presigned PUT; above it, a multipart upload. */
  singlePutMaxBytes: variable('ELASTIC_CAFFE_SINGLE_PUT_MAX_BYTES', positiveInteger(64 * MiB), ['function']),
  /**
   * Multipart part size: of a client's upload (core/limits.ts, default 64 MiB) and of the worker's
   * own uploads (container/worker/transfer.ts, default 16 MiB). Tests lower it to reach the
   * multipart paths with small files.
   */
  uploadPartBytes: variable('ELASTIC_CAFFE_UPLOAD_PART_BYTES', optionalPositiveInteger(), ['function', 'worker']),
  importTimeoutSeconds: variable('ELASTIC_CAFFE_IMPORT_TIMEOUT_SECONDS', positiveInteger(3600), ['function']),
  /** Expanded bytes per archive byte an archive may reach (container/worker/formats/limits.ts). */
  maxCompressionRatio: variable('ELASTIC_CAFFE_MAX_COMPRESSION_RATIO', positiveNumber(100), ['worker']),
  /** Below this many expanded bytes the ratio is not checked (tiny tars are mostly padding). */
  compressionRatioFloorBytes: variable('ELASTIC_CAFFE_COMPRESSION_RATIO_FLOOR_BYTES', positiveNumber(16 * MiB), [
    'worker',
  ]),
  /**
   * Which non-public networks URL imports may reach (core/net/url-guard.ts); unset: neither. The
   * local cloud allows loopback, so tests can serve files from 127.0.0.1.
   */
  allowPrivateUrls: variable('ELASTIC_CAFFE_ALLOW_PRIVATE_URLS', list(['loopback', 'private']), ['function', 'worker']),

  // Capacity defaults until an admin sets them (core/scheduling/capacity.ts), and the reconciler.
  /** Batch jobs at once, all tenants (the stack: maxvCpus / job vCPUs; the local cloud: its workers). */
  maxWorkers: variable('ELASTIC_CAFFE_MAX_WORKERS', wholeNumber(2), ['function']),
  /** GPUs one training job may ask for: what the stack's GPU environment can host (lib/config.ts). */
  maxGpusPerJob: variable('ELASTIC_CAFFE_MAX_GPUS_PER_JOB', positiveInteger(1), ['function']),
  /** Batch jobs at once per tenant. */
  maxConcurrentJobs: variable('ELASTIC_CAFFE_MAX_CONCURRENT_JOBS', wholeNumber(4), ['function']),
  /** The price table of usage estimates (core/pricing.ts), written by the stack; unset: no cost estimate. */
  pricing: variable('ELASTIC_CAFFE_PRICING', optionalJson(pricing, 'pricing JSON (core/pricing.ts)'), ['function']),
  /** Seconds a claim or slot may sit unfinished before the reconciler repairs it. */
  reconcileGraceSeconds: variable('ELASTIC_CAFFE_RECONCILE_GRACE_SECONDS', positiveInteger(120), ['function']),

  // The worker's process.
  /** Overrides the time-based snapshot interval; unset: `checkpoints.defaultIntervalSeconds` (core/topology.ts). */
  snapshotIntervalSeconds: variable('SNAPSHOT_INTERVAL_SECONDS', optionalPositiveNumber(), ['worker']),
  /** The image runs Caffe on a GPU. */
  gpu: variable('ELASTIC_CAFFE_GPU', flag(), ['worker']),
  /** Where a job's scratch folder is made; unset: the OS temp folder. */
  workerScratchDir: variable('WORKER_SCRATCH_DIR', optionalText(), ['worker']),
  /** Keeps a job's scratch folder after it ends (debugging). */
  workerKeepScratch: variable('WORKER_KEEP_SCRATCH', flag(), ['worker']),
  /** Per-host cache of downloaded LMDBs and mean files; unset: none. */
  workerCacheDir: variable('WORKER_CACHE_DIR', optionalText(), ['worker']),
  /** PNG decoder threads (0: decode on the main thread); unset: the cores but one, 1 to 4. */
  decodeThreads: variable('ELASTIC_CAFFE_DECODE_THREADS', optionalWholeNumber(), ['worker']),
  /** Forces Caffe's converters instead of mdb_load (to compare the two paths). */
  noMdbLoad: variable('ELASTIC_CAFFE_NO_MDB_LOAD', flag(), ['worker']),
  /** Private Caffe prefix made by local/caffe/install.ts; unset: the tools are on PATH (the image). */
  caffePrefix: variable('CAFFE_PREFIX', optionalText(), ['worker', 'local']),
  /** Where mdb_load runs from; unset: `lmdb-utils` beside CAFFE_PREFIX, or PATH. */
  lmdbToolsPrefix: variable('LMDB_TOOLS_PREFIX', optionalText(), ['worker', 'local']),
  /** Batch's own: set in a Batch job (AWS and the local emulator), so the worker logs its steps. */
  batchJobId: variable('AWS_BATCH_JOB_ID', optionalText(), ['worker']),
  /** Batch's own: which attempt of the job this is. */
  batchJobAttempt: variable('AWS_BATCH_JOB_ATTEMPT', positiveInteger(1), ['worker']),

  // The inference server (container/inference/).
  /** Caffe + Python prefix; unset: python3 on PATH (the classify image). */
  pycaffePrefix: variable('PYCAFFE_PREFIX', optionalText(), ['inference', 'local']),
  /** OpenBLAS threads per forward pass: small nets gain nothing from more. */
  inferenceThreads: variable('INFERENCE_THREADS', positiveInteger(1), ['inference']),
  /** The server script; unset: server.py beside the client, in the tree and in the bundled image. */
  inferenceServerScript: variable('INFERENCE_SERVER_SCRIPT', optionalText(), ['inference']),
  /** Where classifiers' files are cached; unset: `<tmp>/elastic-caffe-inference`. */
  inferenceCacheDir: variable('INFERENCE_CACHE_DIR', optionalText(), ['inference']),
  /** Starts the server while the function initializes (the classify image sets it). */
  inferencePrestart: variable('INFERENCE_PRESTART', flag(), ['inference']),

  // Lambda, Powertools and the local cloud.
  /** Powertools' service name; unset: `serviceName` (core/topology.ts). */
  powertoolsServiceName: variable('POWERTOOLS_SERVICE_NAME', optionalText(), ['function']),
  /** Lambda's own; the call log's caller outside `invokedAs`. */
  lambdaFunctionName: variable('AWS_LAMBDA_FUNCTION_NAME', optionalText(), ['function']),
  /** Folder the AWS call log is written to (core/aws/call-log.ts); unset: nothing is recorded. */
  awsCallLog: variable('ELASTIC_CAFFE_AWS_CALL_LOG', optionalText(), ['local']),
  /** Who a process's calls are attributed to outside `invokedAs` (the local worker). */
  awsCaller: variable('ELASTIC_CAFFE_AWS_CALLER', optionalText(), ['local']),
  // The SDK reads the endpoints itself; the code adapts to an emulator when they are set.
  s3Endpoint: variable('AWS_ENDPOINT_URL_S3', optionalUrl(), ['local']),
  sqsEndpoint: variable('AWS_ENDPOINT_URL_SQS', optionalUrl(), ['local']),
  dynamodbEndpoint: variable('AWS_ENDPOINT_URL_DYNAMODB', optionalUrl(), ['local']),
} as const;

/**
 * Variables that Node.js, the AWS SDK or Powertools read themselves (no code of ours does), which
 * the stack or the local cloud sets, with who they are set for.
 */
export const runtimeVariables: Readonly<Record<string, readonly Reader[]>> = {
  NODE_OPTIONS: ['function'],
  AWS_NODEJS_CONNECTION_REUSE_ENABLED: ['function'],
  POWERTOOLS_LOG_LEVEL: ['function', 'local'],
  POWERTOOLS_TRACE_ENABLED: ['function', 'local'],
  POWERTOOLS_METRICS_DISABLED: ['function', 'local'],
  POWERTOOLS_METRICS_NAMESPACE: ['function'],
  /** The worker's region, explicitly: it builds ARNs and calls STS regionally. */
  AWS_REGION: ['worker'],
};

export type ConfigKey = keyof typeof variables;
export type ConfigValue<K extends ConfigKey> = z.output<(typeof variables)[K]['schema']>;

/** Each variable's name by its key: the names the stack and the local cloud write. */
export const envNames = Object.fromEntries(Object.entries(variables).map(([key, v]) => [key, v.name])) as {
  readonly [K in ConfigKey]: string;
};

/** One variable's value in `env` (default: this process's), validated; unset or empty takes the default. */
export function read<K extends ConfigKey>(key: K, env: NodeJS.ProcessEnv = process.env): ConfigValue<K> {
  const { name, schema, expects } = variables[key] as Variable<ConfigValue<K>>;
  const raw = env[name] === '' ? undefined : env[name];
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (raw === undefined) throw new ConfigError(name, `environment variable ${name} is not set`);
  throw new ConfigError(name, `${name} must be ${expects}, not "${raw}"`);
}

/** A variable's value where it is set, else undefined: for code that can do without a required one. */
export function readIfSet<K extends ConfigKey>(
  key: K,
  env: NodeJS.ProcessEnv = process.env,
): ConfigValue<K> | undefined {
  return env[variables[key].name] ? read(key, env) : undefined;
}

/** A getter per variable, reading it when called: `config.table()`, `config.maxWorkers()`. */
export const config = Object.fromEntries(
  (Object.keys(variables) as ConfigKey[]).map((key) => [key, () => read(key)]),
) as { readonly [K in ConfigKey]: () => ConfigValue<K> };
