/**
 * POST /v1/classifiers/{id}/classify — top labels for a handful of images, answered synchronously.
 * JSON `{"images": [{"base64"}], "topK"}` or multipart/form-data with `files` (and `topK`).
 */
import { classifyFormBody, classifyJsonBody } from '../../core/api/classifiers';
import { classifyImages, refuseUrlImages, type ImageToClassify } from '../../core/usecases/classifiers-classify';
import { PayloadTooLargeError, ValidationError } from '../../core/errors';
import { httpHandler, json } from '../shared/http';
import type { FilePart, FormBody } from '../shared/request-body';
import { prestartInferenceServer } from '../../container/inference/client';
import { pycaffeInference } from '../../container/inference/pycaffe';

// In the classify image, the inference server starts while the function initializes.
prestartInferenceServer();

const isFilePart = (value: unknown): value is FilePart =>
  typeof value === 'object' && value !== null && Buffer.isBuffer((value as FilePart).content);

export const handler = httpHandler(async ({ tenantId, pathParameters, headers, body }) => {
  const id = pathParameters.id ?? '';
  if (/^multipart\/form-data/i.test(headers['content-type'] ?? '')) {
    const form = (body ?? {}) as FormBody;
    const files = ([] as unknown[]).concat(form.files ?? []);
    if (!files.every(isFilePart))
      throw new ValidationError('files must be file parts (content-disposition with a filename)', [
        { field: 'files', message: 'not a file' },
      ]);
    const truncated = files.find((f) => f.truncated);
    if (truncated)
      throw new PayloadTooLargeError(`file ${truncated.filename ?? ''} is larger than a classify request takes`);
    const { topK } = classifyFormBody.parse({ topK: form.topK });
    const images: ImageToClassify[] = files.map((f, i) => ({
      image: f.filename || i,
      field: `files[${i}]`,
      bytes: f.content,
    }));
    return json(200, await classifyImages(pycaffeInference, tenantId, id, images, topK));
  }
  refuseUrlImages(body);
  const request = classifyJsonBody.parse(body);
  const images = request.images.map((img, i) => ({
    image: i,
    field: `images.${i}.base64`,
    bytes: fromBase64(img.base64),
  }));
  return json(200, await classifyImages(pycaffeInference, tenantId, id, images, request.topK));
});

/** Plain base64, or a data URL (`data:image/png;base64,…`) as browsers produce. */
function fromBase64(text: string): Buffer {
  return Buffer.from(text.replace(/^data:[^,]*;base64,/, ''), 'base64');
}
