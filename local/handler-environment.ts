/**
 * The environment the handlers read, set on this process as a function's configuration sets it on Lambda: the
 * emulators' endpoints and credentials (which the worker's jobs get too), the table, bucket, queues and Batch
 * resources, logging, and the local-only settings (loopback URLs allowed, the inference server's paths).
 */
import * as path from 'node:path';
import { resetClients } from '../core/aws/clients';
import { envNames } from '../core/topology';
import { ensurePycaffe } from './caffe/install';
import type { Emulators } from './emulators';
import type { LocalEventBus } from './eventbridge';
import type { LocalResources } from './resources';
import { localNames } from './resources';

/** What every AWS client of the local cloud needs: the emulators' credentials and endpoints, and the bus's name. */
export type AwsEnvironment = Record<string, string>;

const credentials = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  // Node 20 is supported here; the SDK's notice about future releases is noise in every child.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** ELASTIC_CAFFE_LOG_LEVEL=DEBUG or INFO: handler logs, metrics and one line per job event on the console. */
export const showsHandlerLogs = (): boolean =>
  ['DEBUG', 'INFO'].includes((process.env.ELASTIC_CAFFE_LOG_LEVEL ?? '').toUpperCase());

export function awsEnvironment(emulators: Emulators, eventBus: LocalEventBus): AwsEnvironment {
  return {
    ...credentials,
    AWS_ENDPOINT_URL_DYNAMODB: emulators.endpoints.dynamodb,
    AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
    AWS_ENDPOINT_URL_SQS: emulators.endpoints.sqs,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBus.endpoint,
    [envNames.eventBus]: eventBus.busName,
  };
}

/** The handlers' configuration that is known before the Batch emulator and the resources exist. */
export async function setHandlerEnvironment(home: string, awsEnv: AwsEnvironment): Promise<void> {
  Object.assign(process.env, awsEnv, {
    [envNames.table]: localNames.table,
    [envNames.bucket]: localNames.bucket,
    // Handler logs (Powertools, JSON) are for debugging locally: ELASTIC_CAFFE_LOG_LEVEL=INFO shows them.
    POWERTOOLS_LOG_LEVEL: process.env.ELASTIC_CAFFE_LOG_LEVEL ?? 'WARN',
    // No X-Ray daemon locally; metrics (EMF lines on stdout) only when asking for handler logs.
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_METRICS_DISABLED: showsHandlerLogs() ? 'false' : 'true',
    // URL imports may reach 127.0.0.1 locally (tests serve files from it); never any other private address.
    [envNames.allowPrivateUrls]: 'loopback',
    // The classify handler's inference server (container/inference/): Caffe's Python binding, and where model files are
    // cached.
    PYCAFFE_PREFIX: await ensurePycaffe(),
    INFERENCE_CACHE_DIR: path.join(home, 'inference-cache'),
  });
}

/** Points the AWS clients at the Batch emulator (clients made before it existed are dropped). */
export function setBatchEndpoint(endpoint: string): void {
  process.env.AWS_ENDPOINT_URL_BATCH = endpoint;
  resetClients();
}

/** The handlers' configuration that names the resources, once they exist. */
export function setResourceEnvironment(resources: LocalResources, workers: number): void {
  Object.assign(process.env, {
    [envNames.jobsQueueUrl]: resources.queueUrl,
    [envNames.batchJobQueue]: resources.jobQueueArn,
    [envNames.batchJobDefinition]: resources.jobDefinitionArn,
    // Until an admin sets capacity (PUT /v1/admin/capacity): as many Batch jobs as the local workers run.
    [envNames.maxWorkers]: String(workers),
    // A local dispatcher pass takes well under a second; claims older than this are repaired.
    [envNames.reconcileGraceSeconds]: process.env[envNames.reconcileGraceSeconds] ?? '30',
  });
}
