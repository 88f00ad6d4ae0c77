/** Work lost with its queue message or Batch job (a local restart forgets both) is queued again. */
import type { WorkCollection } from '../../records/types';
import { releaseSlotsOf } from '../../scheduling/slots';
import { enqueueWork } from '../../work-queue';
import { actionOf, statusOf, terminalStatuses, workOf } from './phases';
import { workStore } from './store';

/**
 * Finds unfinished work whose queue message or Batch job was lost and queues it again.
 * `batchJobExists` says whether Batch still knows a job id.
 */
export async function recoverUnfinishedWork(batchJobExists: (jobId: string) => Promise<boolean>): Promise<number> {
  let recovered = 0;
  for (const collection of Object.keys(statusOf) as WorkCollection[]) {
    const phases = [...new Set(Object.values(statusOf[collection]).filter((s) => !terminalStatuses.includes(s)))];
    for (const status of phases) {
      for (const record of await workStore().findByStatus(collection, status)) {
        if (record.batchJobId && (await batchJobExists(record.batchJobId))) continue;
        const work = workOf(collection, record.tenantId, record.id);
        if (record.batchJobId) {
          if (!(await workStore().requeueLostJob(work, record.batchJobId))) continue;
          await releaseSlotsOf(work);
        }
        await enqueueWork({ action: actionOf[collection], tenantId: record.tenantId, recordId: record.id });
        recovered++;
      }
    }
  }
  return recovered;
}
