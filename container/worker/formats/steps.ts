/**
 * Marks where a dataset build moves to its next step in the worker's log (`[worker] step <name>`),
 * so a log (CloudWatch on AWS, `.local/logs/batch/` locally) shows where the time of a build goes;
 * `npm run bench:import` reads the same lines. One line per step, not per image.
 */
export function logStep(step: string): void {
  console.error(`[worker] step ${step}`);
}
