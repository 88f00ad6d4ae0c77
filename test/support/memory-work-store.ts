/**
 * The work store (core/ports/work-store.ts) in memory, for unit tests: each step checks the same
 * state the DynamoDB adapter's condition expressions check, so a test sets up records as plain
 * objects and reads the outcome back instead of rebuilding table items and update expressions.
 */
import type { BatchProgress, DispatchAttributes, WorkStore } from '../../core/ports/work-store';
import type { WaitingEntry } from '../../core/records/store';
import type { WorkCollection, WorkRecord } from '../../core/records/types';
import type { WorkRef } from '../../core/scheduling/slots';
import type { Usage } from '../../core/usage';
import { statusOf, terminalStatuses } from '../../core/usecases/work/phases';

type Stored = WorkRecord & DispatchAttributes & Record<string, unknown>;

export class MemoryWorkStore implements WorkStore {
  private readonly records = new Map<string, Stored>();
  /** The waiting set: record key → its place (`waitingSince`). */
  private readonly waiting = new Map<string, string>();

  private static key = (work: WorkRef) => `${work.collection}/${work.tenantId}/${work.recordId}`;

  /** Stores a record as it is (tests set up any state, dispatch attributes included). */
  put(collection: WorkCollection, record: WorkRecord, waitingSince?: string): void {
    const work = { collection, tenantId: record.tenantId, recordId: record.id };
    this.records.set(MemoryWorkStore.key(work), structuredClone(record) as Stored);
    if (waitingSince) this.waiting.set(MemoryWorkStore.key(work), waitingSince);
  }

  /** The stored record with its dispatch attributes (a copy). */
  get(work: WorkRef): Stored | undefined {
    const record = this.records.get(MemoryWorkStore.key(work));
    return record && structuredClone(record);
  }

  private change(work: WorkRef, holds: (record: Stored) => boolean, set: object, remove: string[] = []) {
    const record = this.records.get(MemoryWorkStore.key(work));
    if (!record || !holds(record)) return undefined;
    for (const [name, value] of Object.entries(set)) if (value !== undefined) record[name] = value;
    for (const name of remove) delete record[name];
    record.updatedAt = new Date().toISOString();
    return structuredClone(record) as WorkRecord;
  }

  private isQueued = (work: WorkRef) => (record: Stored) => record.status === statusOf[work.collection].queued;

  async find(work: WorkRef) {
    return this.get(work);
  }

  async findByStatus(collection: WorkCollection, status: string) {
    return [...this.records.entries()]
      .filter(([key, record]) => key.startsWith(`${collection}/`) && record.status === status)
      .map(([, record]) => structuredClone(record) as WorkRecord);
  }

  async findWaiting(): Promise<WaitingEntry[]> {
    return [...this.waiting.entries()]
      .map(([key, waitingSince]) => {
        const [collection, tenantId, recordId] = key.split('/') as [WorkCollection, string, string];
        return { collection, tenantId, recordId, waitingSince };
      })
      .sort((a, b) => a.waitingSince.localeCompare(b.waitingSince));
  }

  async markFailed(work: WorkRef, error: string) {
    this.change(work, () => true, { status: 'failed', error });
  }

  async markWaiting(work: WorkRef, waitingSince: string) {
    const queued = this.isQueued(work);
    const marked = this.change(work, (r) => queued(r) && !r.dispatchState && !r.batchJobId, {
      dispatchState: 'waiting',
    });
    if (marked) this.waiting.set(MemoryWorkStore.key(work), waitingSince);
    return Boolean(marked);
  }

  async claimDispatch(work: WorkRef, claimId: string) {
    const queued = this.isQueued(work);
    const claimed = this.change(work, (r) => queued(r) && r.dispatchState === 'waiting', {
      dispatchState: 'claimed',
      dispatchClaimId: claimId,
      dispatchClaimedAt: new Date().toISOString(),
    });
    if (claimed) this.waiting.delete(MemoryWorkStore.key(work));
    return claimed;
  }

  async leaveWaiting(work: WorkRef) {
    const record = this.records.get(MemoryWorkStore.key(work));
    if (record && !this.isQueued(work)(record)) this.waiting.delete(MemoryWorkStore.key(work));
  }

  async recordBatchJob(work: WorkRef, claimId: string, jobId: string) {
    const holds = (r: Stored) =>
      r.dispatchClaimId === claimId &&
      (r.batchJobId === undefined || r.batchJobId === jobId) &&
      !terminalStatuses.includes(String(r.status));
    return Boolean(this.change(work, holds, { batchJobId: jobId, dispatchState: 'submitted' }));
  }

  async unclaim(work: WorkRef, claimId: string, waitingSince: string) {
    const queued = this.isQueued(work);
    const holds = (r: Stored) => r.dispatchClaimId === claimId && r.batchJobId === undefined && queued(r);
    const reset = this.change(work, holds, { dispatchState: 'waiting' }, ['dispatchClaimId', 'dispatchClaimedAt']);
    if (reset) this.waiting.set(MemoryWorkStore.key(work), waitingSince);
    return Boolean(reset);
  }

  async applyBatchProgress(work: WorkRef, jobId: string, rank: number, progress: BatchProgress) {
    const holds = (r: Stored) =>
      (r.batchJobId === undefined || r.batchJobId === jobId) &&
      (r.batchEventRank === undefined || r.batchEventRank < rank) &&
      r.dispatchState !== 'waiting';
    return this.change(work, holds, {
      ...progress,
      batchJobId: jobId,
      batchEventRank: rank,
      dispatchState: 'submitted',
    });
  }

  async recordUsage(work: WorkRef, previousRevision: number | undefined, next: Usage) {
    const holds = (r: Stored) => r.usageRevision === previousRevision;
    return Boolean(this.change(work, holds, { usage: next, usageRevision: (previousRevision ?? 0) + 1 }));
  }

  async requeueLostJob(work: WorkRef, jobId: string) {
    const remove = ['batchJobId', 'batchEventRank', 'dispatchState', 'dispatchClaimId', 'dispatchClaimedAt'];
    const reset = this.change(
      work,
      (r) => r.batchJobId === jobId,
      { status: statusOf[work.collection].queued },
      remove,
    );
    return Boolean(reset);
  }
}
