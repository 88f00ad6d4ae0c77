import { config } from '../../../core/config';

/**
 * Marks where a dataset build moves to its next step in the worker's log (`[worker] step <name>`),
 * so a job's log (CloudWatch on AWS, `.local/logs/batch/` locally) shows where the time of a build
 * goes; `npm run bench:import` reads the same lines. One line per step, not per image.
 */
export function logStep(step: string): void {
  // Only inside a Batch job (AWS and the local emulator set this): tests calling the formats directly stay quiet.
  if (config.batchJobId()) console.error(`[worker] step ${step}`);
}
