/** The job actions of the Batch emulator: SubmitJob, DescribeJobs, ListJobs, TerminateJob, CancelJob. */
import type {
  CancelJobRequest,
  DescribeJobsRequest,
  DescribeJobsResponse,
  JobDefinition,
  JobSummary,
  KeyValuesPair,
  ListJobsRequest,
  ListJobsResponse,
  SubmitJobRequest,
  SubmitJobResponse,
  TerminateJobRequest,
} from '@aws-sdk/client-batch';
import { randomUUID } from 'node:crypto';
import { effectiveResources, substituteParameters, validateRetryStrategy, validateTimeout } from './job-spec';
import type { Registry } from './registry';
import type { JobRecord, Scheduler } from './scheduler';
import { ClientError } from './types';
import { globMatches, paginate, pairsToRecord, recordToPairs, requireString } from './util';

const jobNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Request handlers for jobs, over the registry's resources and the scheduler's state. */
export class JobsApi {
  constructor(
    private readonly registry: Registry,
    private readonly scheduler: Scheduler,
  ) {}

  submitJob(req: SubmitJobRequest): SubmitJobResponse {
    const jobName = requireString(req.jobName, 'jobName');
    if (!jobNamePattern.test(jobName))
      throw new ClientError(
        'jobName must be up to 128 letters, numbers, hyphens and underscores, starting with a letter or number',
      );
    const queue = this.registry.jobQueue(requireString(req.jobQueue, 'jobQueue'));
    if (queue.state !== 'ENABLED') throw new ClientError(`JobQueue ${queue.jobQueueName} is DISABLED`);
    const definition = this.registry.jobDefinition(requireString(req.jobDefinition, 'jobDefinition'));
    if (req.arrayProperties || req.nodeOverrides || req.eksPropertiesOverride || req.ecsPropertiesOverride) {
      throw new ClientError(
        'Only single container jobs are supported locally (no array, multi-node, EKS or ECS properties)',
      );
    }
    for (const dependency of req.dependsOn ?? []) {
      if (dependency.type !== undefined) throw new ClientError('Array job dependencies are not supported locally');
      if (this.scheduler.get(dependency.jobId ?? '') === undefined)
        throw new ClientError(`Dependent job ${dependency.jobId} does not exist`);
    }
    const container = definition.containerProperties ?? {};
    const overrides = req.containerOverrides;
    const environment = { ...pairsToRecord(container.environment), ...pairsToRecord(overrides?.environment) };
    // AWS reserves the AWS_BATCH prefix for the variables it sets itself.
    if (Object.keys(environment).some((name) => name.startsWith('AWS_BATCH')))
      throw new ClientError('Environment variable names beginning with AWS_BATCH are reserved');
    const resources = effectiveResources(container, overrides);
    if (!(resources.vcpus > 0)) throw new ClientError('The job must request a positive number of vCPUs');
    const retryStrategy = req.retryStrategy ?? definition.retryStrategy;
    validateRetryStrategy(retryStrategy);
    const timeout = req.timeout ?? definition.timeout;
    validateTimeout(timeout);
    const parameters = { ...definition.parameters, ...req.parameters };
    // Fair-share queues (AWS) require a share identifier; locally one queue serves FIFO, so it is kept and shown only.
    if (req.shareIdentifier !== undefined && !/^[A-Za-z0-9]{1,255}$/.test(req.shareIdentifier))
      throw new ClientError('shareIdentifier must be up to 255 letters and numbers');

    const jobId = randomUUID();
    const jobArn = this.registry.arn('job', jobId);
    this.scheduler.submit({
      queue,
      definitionName: definition.jobDefinitionName ?? '',
      vcpus: resources.vcpus,
      environment,
      detail: {
        jobArn,
        jobName,
        jobId,
        jobQueue: queue.jobQueueArn,
        status: 'SUBMITTED',
        attempts: [],
        createdAt: Date.now(),
        retryStrategy,
        startedAt: undefined,
        dependsOn: req.dependsOn ?? [],
        jobDefinition: definition.jobDefinitionArn,
        parameters,
        container: {
          image: container.image,
          command: substituteParameters(overrides?.command ?? container.command ?? [], parameters),
          environment: recordToPairs(environment),
          vcpus: resources.vcpus,
          ...(resources.memory !== undefined && { memory: resources.memory }),
          resourceRequirements: resources.resourceRequirements,
          jobRoleArn: container.jobRoleArn,
          executionRoleArn: container.executionRoleArn,
        },
        timeout,
        tags: req.tags,
        propagateTags: req.propagateTags ?? definition.propagateTags,
        platformCapabilities: definition.platformCapabilities,
        ...(req.shareIdentifier !== undefined && { shareIdentifier: req.shareIdentifier }),
        isCancelled: false,
        isTerminated: false,
      },
    });
    return { jobArn, jobName, jobId };
  }

  describeJobs(req: DescribeJobsRequest): DescribeJobsResponse {
    const ids = req.jobs ?? [];
    if (ids.length > 100) throw new ClientError('jobs may list at most 100 job IDs');
    // Unknown IDs are left out rather than rejected, as on AWS.
    const found = ids.map((id) => this.scheduler.get(id)).filter((job) => job !== undefined);
    return { jobs: found.map((job) => structuredClone(job.detail)) };
  }

  listJobs(req: ListJobsRequest): ListJobsResponse {
    if (req.arrayJobId !== undefined || req.multiNodeJobId !== undefined)
      throw new ClientError('Array and multi-node jobs are not supported locally');
    const queueArn = this.registry.jobQueue(requireString(req.jobQueue, 'jobQueue')).jobQueueArn;
    let jobs = this.scheduler.list().filter((job) => job.detail.jobQueue === queueArn);
    // As on AWS: filters ignore jobStatus and see every status; without them the default status is RUNNING.
    if (req.filters?.length) {
      const filters = req.filters;
      jobs = jobs.filter((job) => filters.every((f) => this.matchesFilter(job, f)));
    } else {
      const status = req.jobStatus ?? 'RUNNING';
      jobs = jobs.filter((job) => job.detail.status === status);
    }
    const { page, nextToken } = paginate(jobs, req.maxResults, req.nextToken);
    return { jobSummaryList: page.map(summarize), nextToken };
  }

  terminateJob(req: TerminateJobRequest): Record<string, never> {
    this.scheduler.terminate(this.job(req.jobId), requireString(req.reason, 'reason'));
    return {};
  }

  cancelJob(req: CancelJobRequest): Record<string, never> {
    this.scheduler.cancel(this.job(req.jobId), requireString(req.reason, 'reason'));
    return {};
  }

  private job(id: string | undefined): JobRecord {
    const job = this.scheduler.get(requireString(id, 'jobId'));
    if (job === undefined) throw new ClientError(`Job ${id} does not exist`);
    return job;
  }

  private matchesFilter(job: JobRecord, filter: KeyValuesPair): boolean {
    const value = filter.values?.[0];
    if (value === undefined) throw new ClientError(`Filter ${filter.name} needs a value`);
    const createdAt = job.detail.createdAt ?? 0;
    switch (filter.name) {
      case 'JOB_NAME':
        return globMatches(value, job.detail.jobName, true);
      case 'JOB_DEFINITION':
        return this.definitionNames(job.detail.jobDefinition).some((name) => globMatches(value, name));
      case 'BEFORE_CREATED_AT':
        return createdAt < Number(value);
      case 'AFTER_CREATED_AT':
        return createdAt > Number(value);
      default:
        throw new ClientError(
          `Unsupported filter ${filter.name}; use JOB_NAME, JOB_DEFINITION, BEFORE_CREATED_AT or AFTER_CREATED_AT`,
        );
    }
  }

  /** The forms a JOB_DEFINITION filter may name a definition by: name, name:revision, ARN. */
  private definitionNames(arn: string | undefined): string[] {
    let definition: JobDefinition;
    try {
      definition = this.registry.jobDefinition(arn ?? '', true);
    } catch {
      return [];
    }
    return [definition.jobDefinitionName ?? '', `${definition.jobDefinitionName}:${definition.revision}`, arn ?? ''];
  }
}

function summarize(job: JobRecord): JobSummary {
  const d = job.detail;
  return {
    jobArn: d.jobArn,
    jobId: d.jobId,
    jobName: d.jobName,
    createdAt: d.createdAt,
    status: d.status,
    statusReason: d.statusReason,
    startedAt: d.startedAt,
    stoppedAt: d.stoppedAt,
    container: { exitCode: d.container.exitCode, reason: d.container.reason },
    jobDefinition: d.jobDefinition,
    isCancelled: d.isCancelled,
    isTerminated: d.isTerminated,
  };
}
