/**
 * The reconciler (on a schedule): finds work stuck between the dispatcher's steps and repairs it.
 * Batch's SubmitJob has no idempotency token, so a dispatcher that dies mid-way can leave
 *   - slots taken whose claim never landed on the record (died after step 1),
 *   - a claimed record without a Batch job id (died after step 2 or 3),
 *   - a Batch job whose record is gone, finished, or has another job (a lost race).
 * Everything younger than the grace period is left alone: a live dispatcher may be in the middle
 * of it (a dispatcher invocation cannot outlive its 30 s timeout, so the default grace is ample).
 */
import { DescribeJobsCommand, ListJobsCommand, type JobStatus, type JobSummary } from '@aws-sdk/client-batch';
import { batch } from '../aws/clients';
import { config, readIfSet } from '../config';
import type { WorkCollection } from '../records/types';
import { listSlots, parseHolder, releaseSlot } from '../scheduling/slots';
import { enqueueWork, requestDispatchPass } from '../work-queue';
import { advanceRunningSweeps } from './sweeps';
import { applyBatchEvent, type BatchJobDetail } from './work/batch-events';
import { batchJobName, terminateBatchJob } from './work/batch-jobs';
import { dispatchOf, recordSubmission, unclaim } from './work/dispatch';
import { actionOf, collectionOf, isTerminal, statusOf, workOf } from './work/phases';
import { workStore } from './work/store';

export interface ReconcileOptions {
  /** Overrides the grace period (tests repair a crash at once). */
  graceSeconds?: number;
}

export interface ReconcileReport {
  /** Claimed records whose Batch job was found by name and recorded. */
  adopted: number;
  /** Claimed records without any Batch job, given back to the waiting set. */
  requeued: number;
  /** Batch jobs terminated: their record is gone or finished, or has another job. */
  terminated: number;
  /** Slots freed whose claim no longer holds its record. */
  slotsFreed: number;
}

const activeStatuses: JobStatus[] = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING'];
const jobQueues = () => [
  ...new Set([readIfSet('batchJobQueue'), config.batchCpuJobQueue()].filter((q): q is string => Boolean(q))),
];

async function listJobs(
  jobQueue: string,
  request: { jobStatus?: JobStatus; filters?: Array<{ name: string; values: string[] }> },
): Promise<JobSummary[]> {
  const jobs: JobSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await batch().send(new ListJobsCommand({ jobQueue, ...request, nextToken }));
    jobs.push(...(page.jobSummaryList ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return jobs;
}

async function describe(jobIds: string[]): Promise<BatchJobDetail[]> {
  const details: BatchJobDetail[] = [];
  for (let i = 0; i < jobIds.length; i += 100) {
    const { jobs = [] } = await batch().send(new DescribeJobsCommand({ jobs: jobIds.slice(i, i + 100) }));
    details.push(...(jobs as unknown as BatchJobDetail[]));
  }
  return details;
}

export async function reconcile(options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const graceSeconds = options.graceSeconds ?? config.reconcileGraceSeconds();
  const cutoff = Date.now() - graceSeconds * 1000;
  const report: ReconcileReport = { adopted: 0, requeued: 0, terminated: 0, slotsFreed: 0 };
  await repairClaims(cutoff, report);
  await terminateStrayJobs(cutoff, report);
  await freeOrphanedSlots(cutoff, report);
  // Repairs free capacity or put work back: let the dispatcher choose again now, not at the next message.
  if (report.requeued || report.slotsFreed || report.terminated || (await workStore().findWaiting()).length)
    await requestDispatchPass('reconciler');
  // Sweeps move on when their jobs end; this catches lost events and a crash between a sweep's two steps.
  await advanceRunningSweeps();
  return report;
}

/** Claimed records without a job id: adopt the job submitted under the record's name, or give the claim back. */
async function repairClaims(cutoff: number, report: ReconcileReport): Promise<void> {
  for (const collection of Object.keys(statusOf) as WorkCollection[]) {
    for (const record of await workStore().findByStatus(collection, statusOf[collection].queued)) {
      const dispatch = dispatchOf(record);
      if (dispatch.dispatchState !== 'claimed' || record.batchJobId || !dispatch.dispatchClaimId) continue;
      if (Date.parse(dispatch.dispatchClaimedAt ?? '') > cutoff) continue;
      const work = { collection, tenantId: record.tenantId, recordId: record.id };
      const name = batchJobName(actionOf[collection], record.id);
      const found: JobSummary[] = [];
      for (const jobQueue of jobQueues())
        found.push(...(await listJobs(jobQueue, { filters: [{ name: 'JOB_NAME', values: [name] }] })));
      // Only jobs for this tenant's record (a job name carries the record id, the parameters the tenant).
      const details = (await describe(found.map((job) => job.jobId!))).filter(
        (job) => job.parameters?.tenantId === record.tenantId,
      );
      const [adopt, ...duplicates] = details.sort((a, b) => rankForAdoption(a) - rankForAdoption(b));
      if (adopt) {
        if (await recordSubmission(work, dispatch.dispatchClaimId, adopt.jobId)) {
          report.adopted++;
          // Its events may have been missed while the record had no job id: apply where it is now.
          await applyBatchEvent(adopt);
        }
        for (const duplicate of duplicates.filter((job) => activeStatuses.includes(job.status as JobStatus))) {
          await terminateBatchJob(duplicate.jobId, 'duplicate submission for the same record');
          report.terminated++;
        }
        continue;
      }
      const waitingSince = `${dispatchOf(record).createdAt ?? new Date().toISOString()}#${record.id}`;
      if (await unclaim(work, dispatch.dispatchClaimId, waitingSince)) {
        report.requeued++;
        // Waiting work always has a message on its way (the dispatcher's backoff chain).
        await enqueueWork({ action: actionOf[collection], tenantId: record.tenantId, recordId: record.id });
      }
    }
  }
}

/** Adopt a running or queued job before a finished one, and the oldest of those. */
const rankForAdoption = (job: BatchJobDetail & { createdAt?: number }) =>
  (activeStatuses.includes(job.status as JobStatus) ? 0 : 1e15) + (job.createdAt ?? 0);

/** Active Batch jobs whose record is gone, finished, waiting again, or has another job. */
async function terminateStrayJobs(cutoff: number, report: ReconcileReport): Promise<void> {
  for (const jobQueue of jobQueues()) {
    const summaries: JobSummary[] = [];
    for (const jobStatus of activeStatuses) summaries.push(...(await listJobs(jobQueue, { jobStatus })));
    const old = summaries.filter((job) => (job.createdAt ?? 0) <= cutoff);
    for (const job of await describe(old.map((j) => j.jobId!))) {
      const action = job.parameters?.action as keyof typeof collectionOf | undefined;
      const tenantId = job.parameters?.tenantId;
      const recordId = job.parameters?.recordId;
      if (!action || !(action in collectionOf) || !tenantId || !recordId) continue;
      const record = await workStore().find(workOf(collectionOf[action], tenantId, recordId));
      const dispatch = record ? dispatchOf(record) : undefined;
      const stray =
        !record ||
        (isTerminal(record) && record.batchJobId !== job.jobId) ||
        (record.batchJobId !== undefined && record.batchJobId !== job.jobId) ||
        (record.batchJobId === undefined && dispatch?.dispatchState === 'waiting');
      if (!stray) continue;
      await terminateBatchJob(job.jobId, record ? 'the record has another Batch job' : 'the record no longer exists');
      report.terminated++;
    }
  }
}

/**
 * Slots whose claim no longer holds its record. A finished record's slot stays while its Batch
 * job still runs (a cancelled job draining after SIGTERM still occupies a worker).
 */
async function freeOrphanedSlots(cutoff: number, report: ReconcileReport): Promise<void> {
  const activeJobs = new Set<string>();
  for (const jobQueue of jobQueues())
    for (const jobStatus of activeStatuses)
      for (const job of await listJobs(jobQueue, { jobStatus })) activeJobs.add(job.jobId!);
  for (const slot of await listSlots()) {
    if (Date.parse(slot.heldSince) > cutoff) continue;
    const { collection, tenantId, recordId, claimId } = parseHolder(slot.holder);
    const record = collection in actionOf ? await workStore().find(workOf(collection, tenantId, recordId)) : undefined;
    const held =
      record &&
      dispatchOf(record).dispatchClaimId === claimId &&
      (!isTerminal(record) || (record.batchJobId !== undefined && activeJobs.has(record.batchJobId)));
    if (held) continue;
    if (await releaseSlot(slot.sortKey, slot.holder)) report.slotsFreed++;
  }
}
