/**
 * What the background work is (dataset preparation, training, imports, classification) and the
 * phases of its life cycle, whatever each collection calls them. Pure data and small predicates:
 * the dispatcher, the Batch event handler and recovery all read the same tables.
 */
import type { WorkCollection, WorkRecord } from '../../records/types';
import type { WorkRef } from '../../scheduling/slots';
import { workerActionCollections, type WorkerAction } from '../../topology';

/** A work record's life cycle, whatever the collection calls each phase. */
export type Phase = 'queued' | 'starting' | 'running' | 'succeeded' | 'failed';

export type { WorkRecord };

export const statusOf: Record<WorkCollection, Record<Phase, string>> = {
  datasets: { queued: 'pending', starting: 'processing', running: 'processing', succeeded: 'ready', failed: 'failed' },
  'training-jobs': {
    queued: 'queued',
    starting: 'starting',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
  },
  datafiles: {
    queued: 'processing',
    starting: 'processing',
    running: 'processing',
    succeeded: 'ready',
    failed: 'failed',
  },
  solvers: { queued: 'pending', starting: 'pending', running: 'pending', succeeded: 'ready', failed: 'failed' },
  'classify-jobs': {
    queued: 'queued',
    starting: 'starting',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
  },
  models: { queued: 'checking', starting: 'checking', running: 'checking', succeeded: 'ready', failed: 'failed' },
};

/** The attribute the worker writes when the work produced its result; SUCCEEDED without it is a failure. */
const resultAttribute: Record<WorkCollection, string> = {
  datasets: 'preparedAt',
  'training-jobs': 'model',
  datafiles: 'inspectedAt',
  solvers: 'importedAt',
  'classify-jobs': 'results',
  models: 'checkedAt',
};

/** Statuses no work moves a record out of. */
export const terminalStatuses: readonly string[] = ['ready', 'succeeded', 'failed', 'cancelled'];

export const collectionOf: Record<WorkerAction, WorkCollection> = workerActionCollections;
export const actionOf = Object.fromEntries(
  Object.entries(collectionOf).map(([action, collection]) => [collection, action]),
) as Record<WorkCollection, WorkerAction>;

export const isTerminal = (record: { status?: string }) => terminalStatuses.includes(record.status ?? 'ready');

export const workOf = (collection: WorkCollection, tenantId: string, recordId: string): WorkRef => ({
  collection,
  tenantId,
  recordId,
});

export function hasResult(collection: WorkCollection, record: WorkRecord): boolean {
  return Boolean((record as unknown as Record<string, unknown>)[resultAttribute[collection]]);
}
