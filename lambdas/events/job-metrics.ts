/**
 * Schedule (every minute) → QueuedJobs, RunningJobs, TenantRunningJobs (per tenant) and
 * OldestQueuedJobAgeSeconds as CloudWatch metrics (Powertools EMF), for the dashboard and the
 * "stuck queued" alarm. Nothing is published while no work is queued or running, so an idle
 * deployment stores no metric data (the dashboard fills the gaps with 0, the alarms treat them as OK).
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { measureJobs, type JobCounts } from '../../core/usecases/job-metrics';
import { serviceMetrics } from '../../core/topology';
import { eventHandler } from '../shared/events';
import { logger, metrics } from '../shared/powertools';

const publishJobMetrics = async (): Promise<JobCounts> => {
  const counts = await measureJobs();
  if (counts.queued === 0 && counts.running === 0) return counts;
  metrics.addMetric(serviceMetrics.queued, MetricUnit.Count, counts.queued);
  metrics.addMetric(serviceMetrics.running, MetricUnit.Count, counts.running);
  metrics.addMetric(serviceMetrics.oldestQueuedAge, MetricUnit.Seconds, counts.oldestQueuedAgeSeconds);
  metrics.publishStoredMetrics();
  // One EMF line per tenant: each carries its own `tenantId` dimension.
  for (const [tenantId, running] of Object.entries(counts.runningByTenant)) {
    const tenant = metrics.singleMetric();
    tenant.addDimension('tenantId', tenantId);
    tenant.addMetric(serviceMetrics.tenantRunning, MetricUnit.Count, running);
  }
  logger.info('job metrics', { ...counts });
  return counts;
};

export const handler = eventHandler('job-metrics', publishJobMetrics);
