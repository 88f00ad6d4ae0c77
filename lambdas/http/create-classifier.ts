/** POST /v1/classifiers — a classifier from a training job's final model or one of its snapshots. */
import { createClassifierBody } from '../../core/api/classifiers';
import { createClassifier } from '../../core/usecases/classifiers';
import { httpHandler, shown } from '../shared/http';

export const handler = httpHandler(async ({ tenantId, body, route }) => {
  const classifier = await createClassifier(tenantId, createClassifierBody.parse(body));
  return shown(route, 201, classifier, { location: `/v1/classifiers/${classifier.id}` });
});
