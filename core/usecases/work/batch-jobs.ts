/** The Batch side of work: submitting a record's job and stopping it. */
import { type ResourceRequirement, SubmitJobCommand, TerminateJobCommand } from '@aws-sdk/client-batch';
import { batch } from '../../aws/clients';
import { config } from '../../config';
import { limitsOf, workerLimitEnv } from '../../limits';
import type { WorkCollection } from '../../records/types';
import { batchShareIdentifier, type GpuCount, type WorkerAction, workerResourcesFor } from '../../topology';
import { actionOf, type WorkRecord } from './phases';

/**
 * Batch job names are deterministic, so the reconciler can find a job submitted by a dispatcher that died before
 * recording it.
 */
export const batchJobName = (action: WorkerAction, recordId: string) => `${action}-${recordId}`;

/** Step 3 of dispatch — submits the record's Batch job (deterministic name; the tenant as fair-share identifier). */
export async function submitBatchJob(collection: WorkCollection, record: WorkRecord): Promise<string> {
  const action = actionOf[collection];
  const { jobQueue, jobDefinition, maxRuntimeSeconds, gpus } = jobSettings(record);
  const { jobId } = await batch().send(
    new SubmitJobCommand({
      jobName: batchJobName(action, record.id),
      jobQueue,
      jobDefinition,
      shareIdentifier: batchShareIdentifier(record.tenantId),
      parameters: { action, tenantId: record.tenantId, recordId: record.id },
      tags: { tenantId: record.tenantId, recordId: record.id },
      // The worker cannot read the admin's settings: it gets its tenant's limits with the job.
      containerOverrides: {
        environment: Object.entries(workerLimitEnv(await limitsOf(record.tenantId))).map(([name, value]) => ({
          name,
          value,
        })),
        ...(gpus ? { resourceRequirements: resourceRequirementsFor(gpus) } : {}),
      },
      ...(maxRuntimeSeconds ? { timeout: { attemptDurationSeconds: maxRuntimeSeconds } } : {}),
    }),
  );
  if (!jobId) throw new Error('Batch SubmitJob returned no job id');
  return jobId;
}

/**
 * Where and how long a record's Batch job runs: a training job may ask for the CPU queue (which
 * falls back to the GPU queue where no CPU queue is configured, as locally) and a shorter timeout.
 */
function jobSettings(record: WorkRecord): {
  jobQueue: string;
  jobDefinition: string;
  maxRuntimeSeconds?: number;
  /** More GPUs than the job definition's one (a multi-GPU training job on the GPU queue). */
  gpus?: GpuCount;
} {
  const gpu = { jobQueue: config.batchJobQueue(), jobDefinition: config.batchJobDefinition() };
  if (!('solverId' in record)) return gpu;
  const cpuQueue = config.batchCpuJobQueue();
  // The CPU queue runs the CPU image, which has a job definition of its own (no GPU requested).
  const cpu = cpuQueue
    ? { jobQueue: cpuQueue, jobDefinition: config.batchCpuJobDefinition() ?? gpu.jobDefinition }
    : undefined;
  const onCpu = record.resources?.type === 'CPU' && cpu !== undefined;
  const gpus = !onCpu && record.resources?.count ? record.resources.count : undefined;
  return {
    ...(onCpu ? cpu : gpu),
    ...(record.maxRuntimeSeconds ? { maxRuntimeSeconds: record.maxRuntimeSeconds } : {}),
    ...(gpus ? { gpus } : {}),
  };
}

/** SubmitJob's override of the job definition's resources for a job with more than one GPU. */
function resourceRequirementsFor(gpus: GpuCount): ResourceRequirement[] {
  const { vcpus, memoryMiB } = workerResourcesFor(gpus);
  return [
    { type: 'GPU', value: String(gpus) },
    { type: 'VCPU', value: String(vcpus) },
    { type: 'MEMORY', value: String(memoryMiB) },
  ];
}

/**
 * Stops a record's Batch job (cancel). A job Batch no longer knows (finished and forgotten, or a
 * local restart) needs no stopping; any other failure is thrown.
 */
export async function terminateBatchJob(jobId: string, reason: string): Promise<void> {
  try {
    await batch().send(new TerminateJobCommand({ jobId, reason }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'ClientException') throw error;
  }
}
