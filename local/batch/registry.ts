/**
 * Compute environments, job queues and job definitions of the Batch emulator: the static part
 * of Batch, with the same validation, naming and revision rules as the service.
 */
import type {
  ComputeEnvironmentDetail,
  CreateComputeEnvironmentRequest,
  CreateComputeEnvironmentResponse,
  CreateJobQueueRequest,
  CreateJobQueueResponse,
  DeregisterJobDefinitionRequest,
  DescribeComputeEnvironmentsRequest,
  DescribeComputeEnvironmentsResponse,
  DescribeJobDefinitionsRequest,
  DescribeJobDefinitionsResponse,
  DescribeJobQueuesRequest,
  DescribeJobQueuesResponse,
  JobDefinition,
  JobQueueDetail,
  RegisterJobDefinitionRequest,
  RegisterJobDefinitionResponse,
  UpdateComputeEnvironmentRequest,
  UpdateComputeEnvironmentResponse,
} from '@aws-sdk/client-batch';
import { randomUUID } from 'node:crypto';
import { validateRetryStrategy, validateTimeout, vcpusOf } from './job-spec';
import { ClientError } from './types';
import { paginate, requireString } from './util';

/** Names Batch accepts for compute environments, queues and job definitions. */
const namePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

function checkName(name: unknown, member: string): string {
  const value = requireString(name, member);
  if (!namePattern.test(value))
    throw new ClientError(`${member} must be up to 128 letters, numbers, hyphens and underscores`);
  return value;
}

/** The static Batch resources, kept in creation order so describe calls page stably. */
export class Registry {
  private readonly computeEnvironments = new Map<string, ComputeEnvironmentDetail>();
  private readonly jobQueues = new Map<string, JobQueueDetail>();
  /** Every revision of every job definition. */
  private readonly definitions: JobDefinition[] = [];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** ARN of a Batch resource, e.g. `arn:aws:batch:us-east-1:000000000000:job/<id>`. */
  arn(kind: 'compute-environment' | 'job-queue' | 'job-definition' | 'job', name: string): string {
    return `arn:aws:batch:${this.region}:${this.accountId}:${kind}/${name}`;
  }

  createComputeEnvironment(req: CreateComputeEnvironmentRequest): CreateComputeEnvironmentResponse {
    const name = checkName(req.computeEnvironmentName, 'computeEnvironmentName');
    if (this.computeEnvironments.has(name)) throw new ClientError('Object already exists');
    if (req.type !== 'MANAGED' && req.type !== 'UNMANAGED') throw new ClientError('type must be MANAGED or UNMANAGED');
    if (req.type === 'MANAGED') {
      const max = req.computeResources?.maxvCpus;
      if (typeof max !== 'number' || max < 0)
        throw new ClientError('computeResources.maxvCpus is required for a MANAGED compute environment');
    }
    const detail: ComputeEnvironmentDetail = {
      computeEnvironmentName: name,
      computeEnvironmentArn: this.arn('compute-environment', name),
      type: req.type,
      state: req.state ?? 'ENABLED',
      // Nothing to provision locally: the environment is usable at once.
      status: 'VALID',
      statusReason: 'ComputeEnvironment Healthy',
      computeResources: req.computeResources,
      unmanagedvCpus: req.unmanagedvCpus,
      serviceRole: req.serviceRole,
      tags: req.tags,
      containerOrchestrationType: 'ECS',
      uuid: randomUUID(),
    };
    this.computeEnvironments.set(name, detail);
    return { computeEnvironmentName: name, computeEnvironmentArn: detail.computeEnvironmentArn };
  }

  updateComputeEnvironment(req: UpdateComputeEnvironmentRequest): UpdateComputeEnvironmentResponse {
    const ce = this.computeEnvironment(requireString(req.computeEnvironment, 'computeEnvironment'));
    if (req.state !== undefined) ce.state = req.state;
    if (req.unmanagedvCpus !== undefined) ce.unmanagedvCpus = req.unmanagedvCpus;
    const update = req.computeResources;
    if (update !== undefined && ce.computeResources !== undefined) {
      const { minvCpus, maxvCpus, desiredvCpus } = update;
      ce.computeResources = {
        ...ce.computeResources,
        ...(minvCpus !== undefined && { minvCpus }),
        ...(maxvCpus !== undefined && { maxvCpus }),
        ...(desiredvCpus !== undefined && { desiredvCpus }),
      };
    }
    return { computeEnvironmentName: ce.computeEnvironmentName, computeEnvironmentArn: ce.computeEnvironmentArn };
  }

  describeComputeEnvironments(req: DescribeComputeEnvironmentsRequest): DescribeComputeEnvironmentsResponse {
    const all = [...this.computeEnvironments.values()];
    const wanted = req.computeEnvironments?.length
      ? all.filter((ce) =>
          req.computeEnvironments?.some((r) => r === ce.computeEnvironmentName || r === ce.computeEnvironmentArn),
        )
      : all;
    const { page, nextToken } = paginate(wanted, req.maxResults, req.nextToken);
    return { computeEnvironments: structuredClone(page), nextToken };
  }

  /** A compute environment by name or ARN. */
  computeEnvironment(ref: string): ComputeEnvironmentDetail {
    const ce =
      this.computeEnvironments.get(ref) ??
      [...this.computeEnvironments.values()].find((c) => c.computeEnvironmentArn === ref);
    if (ce === undefined) throw new ClientError(`ComputeEnvironment ${ref} does not exist`);
    return ce;
  }

  /** vCPUs a compute environment may run at once; unmanaged ones are bounded only by this machine. */
  capacity(ce: ComputeEnvironmentDetail): number {
    if (ce.state !== 'ENABLED') return 0;
    if (ce.type === 'UNMANAGED') return Number.POSITIVE_INFINITY;
    return ce.computeResources?.maxvCpus ?? 0;
  }

  createJobQueue(req: CreateJobQueueRequest): CreateJobQueueResponse {
    const name = checkName(req.jobQueueName, 'jobQueueName');
    if (this.jobQueues.has(name)) throw new ClientError('Object already exists');
    if (typeof req.priority !== 'number') throw new ClientError('priority is required');
    const order = req.computeEnvironmentOrder ?? [];
    if (order.length === 0) throw new ClientError('computeEnvironmentOrder must name at least one compute environment');
    const computeEnvironmentOrder = order.map((o) => ({
      order: o.order ?? 0,
      computeEnvironment: this.computeEnvironment(
        requireString(o.computeEnvironment, 'computeEnvironmentOrder.computeEnvironment'),
      ).computeEnvironmentArn,
    }));
    const detail: JobQueueDetail = {
      jobQueueName: name,
      jobQueueArn: this.arn('job-queue', name),
      state: req.state ?? 'ENABLED',
      status: 'VALID',
      statusReason: 'JobQueue Healthy',
      priority: req.priority,
      computeEnvironmentOrder,
      jobQueueType: 'ECS',
      tags: req.tags,
    };
    this.jobQueues.set(name, detail);
    return { jobQueueName: name, jobQueueArn: detail.jobQueueArn };
  }

  describeJobQueues(req: DescribeJobQueuesRequest): DescribeJobQueuesResponse {
    const all = [...this.jobQueues.values()];
    const wanted = req.jobQueues?.length
      ? all.filter((q) => req.jobQueues?.some((r) => r === q.jobQueueName || r === q.jobQueueArn))
      : all;
    const { page, nextToken } = paginate(wanted, req.maxResults, req.nextToken);
    return { jobQueues: structuredClone(page), nextToken };
  }

  /** A job queue by name or ARN. */
  jobQueue(ref: string): JobQueueDetail {
    const queue = this.jobQueues.get(ref) ?? [...this.jobQueues.values()].find((q) => q.jobQueueArn === ref);
    if (queue === undefined) throw new ClientError(`JobQueue ${ref} not found`);
    return queue;
  }

  /** The queue's compute environments, in the order jobs are placed on them. */
  computeEnvironmentsOf(queue: JobQueueDetail): ComputeEnvironmentDetail[] {
    return [...(queue.computeEnvironmentOrder ?? [])]
      .sort((a, b) => (a.order ?? 0) - (b.order ?? 0))
      .map((o) => this.computeEnvironment(o.computeEnvironment ?? ''));
  }

  registerJobDefinition(req: RegisterJobDefinitionRequest): RegisterJobDefinitionResponse {
    const name = checkName(req.jobDefinitionName, 'jobDefinitionName');
    if (req.type !== 'container')
      throw new ClientError(`type ${String(req.type)} is not supported locally; use container`);
    const container = req.containerProperties;
    if (container === undefined)
      throw new ClientError('containerProperties is required for a container job definition');
    requireString(container.image, 'containerProperties.image');
    if (!(vcpusOf(container) > 0))
      throw new ClientError('containerProperties must request vCPUs (resourceRequirements VCPU or vcpus)');
    validateRetryStrategy(req.retryStrategy);
    validateTimeout(req.timeout);
    const revision = this.definitions.filter((d) => d.jobDefinitionName === name).length + 1;
    const definition: JobDefinition = {
      jobDefinitionName: name,
      jobDefinitionArn: this.arn('job-definition', `${name}:${revision}`),
      revision,
      status: 'ACTIVE',
      type: 'container',
      parameters: req.parameters ?? {},
      retryStrategy: req.retryStrategy,
      containerProperties: container,
      timeout: req.timeout,
      tags: req.tags,
      propagateTags: req.propagateTags,
      platformCapabilities: req.platformCapabilities ?? ['EC2'],
      containerOrchestrationType: 'ECS',
    };
    this.definitions.push(definition);
    return { jobDefinitionName: name, jobDefinitionArn: definition.jobDefinitionArn, revision };
  }

  deregisterJobDefinition(req: DeregisterJobDefinitionRequest): Record<string, never> {
    const definition = this.jobDefinition(requireString(req.jobDefinition, 'jobDefinition'), true);
    definition.status = 'INACTIVE';
    return {};
  }

  describeJobDefinitions(req: DescribeJobDefinitionsRequest): DescribeJobDefinitionsResponse {
    let wanted = this.definitions;
    if (req.jobDefinitions?.length) {
      const refs = req.jobDefinitions;
      // A plain name lists every revision, like jobDefinitionName does.
      wanted = wanted.filter((d) =>
        refs.some(
          (r) => r === d.jobDefinitionArn || r === `${d.jobDefinitionName}:${d.revision}` || r === d.jobDefinitionName,
        ),
      );
    }
    if (req.jobDefinitionName !== undefined)
      wanted = wanted.filter((d) => d.jobDefinitionName === req.jobDefinitionName);
    if (req.status !== undefined) wanted = wanted.filter((d) => d.status === req.status);
    const { page, nextToken } = paginate(wanted, req.maxResults, req.nextToken);
    return { jobDefinitions: structuredClone(page), nextToken };
  }

  /**
   * A job definition from `name:revision`, its ARN, or a plain name (latest ACTIVE revision).
   * SubmitJob refuses INACTIVE revisions; deregistering may name them.
   */
  jobDefinition(ref: string, allowInactive = false): JobDefinition {
    const arnPrefix = this.arn('job-definition', '');
    const short = ref.startsWith(arnPrefix) ? ref.slice(arnPrefix.length) : ref;
    const [name, revisionText] = short.split(':');
    let found: JobDefinition | undefined;
    if (revisionText === undefined) {
      found = this.definitions.filter((d) => d.jobDefinitionName === name && d.status === 'ACTIVE').at(-1);
    } else {
      found = this.definitions.find((d) => d.jobDefinitionName === name && String(d.revision) === revisionText);
      if (found !== undefined && found.status !== 'ACTIVE' && !allowInactive)
        throw new ClientError(`Job definition ${ref} is INACTIVE`);
    }
    if (found === undefined) throw new ClientError(`Job definition ${ref} does not exist`);
    return found;
  }
}
