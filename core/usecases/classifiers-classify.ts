/**
 * Classifying images with a classifier, synchronously: decode and preprocess in Node exactly as
 * training saw the data (core/caffe/preprocess.ts), one forward pass by the model runtime the
 * caller passes in (core/ports/inference.ts), top-k per image.
 */
import { classifyLimits } from '../api/classifiers';
import { ImageDecodeError, decodeImage } from '../caffe/preprocess-image';
import { toNetInput, topK } from '../caffe/preprocess';
import { PayloadTooLargeError, ValidationError, type FieldError } from '../errors';
import * as records from '../records/store';
import { inputShape, type Inference } from '../ports/inference';

export interface ImageToClassify {
  /** How the answer names it: its index in `images`, or the uploaded file's name. */
  image: number | string;
  /** Which request field it came from, for error messages (`images.2`, `files`). */
  field: string;
  bytes: Buffer;
}

export interface ClassifyResult {
  results: Array<{ image: number | string; top: Array<{ label: string; probability: number }> }>;
}

/**
 * Refuses `url` images with a 400 that says where they belong: API functions never fetch tenant
 * URLs (core/net/guarded-fetch.ts), the classify job's worker does.
 */
export function refuseUrlImages(body: unknown): void {
  const images = (body as { images?: unknown } | null)?.images;
  if (!Array.isArray(images)) return;
  const problems: FieldError[] = images.flatMap((image: unknown, i) =>
    typeof image === 'object' && image !== null && 'url' in image
      ? [
          {
            field: `images.${i}.url`,
            message: 'URL images are classified by a classify job: POST /v1/classifiers/{id}/classify-jobs',
          },
        ]
      : [],
  );
  if (problems.length)
    throw new ValidationError(
      'classify takes images inline (base64 or files); for images given by URL, create a classify ' +
        'job (POST /v1/classifiers/{id}/classify-jobs)',
      problems,
    );
}

/** Checks the batch against the synchronous limits (before anything is decoded). */
export function checkClassifyBatch(images: ImageToClassify[]): void {
  if (images.length === 0)
    throw new ValidationError('send at least one image', [{ field: 'images', message: 'no images' }]);
  if (images.length > classifyLimits.maxImages)
    throw new PayloadTooLargeError(
      `${images.length} images; one request classifies at most ${classifyLimits.maxImages} (larger ` +
        `batches need a classify job)`,
    );
  const total = images.reduce((sum, i) => sum + i.bytes.length, 0);
  if (total > classifyLimits.maxTotalBytes)
    throw new PayloadTooLargeError(
      `${total} bytes of images; one request takes at most ${classifyLimits.maxTotalBytes}`,
    );
}

export async function classifyImages(
  inference: Inference,
  tenantId: string,
  id: string,
  images: ImageToClassify[],
  k = 5,
): Promise<ClassifyResult> {
  checkClassifyBatch(images);
  const classifier = await records.get('classifiers', tenantId, id);
  const p = classifier.preprocessing;
  const mean = await inference.meanImageOf(classifier);
  const problems: FieldError[] = [];
  const inputs = images.flatMap((img) => {
    try {
      return [toNetInput(decodeImage(img.bytes), p, mean)];
    } catch (error) {
      if (!(error instanceof ImageDecodeError)) throw error;
      problems.push({ field: img.field, message: error.message });
      return [];
    }
  });
  if (problems.length) throw new ValidationError(problems.map((e) => `${e.field}: ${e.message}`).join('; '), problems);

  const probabilities = await inference.classify(classifier, inputShape(classifier), inputs);
  return {
    results: probabilities.map((probs, i) => ({ image: images[i]!.image, top: topK(probs, classifier.labels, k) })),
  };
}
