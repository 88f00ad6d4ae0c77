/**
 * Deployment settings, read from CDK context (`cdk.json` or `-c key=value`) and validated once.
 * Values given on the command line arrive as strings, so numbers, booleans and lists are parsed
 * here: `-c maxvCpus=32`, `-c instanceTypes=g4dn.xlarge,g4dn.2xlarge`, `-c corsOrigins='["https://a.example"]'`.
 */
import type { Node } from 'constructs';
import { z } from 'zod';
import { isTuningVariable } from '../core/caffe/tuning-env';
import {
  defaultInstancePrices,
  defaultPricesTakenOn,
  type InstancePrice,
  instancePrice,
  type Pricing,
} from '../core/pricing';
import { gpuCounts } from '../core/topology';

/** A list given as an array, a JSON array string or a comma-separated string. */
const listOf = (item: z.ZodString) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return value; // not JSON after all: the array check below reports it
      }
    }
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }, z.array(item));
const list = listOf(z.string().min(1)).pipe(z.array(z.string()).min(1));

const bool = z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());

/** CloudWatch Logs accepts only these retention periods (days). */
const logRetentionChoices = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const schema = z
  .object({
    /** Upper bound of the GPU compute environment, in vCPUs (a g4dn.xlarge has 4). */
    maxvCpus: z.coerce.number().int().positive().default(16),
    /**
     * EC2 instance types Batch may launch. The GPU image is CUDA 10.2 (NVCaffe 20.03): T4 (g4dn) works, newer GPUs
     * don't.
     */
    instanceTypes: list.default(['g4dn.xlarge', 'g4dn.2xlarge']),
    /**
     * GPUs one training job may ask for (`resources: {"type": "GPU", "count": N}`): 1, 2, 4 or 8. Above 1 the GPU
     * environments also get the smallest instance type with that many GPUs (`multiGpuInstance`), and maxvCpus must
     * fit it.
     */
    maxGpusPerJob: z.coerce
      .number()
      .refine((count) => (gpuCounts as readonly number[]).includes(count), 'must be 1, 2, 4 or 8')
      .default(1),
    /**
     * Prices per hour (USD) of instance types, over the defaults in core/pricing.ts (us-east-1 list prices), for the
     * cost estimate on every job: JSON `{"g5.xlarge": {"vcpus": 4, "gpus": 1, "onDemand": 1.006, "spot": 0.45}}`.
     * An instance type without a price gets a warning at synth, and jobs that only fit it no estimate.
     */
    instancePrices: z.preprocess(parseJsonText, z.record(z.string(), instancePrice)).default({}),
    /** Spot instances (cheaper, may be reclaimed: the worker snapshots and Batch retries); `false`: on-demand only. */
    spot: bool.default(true),
    /** With spot: a second, on-demand compute environment that takes jobs when the spot one is at its maxvCpus. */
    onDemandFallback: bool.default(true),
    /** Upper bound of the on-demand fallback environment; default: maxvCpus. */
    onDemandMaxvCpus: z.coerce.number().int().positive().optional(),
    /** A CPU compute environment and job queue for training jobs that ask for `resources: {type: "CPU"}`. */
    cpuQueue: bool.default(false),
    /** Instance types of the CPU environment; the job asks for 4 vCPUs and ~15 GB like the GPU one. */
    cpuInstanceTypes: list.default(['m6i.xlarge', 'm6i.2xlarge']),
    /** Upper bound of the CPU environment, in vCPUs. */
    cpuMaxvCpus: z.coerce.number().int().positive().default(16),
    /** The CPU queue's image (BVLC Caffe, CPU only). */
    cpuWorkerDockerfile: z.string().min(1).default('Dockerfile'),
    /**
     * Seconds between the worker's SIGTERM (Batch terminate, spot reclaim) and SIGKILL (ECS agent's
     * ECS_CONTAINER_STOP_TIMEOUT; the default 30 s is too short to snapshot and upload). A spot
     * reclaim gives two minutes' notice, so more than 120 helps only terminations.
     */
    containerStopTimeoutSeconds: z.coerce.number().int().min(30).max(3600).default(120),
    /** How callers authenticate: Cognito JWTs (`cognito`), or AWS SigV4 (`iam`: the tenant is the IAM caller). */
    authMode: z.enum(['cognito', 'iam']).default('cognito'),
    /** With authMode iam: caller ARNs (as API Gateway reports them) allowed to use the admin API. */
    adminPrincipalArns: listOf(
      z.string().regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:/, 'must be an IAM or STS ARN'),
    ).default([]),
    /** Days after which intermediate training snapshots (tagged by the worker) expire; the final model stays. */
    snapshotExpirationDays: z.coerce.number().int().min(1).default(14),
    /**
     * OpenBLAS/OpenMP settings for the worker's jobs (set in the job definitions' environment), e.g.
     * `-c workerTuningEnv='{"OPENBLAS_CORETYPE":"Haswell"}'` where OpenBLAS misdetects the CPU.
     * Only OPENBLAS_* and OMP_* names (core/caffe/tuning-env.ts).
     */
    workerTuningEnv: z
      .preprocess(
        parseJsonText,
        z.record(z.string().refine(isTuningVariable, 'must be an OPENBLAS_* or OMP_* variable name'), z.string()),
      )
      .default({}),
    /** Days CloudWatch keeps the logs of functions, the API and the Batch jobs. */
    logRetentionDays: z.coerce
      .number()
      .refine(
        (days) => (logRetentionChoices as readonly number[]).includes(days),
        `must be one of ${logRetentionChoices.join(', ')}`,
      )
      .default(30),
    /** Browser origins allowed to call the API and to PUT/GET presigned S3 URLs. */
    corsOrigins: list.default(['*']),
    /** The web console: static files behind CloudFront, signing in through Cognito's hosted UI. */
    console: bool.default(true),
    /**
     * More origins whose `/auth/callback` and `/` Cognito accepts for the console's sign-in and sign-out, besides
     * the console's own, e.g. `http://localhost:3000` to run the console locally against this deployment.
     */
    consoleExtraOrigins: listOf(
      z
        .string()
        .regex(
          /^(https:\/\/[a-z0-9.-]+|http:\/\/localhost)(:\d{1,5})?$/,
          'must be an origin: https://host[:port], or http://localhost[:port] (Cognito allows plain HTTP only there)',
        ),
    ).default([]),
    /** An existing VPC to run Batch instances in (looked up, so it needs credentials); default: a new VPC. */
    vpcId: z
      .string()
      .regex(/^vpc-[0-9a-f]+$/, 'must look like vpc-0123abcd')
      .optional(),
    /**
     * What deleting the stacks does to data (table, buckets, user pool): keep it (`retain`) or delete it (`destroy`).
     */
    removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
    /** Whether anyone may sign up; off by default (an admin creates users). */
    selfSignUp: bool.default(false),
    /** The worker image's Dockerfile in container/: the GPU one, since the compute environment is GPU. */
    workerDockerfile: z.string().min(1).default('Dockerfile.gpu'),
    /** Steady-state requests per second the API accepts (stage default throttling). */
    throttleRateLimit: z.coerce.number().positive().default(50),
    /** Burst of requests the API accepts above the steady rate. */
    throttleBurstLimit: z.coerce.number().int().positive().default(100),
    /**
     * Where alarms are emailed (an SNS subscription the address must confirm); none: the alarms' topic has no
     * subscriber.
     */
    alarmEmail: z.email().optional(),
    /** Alarm when the oldest queued work has waited longer than this (jobs stuck RUNNABLE, no capacity). */
    stuckQueuedMinutes: z.coerce.number().int().positive().default(60),
    /** Alarm when more than this percentage of finished work failed within the window... */
    failureRatePercent: z.coerce.number().positive().max(100).default(50),
    /** ...of this many minutes... */
    failureRateWindowMinutes: z.coerce.number().int().positive().max(1440).default(60),
    /** ...once at least this many jobs finished in it (one failure out of one is not a trend). */
    failureRateMinJobs: z.coerce.number().int().positive().default(3),
  })
  .refine((config) => config.authMode === 'iam' || config.adminPrincipalArns.length === 0, {
    path: ['adminPrincipalArns'],
    message: "applies only with authMode 'iam' (with Cognito, admins are the members of the admins group)",
  })
  .superRefine((config, context) => {
    const instance = multiGpuInstance(config.maxGpusPerJob);
    if (!instance) return;
    for (const key of ['maxvCpus', 'onDemandMaxvCpus'] as const) {
      const vcpus = config[key];
      if (vcpus !== undefined && vcpus < instance.vcpus)
        context.addIssue({
          code: 'custom',
          path: [key],
          message:
            `must be at least ${instance.vcpus} for maxGpusPerJob=${config.maxGpusPerJob} ` +
            `(a ${instance.type} has ${instance.gpus} GPUs and ${instance.vcpus} vCPUs), not ${vcpus}`,
        });
    }
  });

/**
 * The smallest instance type with at least `gpus` GPUs that the GPU image runs on (CUDA 10.2: T4, so g4dn),
 * for jobs of more than one GPU; one GPU needs none beyond `instanceTypes`.
 */
export function multiGpuInstance(gpus: number): { type: string; gpus: number; vcpus: number } | undefined {
  if (gpus <= 1) return undefined;
  return gpus <= 4 ? { type: 'g4dn.12xlarge', gpus: 4, vcpus: 48 } : { type: 'g4dn.metal', gpus: 8, vcpus: 96 };
}

/** `-c key='{"json": …}'` arrives as text; anything that is not JSON is left for the schema to report. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Every instance type the compute environments may launch. */
function launchedInstanceTypes(
  config: Pick<AppConfig, 'instanceTypes' | 'maxGpusPerJob' | 'cpuQueue' | 'cpuInstanceTypes'>,
): string[] {
  return [...gpuInstanceTypes(config), ...(config.cpuQueue ? config.cpuInstanceTypes : [])];
}

/**
 * The price table of the usage estimates (ELASTIC_CAFFE_PRICING): the launched types that have a price, at the
 * market bought, and the launched types that have none (the stack warns: jobs that only fit those get no estimate).
 */
export function pricingOf(config: AppConfig): { pricing: Pricing; unpriced: string[] } {
  const prices: Record<string, InstancePrice | undefined> = { ...defaultInstancePrices, ...config.instancePrices };
  const launched = launchedInstanceTypes(config);
  return {
    pricing: {
      currency: 'USD',
      market: config.spot ? 'spot' : 'onDemand',
      takenOn: Object.keys(config.instancePrices).length
        ? `${defaultPricesTakenOn}; the deployment's own for ${Object.keys(config.instancePrices).join(', ')}`
        : defaultPricesTakenOn,
      instances: Object.fromEntries(launched.flatMap((type) => (prices[type] ? [[type, prices[type]]] : []))),
    },
    unpriced: launched.filter((type) => !prices[type]),
  };
}

/** The GPU environments' instance types: the configured ones, and the one multi-GPU jobs need. */
export function gpuInstanceTypes(config: Pick<AppConfig, 'instanceTypes' | 'maxGpusPerJob'>): string[] {
  const multi = multiGpuInstance(config.maxGpusPerJob);
  return multi && !config.instanceTypes.includes(multi.type)
    ? [...config.instanceTypes, multi.type]
    : config.instanceTypes;
}

/** Validated deployment settings. */
export type AppConfig = z.infer<typeof schema>;

/** Context keys this app reads; anything else in the context (feature flags...) is ignored. */
export const configKeys = Object.keys(schema.shape) as Array<keyof AppConfig>;

/** Validates raw settings; throws one error listing every bad key. */
export function parseConfig(raw: Record<string, unknown>): AppConfig {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  - ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`Invalid CDK context for Elastic Caffe:\n${problems.join('\n')}`);
  }
  return result.data;
}

/** Reads the settings from a construct's context (normally the App's). */
export function loadConfig(node: Node): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const key of configKeys) {
    const value: unknown = node.tryGetContext(key);
    if (value !== undefined) raw[key] = value;
  }
  return parseConfig(raw);
}
