/**
 * The runtime configuration every function and the worker read from their environment, typed and
 * validated (zod) in one place. The CDK stack writes each function's Environment with these same
 * names (envNames, through the `bind*` helpers), and test/infra/environment.test.ts proves every
 * variable a synthesized function gets is one this module knows.
 *
 * Values are read when asked for, not at import: the local cloud sets its endpoints and names
 * after the handler modules load, and Lambda's environment never changes during a process.
 */
import { z } from 'zod';
import { callerEnv, callLogEnv } from './aws/call-log';
import { allowPrivateUrlsEnv } from './net/url-guard';
import { checkpoints, envNames } from './topology';

const required = (name: string) =>
  z.string({ error: `environment variable ${name} is not set` }).min(1, `environment variable ${name} is not set`);

/** The resources a function is bound to: each getter fails loudly when its variable is missing. */
const resourceSchemas = {
  table: required(envNames.table),
  bucket: required(envNames.bucket),
  jobsQueueUrl: required(envNames.jobsQueueUrl),
  batchJobQueue: required(envNames.batchJobQueue),
  batchJobDefinition: required(envNames.batchJobDefinition),
} as const;

type ResourceName = keyof typeof resourceSchemas;

/** A bound resource's name, URL or ARN, from its variable (envNames), validated. */
export function resource(name: ResourceName, env: NodeJS.ProcessEnv = process.env): string {
  return resourceSchemas[name].parse(env[envNames[name]]);
}

/** The resource getters the stores use. */
export const config = {
  table: () => resource('table'),
  bucket: () => resource('bucket'),
  jobsQueueUrl: () => resource('jobsQueueUrl'),
};

/**
 * Variables a function may be given beside those of envNames and the tunables the modules read
 * with their defaults (core/limits.ts, core/quotas.ts, core/scheduling/capacity.ts, reconcile).
 * Lambda's and Powertools' own are here because the stack sets them on every function.
 */
export const platformVariables = [
  'NODE_OPTIONS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'POWERTOOLS_TRACE_ENABLED',
  'POWERTOOLS_METRICS_DISABLED',
  'AWS_NODEJS_CONNECTION_REUSE_ENABLED',
] as const;

/** Every variable the service's code reads by name (the registries of the modules that read them). */
export function knownVariables(tunables: readonly string[]): Set<string> {
  return new Set([
    ...Object.values(envNames),
    ...platformVariables,
    allowPrivateUrlsEnv,
    checkpoints.intervalEnv,
    callLogEnv,
    callerEnv,
    ...tunables,
  ]);
}
