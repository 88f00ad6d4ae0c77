/** A job's metrics, parsed from its Caffe log on demand: always exactly what the log says. */
import { collectMetrics, type CaffeMetrics } from '../caffe/metrics';
import { keys, readLines } from '../objects';
import * as records from '../records/store';

export async function trainingJobMetrics(tenantId: string, id: string): Promise<CaffeMetrics> {
  const job = await records.get('training-jobs', tenantId, id);
  // glog lines carry no year; the job ran in the year it started (or was created).
  const year = new Date(job.startedAt ?? job.createdAt).getFullYear();
  return collectMetrics(readLines(keys.jobLog(tenantId, id)), year);
}
