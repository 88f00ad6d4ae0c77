/** POST /v1/classifiers — a classifier from a training job's final model or one of its snapshots. */
import { createClassifierBody } from '../../core/api/classifiers';
import { createClassifier } from '../../core/usecases/classifiers';
import { toView } from '../../core/usecases/views';
import { httpHandler, json } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body }) => {
  const classifier = await createClassifier(tenantId, createClassifierBody.parse(body));
  return json(201, toView(classifier), { location: `/v1/classifiers/${classifier.id}` });
});
