/**
 * How much work is waiting and running, across tenants: what the job-metrics function publishes
 * every minute (QueuedJobs, RunningJobs, TenantRunningJobs, OldestQueuedJobAgeSeconds). Read from
 * the status index, one query per collection and unfinished status.
 */
import * as records from '../records/store';
import type { WorkCollection } from '../topology';

/** The status a collection's work waits in, and the statuses it runs in (see `statusOf` in work.ts). */
const phases: Record<WorkCollection, { waiting: string; running: string[] }> = {
  datasets: { waiting: 'pending', running: ['processing'] },
  'training-jobs': { waiting: 'queued', running: ['starting', 'running'] },
  'classify-jobs': { waiting: 'queued', running: ['starting', 'running'] },
  // One status for the whole life: Batch's STARTING sets `attempts`, so a record without attempts still waits.
  datafiles: { waiting: 'processing', running: [] },
  solvers: { waiting: 'pending', running: [] },
  models: { waiting: 'checking', running: [] },
};

/** An unfinished work record, as the status index returns it. */
export interface UnfinishedWork {
  collection: WorkCollection;
  tenantId: string;
  status: string;
  createdAt: string;
  attempts?: number;
}

export interface JobCounts {
  queued: number;
  running: number;
  /** Running work per tenant (tenants with none are left out). */
  runningByTenant: Record<string, number>;
  /** Seconds the oldest waiting work has waited; 0 when nothing waits. */
  oldestQueuedAgeSeconds: number;
}

/** Whether a record waits for a worker or has one. */
export function phaseOf(work: UnfinishedWork): 'queued' | 'running' | undefined {
  const { waiting, running } = phases[work.collection];
  if (running.includes(work.status)) return 'running';
  if (work.status !== waiting) return undefined;
  return running.length === 0 && (work.attempts ?? 0) > 0 ? 'running' : 'queued';
}

/** Counts unfinished work at `now`. */
export function countJobs(work: UnfinishedWork[], now: Date): JobCounts {
  const counts: JobCounts = { queued: 0, running: 0, runningByTenant: {}, oldestQueuedAgeSeconds: 0 };
  for (const item of work) {
    const phase = phaseOf(item);
    if (phase === 'running') {
      counts.running++;
      counts.runningByTenant[item.tenantId] = (counts.runningByTenant[item.tenantId] ?? 0) + 1;
    } else if (phase === 'queued') {
      counts.queued++;
      const waited = Math.max(0, Math.floor((now.getTime() - Date.parse(item.createdAt)) / 1000));
      counts.oldestQueuedAgeSeconds = Math.max(counts.oldestQueuedAgeSeconds, waited);
    }
  }
  return counts;
}

/** Reads every unfinished work record (all tenants) and counts them. */
export async function measureJobs(now = new Date()): Promise<JobCounts> {
  const work: UnfinishedWork[] = [];
  for (const [collection, { waiting, running }] of Object.entries(phases) as Array<
    [WorkCollection, (typeof phases)[WorkCollection]]
  >) {
    for (const status of [waiting, ...running]) {
      for (const record of await records.findByStatus(collection, status)) {
        const { tenantId, createdAt, attempts } = record as { tenantId: string; createdAt: string; attempts?: number };
        work.push({ collection, tenantId, status, createdAt, ...(attempts !== undefined ? { attempts } : {}) });
      }
    }
  }
  return countJobs(work, now);
}
