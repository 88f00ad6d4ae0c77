/**
 * Job state change events: every status change of a work record (topology `workerActionCollections`)
 * is published on the stack's EventBridge bus (`jobEvents`), so users can wire notifications
 * without polling. `core/records/store.ts` calls this after every successful write that sets a
 * status — the one place all status writers (API, dispatcher, status handler, dead-letter handler)
 * go through, so no path can forget it.
 *
 * An event is a notification, not the truth (the record is): publishing never fails the write it
 * follows. A failed PutEvents is logged and counted (`JobEventPublishFailures`), and without
 * EVENT_BUS_NAME (a process that was given no bus) nothing is published at all.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventBridgeSdk } from './aws/clients';
import { config } from './config';
import { jobEvents, serviceMetrics, serviceName, workerActionCollections, type WorkCollection } from './topology';

/** The `detail` of a "Job State Change" event. */
export interface JobStateChange {
  collection: WorkCollection;
  tenantId: string;
  id: string;
  /** The new status. */
  status: string;
  /** The status before this change; absent when the record was just created. */
  previousStatus?: string;
  /** The record's name, if it has one. */
  name?: string;
  /** Why it failed (failed records only). */
  error?: string;
  /** The API request that started the work (`X-Correlation-Id` or the request id). */
  correlationId?: string;
  /** When the status changed (the write's `updatedAt`). */
  time: string;
}

/** How a finished record ended, for the `FinishedJobs` metric's `outcome` dimension. */
export type Outcome = 'succeeded' | 'failed' | 'cancelled';
const outcomeOf: Record<string, Outcome> = {
  ready: 'succeeded',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

const workCollections = new Set<string>(Object.values(workerActionCollections));
export const isWorkCollection = (collection: string): collection is WorkCollection => workCollections.has(collection);

type RecordFields = {
  id: string;
  tenantId: string;
  status?: string;
  name?: string;
  error?: string;
  correlationId?: string;
  updatedAt?: string;
  createdAt?: string;
};

/**
 * The event a write produced, or undefined when it changed no work record's status (another
 * collection, no status, or the same status written again — e.g. RUNNABLE after SUBMITTED, both `queued`).
 */
export function jobStateChange(
  collection: string,
  record: RecordFields,
  previousStatus?: string,
): JobStateChange | undefined {
  if (!isWorkCollection(collection) || typeof record.status !== 'string' || record.status === previousStatus)
    return undefined;
  return {
    collection,
    tenantId: record.tenantId,
    id: record.id,
    status: record.status,
    ...(previousStatus !== undefined ? { previousStatus } : {}),
    ...(record.name !== undefined ? { name: record.name } : {}),
    ...(record.status === 'failed' && record.error !== undefined ? { error: record.error } : {}),
    ...(record.correlationId !== undefined ? { correlationId: record.correlationId } : {}),
    time: record.updatedAt ?? record.createdAt ?? new Date().toISOString(),
  };
}

// Created on first use, not at import: the local cloud sets the log level and metrics switch after
// its modules load, and Powertools reads them when an instance is made.
let observability: { logger: Logger; metrics: Metrics } | undefined;
function tools() {
  observability ??= {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: serviceMetrics.namespace, serviceName }),
  };
  return observability;
}

/** Forgets the logger and metrics (tests that change the environment between cases). */
export function resetEventTools(): void {
  observability = undefined;
}

/** One metric, published at once as its own EMF line (with the `service` dimension every service metric has). */
function emitCount(name: string, dimensions: Record<string, string> = {}): void {
  const single = tools().metrics.singleMetric();
  for (const [key, value] of Object.entries(dimensions)) single.addDimension(key, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/**
 * Publishes a status change (see `jobStateChange`) and, when work finished, counts it in
 * `FinishedJobs` by outcome. Never throws.
 */
export async function publishJobStateChange(change: JobStateChange): Promise<void> {
  const outcome = outcomeOf[change.status];
  // Only work that was under way finishes; a record created already finished (an LMDB datafile) ran nothing.
  if (outcome && change.previousStatus !== undefined) safely(() => emitCount(serviceMetrics.finished, { outcome }));
  await putOnBus(jobEvents.detailType, change);
}

/** The `detail` of a "Sweep State Change" event: a sweep's status changed (core/usecases/sweeps.ts). */
export interface SweepStateChange {
  collection: 'sweeps';
  tenantId: string;
  id: string;
  status: string;
  previousStatus?: string;
  name?: string;
  /** The best trial so far and its objective, when one has reported. */
  best?: { trialId: string; objective: number };
  time: string;
}

/** Publishes a sweep's status change on the same bus as job state changes. Never throws. */
export async function publishSweepStateChange(change: SweepStateChange): Promise<void> {
  await putOnBus(sweepEventDetailType, change);
}

/** The detail-type of sweep events (source `elastic-caffe`, as job events). */
export const sweepEventDetailType = 'Sweep State Change';

async function putOnBus(detailType: string, change: { time: string }): Promise<void> {
  const bus = config.eventBus();
  if (!bus) return;
  try {
    const { client, sdk } = await eventBridgeSdk();
    const { FailedEntryCount, Entries } = await client.send(
      new sdk.PutEventsCommand({
        Entries: [
          {
            EventBusName: bus,
            Source: jobEvents.source,
            DetailType: detailType,
            Detail: JSON.stringify(change),
            Time: new Date(change.time),
          },
        ],
      }),
    );
    if (FailedEntryCount)
      throw new Error(`${Entries?.[0]?.ErrorCode ?? 'entry failed'}: ${Entries?.[0]?.ErrorMessage ?? 'no message'}`);
  } catch (error) {
    safely(() => {
      tools().logger.warn('state change event not published', { event: change, error: error as Error });
      emitCount(serviceMetrics.eventPublishFailures);
    });
  }
}

/** Observability must not break the work it observes. */
function safely(report: () => void): void {
  try {
    report();
  } catch {
    // Nothing sensible left to do: a logger or metrics failure has nowhere else to be reported.
  }
}
