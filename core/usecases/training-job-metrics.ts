/** A job's metrics, parsed from its Caffe log on demand: always exactly what the log says. */
import { collectMetrics, type CaffeMetrics } from '../caffe/metrics';
import { keys, readLines } from '../objects';
import * as records from '../records/store';
import type { TrainingJob } from '../records/types';

export async function trainingJobMetrics(tenantId: string, id: string): Promise<CaffeMetrics> {
  return metricsOfJob(await records.get('training-jobs', tenantId, id));
}

/** The metrics of a job already read (a sweep trial's jobs come from one batch read). */
export function metricsOfJob(job: TrainingJob): Promise<CaffeMetrics> {
  // glog lines carry no year; the job ran in the year it started (or was created).
  const year = new Date(job.startedAt ?? job.createdAt).getFullYear();
  return collectMetrics(readLines(keys.jobLog(job.tenantId, job.id)), year);
}
