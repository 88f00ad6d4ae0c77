/**
 * The work store (core/ports/work-store.ts) on the DynamoDB table: each life-cycle step is one
 * conditional update (dynalite has no transactions), so duplicate deliveries, racing dispatchers
 * and out-of-order Batch events cannot move a record backwards or onto a stale Batch job. The
 * waiting set is the sparse waiting index: only records marked waiting carry its keys.
 */
import type { BatchProgress, WorkStore } from '../ports/work-store';
import type { WorkRef } from '../scheduling/slots';
import { tableKeys } from '../topology';
import { statusOf, terminalStatuses } from '../usecases/work/phases';
import * as records from './store';
import type { WorkRecord } from './types';

const waitingKeys = [tableKeys.waitingIndex.partitionKey, tableKeys.waitingIndex.sortKey];
const update = (work: WorkRef, change: records.Update) =>
  records.update(work.collection, work.tenantId, work.recordId, change) as Promise<WorkRecord | undefined>;

export const dynamoWorkStore: WorkStore = {
  find: (work) => records.find(work.collection, work.tenantId, work.recordId),
  findByStatus: (collection, status) => records.findByStatus(collection, status),
  findWaiting: () => records.findWaiting(),

  async markFailed(work, error) {
    await update(work, { set: { status: 'failed', error } });
  },

  async markWaiting(work, waitingSince) {
    const marked = await update(work, {
      set: {
        dispatchState: 'waiting',
        [tableKeys.waitingIndex.partitionKey]: records.waitingKeyValue,
        [tableKeys.waitingIndex.sortKey]: waitingSince,
      },
      condition: '#status = :queued AND attribute_not_exists(#state) AND attribute_not_exists(#job)',
      names: { '#status': 'status', '#state': 'dispatchState', '#job': 'batchJobId' },
      values: { ':queued': statusOf[work.collection].queued },
    });
    return Boolean(marked);
  },

  claimDispatch: (work, claimId) =>
    update(work, {
      set: { dispatchState: 'claimed', dispatchClaimId: claimId, dispatchClaimedAt: new Date().toISOString() },
      remove: waitingKeys,
      condition: '#status = :queued AND #state = :waiting',
      names: { '#status': 'status', '#state': 'dispatchState' },
      values: { ':queued': statusOf[work.collection].queued, ':waiting': 'waiting' },
    }),

  async leaveWaiting(work) {
    await update(work, {
      remove: waitingKeys,
      condition: '#status <> :queued AND attribute_exists(#waiting)',
      names: { '#status': 'status', '#waiting': tableKeys.waitingIndex.partitionKey },
      values: { ':queued': statusOf[work.collection].queued },
    });
  },

  async recordBatchJob(work, claimId, jobId) {
    const finished = terminalStatuses.map((_, i) => `:t${i}`).join(', ');
    const recorded = await update(work, {
      set: { batchJobId: jobId, dispatchState: 'submitted' },
      condition: `#claim = :claim AND (attribute_not_exists(#job) OR #job = :job) AND NOT (#status IN (${finished}))`,
      names: { '#claim': 'dispatchClaimId', '#job': 'batchJobId', '#status': 'status' },
      values: {
        ':claim': claimId,
        ':job': jobId,
        ...Object.fromEntries(terminalStatuses.map((status, i) => [`:t${i}`, status])),
      },
    });
    return Boolean(recorded);
  },

  async unclaim(work, claimId, waitingSince) {
    const reset = await update(work, {
      set: {
        dispatchState: 'waiting',
        [tableKeys.waitingIndex.partitionKey]: records.waitingKeyValue,
        [tableKeys.waitingIndex.sortKey]: waitingSince,
      },
      remove: ['dispatchClaimId', 'dispatchClaimedAt'],
      condition: '#claim = :claim AND attribute_not_exists(#job) AND #status = :queued',
      names: { '#claim': 'dispatchClaimId', '#job': 'batchJobId', '#status': 'status' },
      values: { ':claim': claimId, ':queued': statusOf[work.collection].queued },
    });
    return Boolean(reset);
  },

  applyBatchProgress: (work, jobId, rank, progress: BatchProgress) =>
    update(work, {
      // A claimed record learns its job here if the dispatcher has not recorded it yet (or died first).
      set: { ...progress, batchJobId: jobId, batchEventRank: rank, dispatchState: 'submitted' },
      condition:
        '(attribute_not_exists(#job) OR #job = :job) AND (attribute_not_exists(#rank) OR #rank < :rank)' +
        ' AND (attribute_not_exists(#state) OR #state <> :waiting)',
      names: { '#job': 'batchJobId', '#rank': 'batchEventRank', '#state': 'dispatchState' },
      values: { ':job': jobId, ':rank': rank, ':waiting': 'waiting' },
    }),

  async recordUsage(work, previousRevision, next) {
    const recorded = await update(work, {
      set: { usage: next, usageRevision: (previousRevision ?? 0) + 1 },
      condition: previousRevision === undefined ? 'attribute_not_exists(#revision)' : '#revision = :revision',
      names: { '#revision': 'usageRevision' },
      ...(previousRevision === undefined ? {} : { values: { ':revision': previousRevision } }),
    });
    return Boolean(recorded);
  },

  async requeueLostJob(work, jobId) {
    const reset = await update(work, {
      set: { status: statusOf[work.collection].queued },
      remove: ['batchJobId', 'batchEventRank', 'dispatchState', 'dispatchClaimId', 'dispatchClaimedAt'],
      condition: '#job = :job',
      names: { '#job': 'batchJobId' },
      values: { ':job': jobId },
    });
    return Boolean(reset);
  },
};
