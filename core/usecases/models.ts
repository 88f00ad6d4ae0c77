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
import { checkDatafileSize, limitsOf, partSizeFor, tenantDatafileLimits, TooLargeError } from '../limits';
import { checkUrl, urlPolicy } from '../net/url-guard';
import { deleteRecordObjects, keys, objectSize, parseKey, presignUpload, recordPrefix } from '../objects';
import { parsePrototxt, PrototxtSyntaxError } from '../prototxt';
import { checkStorageQuota, tenantQuotas } from '../quotas';
import * as records from '../records/store';
import type { Model, ModelWeightsSource, TrainingJob } from '../records/types';
import { datafileObjectName } from '../topology';
import { describeDeploy, weightsOf } from './classifiers';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  describeMultipartUpload,
  partCountFor,
  startMultipartUpload,
  uploadedParts,
  type MultipartUpload,
} from './datafile-uploads';
import { preprocessingOf } from './preprocessing-input';
import { allRecords } from './record-usage';
import { enqueueOrFail } from './work/dispatch';

type CreateInput = z.infer<typeof createModelBody>;
type Upload = Awaited<ReturnType<typeof presignUpload>> | MultipartUpload;

const completeUrl = (id: string) => `/v1/models/${id}/complete`;

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
  if (!input.sizeBytes || input.sizeBytes <= limits.singlePutMaxBytes) {
    const upload = await presignUpload(tenantId, model.weightsKey);
    await records.putNew('models', model);
    return { model, upload };
  }
  model.partSizeBytes = partSizeFor(input.sizeBytes, limits);
  model.multipartUploadId = await startMultipartUpload(model.weightsKey);
  try {
    await records.putNew('models', model);
  } catch (error) {
    await abortMultipartUpload(model.weightsKey, model.multipartUploadId);
    throw error;
  }
  const upload = await describeMultipartUpload(
    model.weightsKey,
    model.multipartUploadId,
    model.partSizeBytes,
    partCountFor(input.sizeBytes, model.partSizeBytes),
    completeUrl(id),
  );
  return { model, upload };
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

function multipartOf(model: Model): { uploadId: string; partSizeBytes: number; partCount: number } {
  if (model.status !== 'awaiting-upload' || !model.multipartUploadId || !model.partSizeBytes || !model.sizeBytes)
    throw new ConflictError(`model ${model.id} has no multipart upload in progress (it is ${model.status})`);
  return {
    uploadId: model.multipartUploadId,
    partSizeBytes: model.partSizeBytes,
    partCount: partCountFor(model.sizeBytes, model.partSizeBytes),
  };
}

/** The multipart upload's instructions again, with fresh URLs for the parts S3 does not hold yet (resume). */
export async function resumeModelUpload(tenantId: string, id: string): Promise<MultipartUpload> {
  const model = await records.get('models', tenantId, id);
  const { uploadId, partSizeBytes, partCount } = multipartOf(model);
  return describeMultipartUpload(model.weightsKey, uploadId, partSizeBytes, partCount, completeUrl(id));
}

/** Assembles a multipart upload from the parts S3 holds and queues the check; again after success answers the model. */
export async function completeModelUpload(tenantId: string, id: string): Promise<Model> {
  const model = await records.get('models', tenantId, id);
  if (model.status !== 'awaiting-upload' && !model.multipartUploadId) return model;
  const { uploadId, partCount } = multipartOf(model);
  const parts = await uploadedParts(model.weightsKey, uploadId);
  const have = new Set(parts.map((p) => p.partNumber));
  const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
  if (missing.length)
    throw new ConflictError(
      `model ${id} is missing part${missing.length > 1 ? 's' : ''} ` +
        `${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ' …' : ''} of ${partCount}; upload ` +
        `them (GET /v1/models/${id}/upload gives fresh URLs), then complete again`,
    );
  const wanted = parts.filter((p) => p.partNumber <= partCount);
  const bytes = wanted.reduce((sum, p) => sum + p.bytes, 0);
  const limit = (await tenantDatafileLimits(tenantId)).maxSizeBytes;
  if (bytes > limit) {
    await abortMultipartUpload(model.weightsKey, uploadId);
    await failUpload(tenantId, id, `the upload is ${bytes} bytes, above this account's upload limit of ${limit} bytes`);
    throw new TooLargeError(
      `the uploaded parts hold ${bytes} bytes, above this account's upload limit of ${limit} bytes; it was discarded`,
    );
  }
  await completeMultipartUpload(model.weightsKey, uploadId, wanted);
  return (await markModelUploaded(tenantId, id, bytes, limit)) ?? (await records.get('models', tenantId, id));
}

async function failUpload(tenantId: string, id: string, error: string): Promise<Model | undefined> {
  return records.update('models', tenantId, id, {
    set: { status: 'failed', error },
    remove: ['multipartUploadId'],
    condition: '#status = :awaiting',
    names: { '#status': 'status' },
    values: { ':awaiting': 'awaiting-upload' },
  });
}

/**
 * The weights arrived: the model moves to checking and its check is queued — once, by whoever wins
 * the conditional update (notification, a read, or complete). A file above the limit fails the
 * model and is deleted.
 */
export async function markModelUploaded(
  tenantId: string,
  id: string,
  sizeBytes: number,
  knownLimit?: number,
): Promise<Model | undefined> {
  const limit = knownLimit ?? (await tenantDatafileLimits(tenantId)).maxSizeBytes;
  if (sizeBytes > limit) {
    const failed = await failUpload(
      tenantId,
      id,
      `the uploaded file is ${sizeBytes} bytes, above this account's upload limit of ${limit} bytes; it was deleted`,
    );
    if (failed) await deleteRecordObjects(tenantId, 'models', id);
    return failed;
  }
  const updated = await records.update('models', tenantId, id, {
    set: { status: 'checking', sizeBytes, attempts: 0 },
    remove: ['multipartUploadId'],
    condition: '#status = :awaiting',
    names: { '#status': 'status' },
    values: { ':awaiting': 'awaiting-upload' },
  });
  if (updated) await enqueueOrFail('models', updated, 'check-model');
  return updated;
}

/** Handles an S3 "object created" notification; ignores keys that are not model uploads. */
export async function onModelUpload(key: string, sizeBytes: number): Promise<void> {
  const parsed = parseKey(key);
  if (parsed?.collection !== 'models' || parsed.rest !== datafileObjectName) return;
  // An upload that lands after its model was deleted would otherwise stay behind, unowned.
  if (!(await records.find('models', parsed.tenantId, parsed.id)))
    return void (await deleteRecordObjects(parsed.tenantId, 'models', parsed.id));
  await markModelUploaded(parsed.tenantId, parsed.id, sizeBytes);
}

/** The model as it is now; a HEAD settles an upload whose notification has not arrived (or was lost). */
export async function currentModel(tenantId: string, id: string): Promise<Model> {
  const model = await records.get('models', tenantId, id);
  if (model.status !== 'awaiting-upload') return model;
  const size = await objectSize(model.weightsKey);
  if (size === undefined) return model;
  return (await markModelUploaded(tenantId, id, size)) ?? (await records.get('models', tenantId, id));
}

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
