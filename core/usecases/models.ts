/**
 * Models: pretrained weights (a `.caffemodel`) to fine-tune from and classify with. Three ways in:
 * the client uploads the file straight to S3 (one presigned PUT, or a multipart upload when large,
 * exactly as datafiles do), the worker imports it from a URL, or a training job's weights are
 * published without a copy (the model points at the job's object). Uploaded and imported weights
 * are checked by the worker with Caffe (`check-model`): awaiting-upload → checking → ready | failed.
 */
import type { z } from 'zod';
import type { createModelBody } from '../api/models';
import { deriveDeployNet, DeployDerivationError } from '../caffe/deploy';
import { preprocessingFor } from '../caffe/preprocess';
import { checkSchema } from '../caffe/schema';
import { checkUntrusted } from '../caffe/untrusted';
import { ConflictError, UnprocessableError, ValidationError } from '../errors';
import { newId } from '../ids';
import { checkDatafileSize, limitsOf, tenantDatafileLimits } from '../limits';
import { checkUrl, urlPolicy } from '../net/url-guard';
import { deleteRecordObjects, keys, recordPrefix } from '../objects';
import { parsePrototxt, PrototxtSyntaxError } from '../prototxt';
import { checkStorageQuota, tenantQuotas } from '../quotas';
import * as records from '../records/store';
import type { Model, ModelWeightsSource, TrainingJob } from '../records/types';
import { datafileObjectName } from '../topology';
import { describeDeploy, weightsOf } from './classifiers';
import { abortMultipartUpload } from './datafile-uploads';
import { type Upload, uploadTarget } from './upload-targets';
import { preprocessingOf } from './preprocessing-input';
import { allRecords } from './record-usage';
import { enqueueOrFail } from './work/dispatch';

type CreateInput = z.infer<typeof createModelBody>;
/** Uploads, resumes and completions, and noticing the weights' arrival: as datafiles do (upload-targets.ts). */
const uploads = uploadTarget({
  collection: 'models',
  noun: 'model',
  limitNoun: 'upload',
  objectKey: (model) => model.weightsKey,
  arrived: { status: 'checking', action: 'check-model' },
});

/**
 * Where an uploaded or imported model's weights live. Named like a datafile's upload, so the same
 * S3 notification (its suffix filter) reports it, as it does a classify job's archive.
 */
export const modelWeightsKey = (tenantId: string, id: string): string =>
  `${recordPrefix(tenantId, 'models', id)}${datafileObjectName}`;

/**
 * A deploy net from the request: it must parse, fit Caffe's schema, pass the untrusted-input
 * checks (the worker runs it with Caffe) and name its input and its Softmax output.
 */
export function checkDeployNet(text: string, field = 'deploy'): { net: string; input: string; output: string } {
  let issues: Array<{ line: number; column: number; message: string }>;
  try {
    const net = parsePrototxt(text);
    issues = [...checkUntrusted(net, 'NetParameter'), ...checkSchema(net, 'NetParameter')];
  } catch (error) {
    if (!(error instanceof PrototxtSyntaxError)) throw error;
    issues = [{ line: error.line, column: error.column, message: error.message }];
  }
  if (issues.length)
    throw new ValidationError(
      `${field}: ${issues.map((i) => `${i.line}:${i.column}: ${i.message}`).join('; ')}`,
      issues.map((i) => ({ field, ...i })),
    );
  try {
    return describeDeploy(text);
  } catch (error) {
    if (!(error instanceof DeployDerivationError)) throw error;
    throw new ValidationError(`${field}: ${error.message}`, [{ field, message: error.message }]);
  }
}

/** Registers a model: an upload (answers where to send the bytes), an import (queued) or a job's weights (ready). */
export async function createModel(tenantId: string, input: CreateInput): Promise<{ model: Model; upload?: Upload }> {
  const deploy = input.deploy ? checkDeployNet(input.deploy) : undefined;
  const described: Partial<Described> = withoutUndefined({
    deploy: deploy?.net,
    input: deploy?.input,
    output: deploy?.output,
    labels: input.labels,
    preprocessing: input.preprocessing ? preprocessingOf(input.preprocessing) : undefined,
  });
  if (input.trainingJobId) return { model: await publishJobWeights(tenantId, input, described) };
  const tenantLimits = await limitsOf(tenantId);
  const limits = await tenantDatafileLimits(tenantId, tenantLimits);
  const sourceUrl = input.url === undefined ? undefined : checkUrl('url', input.url, urlPolicy()).href;
  if (input.sizeBytes !== undefined) checkDatafileSize(input.sizeBytes, limits);
  await checkStorageQuota(tenantId, input.sizeBytes ?? 0, await tenantQuotas(tenantId, tenantLimits));
  const id = newId('models');
  const now = new Date().toISOString();
  const model: Model = {
    id,
    tenantId,
    ...(input.name ? { name: input.name } : {}),
    status: sourceUrl ? 'checking' : 'awaiting-upload',
    source: sourceUrl ? 'url' : 'upload',
    weightsKey: modelWeightsKey(tenantId, id),
    ...described,
    ...(input.sizeBytes ? { sizeBytes: input.sizeBytes } : {}),
    ...(sourceUrl ? { sourceUrl, attempts: 0 } : {}),
    createdAt: now,
    updatedAt: now,
  };
  if (sourceUrl) {
    await records.putNew('models', model);
    await enqueueOrFail('models', model, 'check-model');
    return { model };
  }
  return { model, upload: await uploads.store(model, limits) };
}

const withoutUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;

type Described = Pick<Model, 'deploy' | 'input' | 'output' | 'labels' | 'preprocessing'>;

/**
 * A training job's weights as a model, without copying them: the record points at the job's final
 * model or snapshot. The deploy net, labels and preprocessing are derived as the job's model
 * bundle derives them (the request's win); a net without a derivable deploy net is still a model
 * to fine-tune from.
 */
async function publishJobWeights(tenantId: string, input: CreateInput, given: Partial<Described>): Promise<Model> {
  const job = await records.get('training-jobs', tenantId, input.trainingJobId ?? '');
  const weights = await weightsOf(tenantId, job, input.iteration);
  const derived = await derivedFromJob(tenantId, job);
  const now = new Date().toISOString();
  const model: Model = {
    id: newId('models'),
    tenantId,
    name: input.name ?? job.name ?? `${job.id} at iteration ${weights.iteration}`,
    status: 'ready',
    source: 'training-job',
    weightsKey: weights.key,
    ...withoutUndefined({ ...derived, ...given }),
    lineage: { trainingJobId: job.id, iteration: weights.iteration, solverId: job.solverId, datasetId: job.datasetId },
    ...(job.model && weights.key === job.model.key ? { sizeBytes: job.model.bytes } : {}),
    checkedAt: now,
    createdAt: now,
    updatedAt: now,
  };
  // The mean image is the dataset's only while the preprocessing is the derived one.
  if (!given.preprocessing && derived.preprocessing?.meanFile)
    model.meanKey = keys.datasetMean(tenantId, job.datasetId);
  await records.putNew('models', model);
  return model;
}

async function derivedFromJob(tenantId: string, job: TrainingJob): Promise<Partial<Described> & { head?: string }> {
  const solver = await records.find('solvers', tenantId, job.solverId);
  const dataset = await records.find('datasets', tenantId, job.datasetId);
  if (!solver || !dataset?.shape) return dataset?.labels ? { labels: dataset.labels } : {};
  try {
    const deploy = deriveDeployNet(solver.net, dataset.shape, { solver: solver.solver });
    return {
      deploy: deploy.net,
      input: deploy.input,
      output: deploy.output,
      head: deploy.head,
      preprocessing: preprocessingFor(solver.net, dataset.shape, { solver: solver.solver }),
      ...(dataset.labels ? { labels: dataset.labels } : {}),
    };
  } catch (error) {
    if (!(error instanceof DeployDerivationError)) throw error;
    return dataset.labels ? { labels: dataset.labels } : {};
  }
}

export const {
  resume: resumeModelUpload,
  complete: completeModelUpload,
  markUploaded: markModelUploaded,
  onObjectCreated: onModelUpload,
  current: currentModel,
} = uploads;

/**
 * Deletes a model and its own weights (a published model's belong to its training job and stay).
 * 409 while it is being checked, while an unfinished training job fine-tunes from it, or while a
 * classifier uses it.
 */
export async function deleteModel(tenantId: string, id: string): Promise<void> {
  const model = await records.get('models', tenantId, id);
  if (model.status === 'checking')
    throw new ConflictError(`model ${id} is being checked; delete it once it is ready or failed`);
  const jobs = (await allRecords('training-jobs', tenantId))
    .filter((j) => ['queued', 'starting', 'running'].includes(j.status))
    .filter((j) => j.weightsFrom && 'modelId' in j.weightsFrom && j.weightsFrom.modelId === id)
    .map((j) => `training job ${j.id}`);
  const classifiers = (await allRecords('classifiers', tenantId))
    .filter((c) => c.modelId === id)
    .map((c) => `classifier ${c.id}`);
  const users = [...jobs, ...classifiers];
  const more = users.length > 3 ? ` and ${users.length - 3} more` : '';
  if (users.length)
    throw new ConflictError(
      `model ${id} is used by ${users.slice(0, 3).join(', ')}${more}; delete the classifiers (or wait for the ` +
        'jobs to finish) first',
    );
  if (model.multipartUploadId) await abortMultipartUpload(model.weightsKey, model.multipartUploadId);
  // Only the model's own prefix: a published model's weights are its job's objects.
  await deleteRecordObjects(tenantId, 'models', id);
  await records.remove('models', tenantId, id, {
    condition: '#status <> :checking',
    names: { '#status': 'status' },
    values: { ':checking': 'checking' },
  });
}

/** A ready model, for a training job to fine-tune from or a classifier to run (422 naming `field` otherwise). */
export async function readyModel(tenantId: string, id: string, field: string): Promise<Model> {
  const model = await records.get('models', tenantId, id);
  if (model.status !== 'ready')
    throw new UnprocessableError(
      `model ${id} is ${model.status}${model.error ? ` (${model.error})` : ''}; only a ready model can be used`,
      [{ field, message: `the model is ${model.status}` }],
    );
  return model;
}

/** `weightsFrom: {modelId}`: the model's weights, resolved when the job is created. */
export async function resolveModelWeights(tenantId: string, modelId: string): Promise<ModelWeightsSource> {
  const model = await readyModel(tenantId, modelId, 'weightsFrom.modelId');
  return { modelId: model.id, weightsKey: model.weightsKey };
}
