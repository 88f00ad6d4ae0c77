/** `ecaffe classifiers create JOB_ID`: a classifier from a job's final model or one of its snapshots. */
import type { Cli } from '../cli';

export async function create(
  cli: Cli,
  [jobId]: string[],
  options: { iteration?: number; name?: string },
): Promise<void> {
  const classifier = await cli.client.classifiers.create({
    trainingJobId: jobId!,
    ...(options.iteration ? { iteration: options.iteration } : {}),
    ...(options.name ? { name: options.name } : {}),
  });
  if (cli.json) return cli.emit(classifier);
  cli.print(classifier.id);
  cli.say(`classifier ${classifier.id}: iteration ${classifier.iteration}, ${classifier.labels.length} labels`);
}
