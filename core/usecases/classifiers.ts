/** Classifiers: a training job's weights at one iteration, with the deploy net and preprocessing to run them. */
import type { z } from 'zod';
import type { createClassifierBody } from '../api/classifiers';
import { deriveDeployNet, DeployDerivationError, type DerivedDeploy } from '../caffe/deploy';
import { preprocessingFor } from '../caffe/preprocess';
import { getAll, getField, getScalar, isMessage, parsePrototxt, PrototxtSyntaxError, type PMessage } from '../prototxt';
import { UnprocessableError, ValidationError } from '../errors';
import { newId } from '../ids';
import { keys, listObjects } from '../objects';
import * as records from '../records/store';
import type { Classifier, TrainingJob } from '../records/types';
import { preprocessingOf } from './preprocessing-input';

export async function createClassifier(
  tenantId: string,
  input: z.infer<typeof createClassifierBody>,
): Promise<Classifier> {
  const job = await records.get('training-jobs', tenantId, input.trainingJobId ?? '');
  const weights = await weightsOf(tenantId, job, input.iteration);
  const solver = await records.get('solvers', tenantId, job.solverId);
  const dataset = await records.get('datasets', tenantId, job.datasetId);
  if (!dataset.shape || !dataset.labels)
    throw new UnprocessableError(`dataset ${dataset.id} is ${dataset.status}; it records no image shape or labels`);
  let deploy: Pick<DerivedDeploy, 'net' | 'input' | 'output'> & { head?: string };
  let preprocessing: Classifier['preprocessing'];
  try {
    preprocessing = preprocessingFor(solver.net, dataset.shape, { solver: solver.solver });
    const options = { solver: solver.solver, ...(input.head ? { head: input.head } : {}) };
    deploy = input.deploy ? describeDeploy(input.deploy) : deriveDeployNet(solver.net, dataset.shape, options);
  } catch (error) {
    if (!(error instanceof DeployDerivationError)) throw error;
    const field = input.deploy ? 'deploy' : input.head ? 'head' : 'trainingJobId';
    throw new UnprocessableError(`no deploy net: ${error.message}`, [{ field, message: error.message }]);
  }
  const now = new Date().toISOString();
  const classifier: Classifier = {
    id: newId('classifiers'),
    tenantId,
    ...(input.name ? { name: input.name } : {}),
    trainingJobId: job.id,
    datasetId: dataset.id,
    iteration: weights.iteration,
    weightsKey: weights.key,
    deploy: deploy.net,
    input: deploy.input,
    output: deploy.output,
    ...(deploy.head ? { head: deploy.head } : {}),
    labels: input.labels ?? dataset.labels,
    preprocessing: input.preprocessing ? preprocessingOf(input.preprocessing) : preprocessing,
    // The mean image the net subtracts is the dataset's (datasets are never rebuilt, and one in use is never deleted).
    ...(preprocessing.meanFile && !input.preprocessing ? { meanKey: keys.datasetMean(tenantId, dataset.id) } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('classifiers', classifier);
  return classifier;
}

/** Deletes a classifier; the job and its model stay. Nothing of its own lives in S3. */
export async function deleteClassifier(tenantId: string, id: string): Promise<void> {
  await records.get('classifiers', tenantId, id);
  await records.remove('classifiers', tenantId, id);
}

/** Where the worker puts a training job's model bundle (container/worker/classify-bundle.ts). */
export const modelBundleKey = (tenantId: string, jobId: string): string =>
  keys.jobFile(tenantId, jobId, 'bundle.tar.gz');

const snapshotModel = /_iter_(\d+)\.caffemodel$/;

/** The weights to serve: the final model, or the snapshot of that iteration. */
export async function weightsOf(
  tenantId: string,
  job: TrainingJob,
  iteration: number | undefined,
): Promise<{ key: string; iteration: number }> {
  if (job.model && (iteration === undefined || iteration === job.model.iteration))
    return { key: job.model.key, iteration: job.model.iteration };
  if (iteration === undefined)
    throw new UnprocessableError(
      `training job ${job.id} is ${job.status}; a classifier needs a succeeded job, or an ` +
        `iteration one of its snapshots has`,
      [{ field: 'trainingJobId', message: `the job is ${job.status}` }],
    );
  const snapshots = (await listObjects(keys.jobSnapshots(tenantId, job.id))).flatMap((o) => {
    const match = snapshotModel.exec(o.key);
    return match ? [{ key: o.key, iteration: Number(match[1]) }] : [];
  });
  const found = snapshots.find((s) => s.iteration === iteration);
  if (!found) {
    const have = snapshots.map((s) => s.iteration).sort((a, b) => a - b);
    throw new UnprocessableError(
      `training job ${job.id} has no snapshot at iteration ` +
        `${iteration}${have.length ? ` (it has ${have.join(', ')})` : ' (it has none yet)'}`,
      [{ field: 'iteration', message: 'no snapshot at this iteration' }],
    );
  }
  return found;
}

/**
 * A deploy net the user sent: it must parse, name its input, and end in a Softmax whose top holds the probabilities.
 */
export function describeDeploy(text: string): Pick<DerivedDeploy, 'net' | 'input' | 'output'> {
  let net: PMessage;
  try {
    net = parsePrototxt(text);
  } catch (error) {
    if (error instanceof PrototxtSyntaxError)
      throw new ValidationError(`deploy: ${error.message}`, [
        { field: 'deploy', line: error.line, column: error.column, message: error.message },
      ]);
    throw error;
  }
  const layers = [...getAll(net, 'layer'), ...getAll(net, 'layers')].flatMap((f) =>
    isMessage(f.value) ? [f.value] : [],
  );
  const inputLayer = layers.find((l) => getScalar(l, 'type') === 'Input');
  const input = getScalar(net, 'input') ?? (inputLayer && getScalar(inputLayer, 'top'));
  if (!input) throw new DeployDerivationError('the deploy net declares no input (an `input:` field or an Input layer)');
  const softmax = layers.filter((l) => /^(Softmax|SOFTMAX)$/.test(getScalar(l, 'type') ?? '')).at(-1);
  const output = softmax && getScalar(softmax, 'top');
  if (!output) throw new DeployDerivationError('the deploy net has no Softmax layer to read class probabilities from');
  if (getField(net, 'layer') && getField(net, 'layers'))
    throw new DeployDerivationError('the deploy net mixes "layer" and V1 "layers"');
  return { net: text, input, output };
}
