/**
 * A classifier from a model (POST /v1/classifiers {"modelId"}): the model's weights with its
 * deploy net, labels and preprocessing, each of which the request may give instead. Without labels
 * the classifier answers class indices ("0", "1", …).
 */
import type { z } from 'zod';
import type { createClassifierBody } from '../api/classifiers';
import { DeployDerivationError } from '../caffe/deploy';
import { UnprocessableError, ValidationError } from '../errors';
import { newId } from '../ids';
import * as records from '../records/store';
import type { Classifier, Model } from '../records/types';
import { describeDeploy } from './classifiers';
import { readyModel } from './models';
import { preprocessingOf } from './preprocessing-input';

type Input = z.infer<typeof createClassifierBody>;

function deployOf(model: Model, input: Input): Pick<Classifier, 'deploy' | 'input' | 'output' | 'head'> {
  if (input.deploy) {
    try {
      const given = describeDeploy(input.deploy);
      return { deploy: given.net, input: given.input, output: given.output };
    } catch (error) {
      if (!(error instanceof DeployDerivationError)) throw error;
      throw new ValidationError(`deploy: ${error.message}`, [{ field: 'deploy', message: error.message }]);
    }
  }
  if (!model.deploy || !model.input || !model.output)
    throw new UnprocessableError(`model ${model.id} has no deploy net; give one in deploy`, [
      { field: 'deploy', message: 'the model has no deploy net' },
    ]);
  return {
    deploy: model.deploy,
    input: model.input,
    output: model.output,
    ...(model.head ? { head: model.head } : {}),
  };
}

export async function createClassifierFromModel(tenantId: string, input: Input): Promise<Classifier> {
  const model = await readyModel(tenantId, input.modelId ?? '', 'modelId');
  const deploy = deployOf(model, input);
  const preprocessing = input.preprocessing ? preprocessingOf(input.preprocessing) : model.preprocessing;
  if (!preprocessing)
    throw new UnprocessableError(`model ${model.id} records no preprocessing; give it in preprocessing`, [
      { field: 'preprocessing', message: 'the model has no preprocessing' },
    ]);
  const now = new Date().toISOString();
  const classifier: Classifier = {
    id: newId('classifiers'),
    tenantId,
    ...(input.name ? { name: input.name } : {}),
    modelId: model.id,
    ...(model.lineage
      ? {
          trainingJobId: model.lineage.trainingJobId,
          datasetId: model.lineage.datasetId,
          iteration: model.lineage.iteration,
        }
      : {}),
    weightsKey: model.weightsKey,
    ...deploy,
    labels: input.labels ?? model.labels ?? [],
    preprocessing,
    ...(!input.preprocessing && model.meanKey ? { meanKey: model.meanKey } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await records.putNew('classifiers', classifier);
  return classifier;
}
