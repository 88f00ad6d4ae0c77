/**
 * The models use cases against mocked DynamoDB and S3: publishing a job's weights points at the
 * job's object (no copy) with its lineage and what the job's bundle derives; deleting refuses
 * while the model is used; the upload notification ignores keys that are not model weights.
 */
import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { resetClients } from '../../../../core/aws/clients';
import { ConflictError, UnprocessableError, ValidationError } from '../../../../core/errors';
import { envNames } from '../../../../core/topology';
import {
  checkDeployNet,
  createModel,
  deleteModel,
  modelWeightsKey,
  onModelUpload,
  resolveModelWeights,
} from '../../../../core/usecases/models';
import { tinyNet } from '../../../support/tar-craft';

const ddbMock = mockClient(DynamoDBDocumentClient);
const s3Mock = mockClient(S3Client);
const at = '2026-12-06T00:00:00.000Z';
const base = { tenantId: 't', createdAt: at, updatedAt: at };
const job = {
  ...base,
  id: 'tj_1',
  name: 'source',
  solverId: 'sv_1',
  datasetId: 'ds_1',
  status: 'succeeded',
  attempts: 1,
  progress: { iteration: 200, maxIterations: 200, testOutputs: {} },
  model: { key: 'tenants/t/training-jobs/tj_1/model.caffemodel', iteration: 200, bytes: 31_400 },
};
const solver = { ...base, id: 'sv_1', datasetId: 'ds_1', solver: 'max_iter: 200\n', net: tinyNet(), solverType: 'SGD' };
const dataset = {
  ...base,
  id: 'ds_1',
  status: 'ready',
  attempts: 1,
  training: { datafileId: 'df_1', splitPercentage: 0.8 },
  testing: { datafileId: 'df_1', splitPercentage: 0.2 },
  labels: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
  shape: { channels: 1, height: 28, width: 28 },
};
const byKey: Record<string, unknown> = { 'training-jobs#tj_1': job, 'solvers#sv_1': solver, 'datasets#ds_1': dataset };

beforeAll(() => {
  process.env[envNames.bucket] = 'test-bucket';
  process.env[envNames.table] = 'test-table';
  process.env.AWS_REGION = 'us-east-1';
  resetClients();
});
beforeEach(() => {
  ddbMock.reset();
  s3Mock.reset();
  ddbMock.on(GetCommand).callsFake((input: { Key: { sk: string } }) => ({ Item: byKey[input.Key.sk] }));
  ddbMock.on(PutCommand).resolves({});
  ddbMock.on(QueryCommand).resolves({ Items: [] });
  s3Mock.on(ListObjectsV2Command).resolves({ Contents: [] });
});

describe('publishing a training job', () => {
  it("points at the job's final model, with its lineage and the deploy net, labels and preprocessing", async () => {
    const { model, upload } = await createModel('t', { trainingJobId: 'tj_1' });
    expect(upload).toBeUndefined();
    expect(model).toMatchObject({
      name: 'source',
      status: 'ready',
      source: 'training-job',
      weightsKey: job.model.key,
      sizeBytes: 31_400,
      lineage: { trainingJobId: 'tj_1', iteration: 200, solverId: 'sv_1', datasetId: 'ds_1' },
      labels: dataset.labels,
      preprocessing: { channels: 1, height: 28, width: 28, channelOrder: 'GRAY', scale: 0.00390625 },
      input: 'data',
    });
    expect(model.deploy).toMatch(/type: "Softmax"/);
    const stored = ddbMock.commandCalls(PutCommand)[0]!.args[0].input.Item as Record<string, unknown>;
    expect(stored).toMatchObject({ sk: `models#${model.id}`, weightsKey: job.model.key });
  });

  it("lets the request's labels win", async () => {
    const { model } = await createModel('t', { trainingJobId: 'tj_1', labels: ['only'] });
    expect(model.labels).toEqual(['only']);
  });

  it('refuses a snapshot the job does not have (422 naming iteration)', async () => {
    const refusal = await createModel('t', { trainingJobId: 'tj_1', iteration: 150 }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(UnprocessableError);
    expect((refusal as UnprocessableError).errors?.map((e) => e.field)).toEqual(['iteration']);
  });
});

describe('checkDeployNet', () => {
  it('names the input and the Softmax output', () => {
    const deploy =
      'layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 2 dim: 2 } } }\n' +
      'layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" inner_product_param { num_output: 2 } }\n' +
      'layer { name: "prob" type: "Softmax" bottom: "ip" top: "prob" }\n';
    expect(checkDeployNet(deploy)).toMatchObject({ input: 'data', output: 'prob' });
  });

  it('refuses a syntax error, an unknown field and a Python layer with 400s on deploy', () => {
    for (const text of [
      'layer {',
      'layer { name: "x" type: "Input" top: "x" colour: 3 }',
      'layer { name: "p" type: "Python" top: "x" python_param { module: "os" layer: "x" } }',
    ]) {
      const refusal = (() => {
        try {
          checkDeployNet(text);
        } catch (error) {
          return error;
        }
      })();
      expect(refusal).toBeInstanceOf(ValidationError);
      expect((refusal as ValidationError).errors?.[0]?.field).toBe('deploy');
    }
  });
});

describe('deleting', () => {
  const model = { ...base, id: 'md_1', status: 'ready', source: 'upload', weightsKey: modelWeightsKey('t', 'md_1') };

  it('refuses while a classifier uses the model, naming it', async () => {
    byKey['models#md_1'] = model;
    ddbMock.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
      Items:
        input.ExpressionAttributeValues[':prefix'] === 'classifiers#' ? [{ ...base, id: 'cl_9', modelId: 'md_1' }] : [],
    }));
    const refusal = await deleteModel('t', 'md_1').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ConflictError);
    expect((refusal as Error).message).toMatch(/used by classifier cl_9/);
    expect(ddbMock.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('refuses while an unfinished job fine-tunes from it; a finished one does not count', async () => {
    byKey['models#md_1'] = model;
    const fineTune = (status: string) => ({ ...job, id: `tj_${status}`, status, weightsFrom: { modelId: 'md_1' } });
    ddbMock.on(QueryCommand).callsFake((input: { ExpressionAttributeValues: Record<string, string> }) => ({
      Items:
        input.ExpressionAttributeValues[':prefix'] === 'training-jobs#'
          ? [fineTune('running'), fineTune('succeeded')]
          : [],
    }));
    const refusal = await deleteModel('t', 'md_1').catch((e: unknown) => e);
    expect((refusal as Error).message).toMatch(/used by training job tj_running$|used by training job tj_running;/);
  });

  it('refuses while the weights are being checked', async () => {
    byKey['models#md_1'] = { ...model, status: 'checking' };
    await expect(deleteModel('t', 'md_1')).rejects.toThrow(ConflictError);
  });
});

it('fine-tuning needs a ready model (422 naming weightsFrom.modelId)', async () => {
  byKey['models#md_2'] = { ...base, id: 'md_2', status: 'awaiting-upload', source: 'upload', weightsKey: 'k' };
  const refusal = await resolveModelWeights('t', 'md_2').catch((e: unknown) => e);
  expect((refusal as UnprocessableError).errors).toEqual([
    { field: 'weightsFrom.modelId', message: 'the model is awaiting-upload' },
  ]);
  byKey['models#md_2'] = { ...base, id: 'md_2', status: 'ready', source: 'upload', weightsKey: 'k' };
  expect(await resolveModelWeights('t', 'md_2')).toEqual({ modelId: 'md_2', weightsKey: 'k' });
});

it('the upload notification ignores keys that are not model weights', async () => {
  await onModelUpload('tenants/t/datafiles/df_1/archive', 10);
  await onModelUpload('tenants/t/models/md_1/other', 10);
  expect(ddbMock.commandCalls(GetCommand)).toHaveLength(0);
});
