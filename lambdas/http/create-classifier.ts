/** POST /v1/classifiers — a classifier from a training job's final model or one of its snapshots, or from a model. */
import { createClassifierBody } from '../../core/api/classifiers';
import { createClassifier } from '../../core/usecases/classifiers';
import { createClassifierFromModel } from '../../core/usecases/model-classifiers';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const input = createClassifierBody.parse(body);
  const classifier = await (input.modelId ? createClassifierFromModel : createClassifier)(tenantId, input);
  return shown(route, 201, classifier, { location: `/v1/classifiers/${classifier.id}` });
});
