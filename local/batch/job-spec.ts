/**
 * Pure rules of Batch jobs: resource requests, parameter substitution, retry-strategy
 * validation and the evaluateOnExit decision. Kept free of state so they read like the docs.
 */
import type {
  AttemptDetail,
  ContainerOverrides,
  ContainerProperties,
  JobTimeout,
  ResourceRequirement,
  RetryStrategy,
} from '@aws-sdk/client-batch';
import { ClientError } from './types';
import { globMatches } from './util';

type Resources = Pick<ContainerProperties, 'vcpus' | 'memory' | 'resourceRequirements'>;

function requirement(resources: Resources | undefined, type: 'VCPU' | 'MEMORY'): number | undefined {
  const value = resources?.resourceRequirements?.find((r) => r.type === type)?.value;
  return value === undefined ? undefined : Number(value);
}

/** vCPUs a container asks for; resourceRequirements win over the legacy `vcpus` member. */
export function vcpusOf(resources: Resources | undefined): number {
  return requirement(resources, 'VCPU') ?? resources?.vcpus ?? Number.NaN;
}

/** The resources a job runs with: overrides replace the definition's values type by type. */
export function effectiveResources(
  container: ContainerProperties,
  overrides: ContainerOverrides | undefined,
): { vcpus: number; memory?: number; resourceRequirements: ResourceRequirement[] } {
  const vcpus = requirement(overrides, 'VCPU') ?? overrides?.vcpus ?? vcpusOf(container);
  const memory =
    requirement(overrides, 'MEMORY') ?? overrides?.memory ?? requirement(container, 'MEMORY') ?? container.memory;
  const byType = new Map<string, ResourceRequirement>();
  for (const r of [...(container.resourceRequirements ?? []), ...(overrides?.resourceRequirements ?? [])]) {
    if (r.type !== undefined) byType.set(r.type, r);
  }
  return { vcpus, ...(memory !== undefined && { memory }), resourceRequirements: [...byType.values()] };
}

/**
 * Replaces `Ref::name` command elements with parameter values. As documented, a placeholder is a
 * whole element; one without a value stays literal, as it does on AWS.
 */
export function substituteParameters(command: string[], parameters: Record<string, string>): string[] {
  return command.map((arg) => {
    if (!arg.startsWith('Ref::')) return arg;
    return parameters[arg.slice('Ref::'.length)] ?? arg;
  });
}

/** Rejects retry strategies AWS rejects: 1–10 attempts, at most 5 evaluateOnExit rules with an action. */
export function validateRetryStrategy(strategy: RetryStrategy | undefined): void {
  if (strategy === undefined) return;
  const { attempts, evaluateOnExit } = strategy;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1 || attempts > 10)) {
    throw new ClientError('retryStrategy.attempts must be between 1 and 10');
  }
  if ((evaluateOnExit?.length ?? 0) > 5) throw new ClientError('retryStrategy.evaluateOnExit allows at most 5 entries');
  for (const rule of evaluateOnExit ?? []) {
    const action = rule.action?.toUpperCase();
    if (action !== 'RETRY' && action !== 'EXIT') throw new ClientError('evaluateOnExit.action must be RETRY or EXIT');
    if (rule.onExitCode !== undefined && !/^[0-9]*\*?$/.test(rule.onExitCode))
      throw new ClientError('evaluateOnExit.onExitCode may contain only digits and a trailing *');
  }
}

/**
 * Rejects non-positive timeouts. AWS's minimum of 60 s is not enforced: local tests and
 * development want attempts that time out in a second.
 */
export function validateTimeout(timeout: JobTimeout | undefined): void {
  const seconds = timeout?.attemptDurationSeconds;
  if (seconds !== undefined && !(seconds > 0)) throw new ClientError('timeout.attemptDurationSeconds must be positive');
}

/**
 * Whether a failed attempt is retried: only if attempts remain and the first evaluateOnExit rule
 * whose conditions all match says RETRY; when no rule matches, AWS retries.
 */
export function shouldRetry(
  strategy: RetryStrategy | undefined,
  attempt: AttemptDetail,
  attemptsSoFar: number,
): boolean {
  if (attemptsSoFar >= (strategy?.attempts ?? 1)) return false;
  const exitCode = attempt.container?.exitCode;
  const rule = strategy?.evaluateOnExit?.find(
    (r) =>
      (r.onStatusReason === undefined || globMatches(r.onStatusReason, attempt.statusReason)) &&
      (r.onReason === undefined || globMatches(r.onReason, attempt.container?.reason)) &&
      (r.onExitCode === undefined || globMatches(r.onExitCode, exitCode === undefined ? undefined : String(exitCode))),
  );
  return rule === undefined || rule.action?.toUpperCase() === 'RETRY';
}
