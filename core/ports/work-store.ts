/**
 * What the background-work use cases need from the store that keeps work records. Each method is
 * one step of the life cycle (core/usecases/work/) and says what it means; how the store makes it
 * safe against racing dispatchers and late events (DynamoDB condition expressions,
 * core/records/work-store.ts) is the adapter's business. Every step is all-or-nothing: it returns
 * false or undefined when the record is not in the state the step starts from.
 */
import type { WaitingEntry } from '../records/store';
import type { WorkCollection, WorkRecord } from '../records/types';
import type { WorkRef } from '../scheduling/slots';
import type { Usage } from '../usage';

/**
 * How far the dispatcher got with a record (record attributes, beside its status):
 * `waiting` (in the waiting set, since `waitingSince`) → `claimed` (`dispatchClaimId`,
 * `dispatchClaimedAt`: slots taken, SubmitJob under way) → `submitted` (`batchJobId`). Every
 * step holds only from the previous one, so at most one dispatcher's claim can hold a record,
 * and only the claim's owner can record its Batch job.
 */
export type DispatchState = 'waiting' | 'claimed' | 'submitted';

/** The dispatch attributes a work record carries beside its own fields. */
export interface DispatchAttributes {
  status?: string;
  createdAt?: string;
  batchJobId?: string;
  batchEventRank?: number;
  dispatchState?: DispatchState;
  dispatchClaimId?: string;
  dispatchClaimedAt?: string;
  /** Counts writes of `usage` (recordUsage's optimistic check). */
  usageRevision?: number;
}

/** What a Batch job state change writes on its record, beside the job id and the event's rank. */
export interface BatchProgress {
  status: string;
  attempts?: number;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
}

export interface WorkStore {
  /** The record, read strongly consistently (the state machine reads its own writes), or undefined. */
  find(work: WorkRef): Promise<WorkRecord | undefined>;
  /** A collection's records in one status, across tenants (recovery, the reconciler). */
  findByStatus(collection: WorkCollection, status: string): Promise<WorkRecord[]>;
  /** All work waiting for a worker, oldest first, across tenants. */
  findWaiting(): Promise<WaitingEntry[]>;
  /** The work could not even be queued: the record fails with the reason. */
  markFailed(work: WorkRef, error: string): Promise<void>;
  /** A queued record that no dispatcher has taken joins the waiting set at `waitingSince` (once). */
  markWaiting(work: WorkRef, waitingSince: string): Promise<boolean>;
  /** A waiting, still queued record leaves the waiting set for one claim; the record as claimed. */
  claimDispatch(work: WorkRef, claimId: string): Promise<WorkRecord | undefined>;
  /** A record that is no longer queued (cancelled while waiting) leaves the waiting set. */
  leaveWaiting(work: WorkRef): Promise<void>;
  /**
   * The claim's Batch job is recorded, only while the claim still holds an unfinished record (a
   * job the Batch events already recorded counts as recorded).
   */
  recordBatchJob(work: WorkRef, claimId: string, jobId: string): Promise<boolean>;
  /** The claim is given back: the record, still queued and without a job, waits again at `waitingSince`. */
  unclaim(work: WorkRef, claimId: string, waitingSince: string): Promise<boolean>;
  /**
   * A Batch job state change: applied only if the record has no other job, the event outranks
   * every event applied so far, and the record is not waiting again. The record as updated.
   */
  applyBatchProgress(
    work: WorkRef,
    jobId: string,
    rank: number,
    progress: BatchProgress,
  ): Promise<WorkRecord | undefined>;
  /**
   * The record's usage becomes `next`, only if it is still what the caller read (`previous`, by its
   * revision): two Batch jobs of one record ending at once cannot drop each other's attempts.
   */
  recordUsage(work: WorkRef, previousRevision: number | undefined, next: Usage): Promise<boolean>;
  /** The record's Batch job was lost: the record is queued again without a job, if that job is still its. */
  requeueLostJob(work: WorkRef, jobId: string): Promise<boolean>;
}
