/**
 * What classifying needs from a model runtime. The domain owns this interface; the runtime that
 * implements it (a long-lived pycaffe process fed from S3, container/inference/pycaffe.ts) is
 * chosen at the edge: the classify handler and the classify job's worker pass it in.
 */
import type { MeanImage } from '../caffe/mean';
import type { Classifier } from '../records/types';

export interface Inference {
  /** The mean image the classifier's preprocessing subtracts; undefined when it subtracts none. */
  meanImageOf(classifier: Classifier): Promise<MeanImage | undefined>;
  /**
   * One forward pass: the probabilities of each input, an image preprocessed as training saw it
   * (`shape` is channels, height, width), in input order.
   */
  classify(classifier: Classifier, shape: [number, number, number], inputs: Float32Array[]): Promise<Float32Array[]>;
}

/** The network input shape of a classifier's preprocessed images (after any crop). */
export function inputShape(classifier: Pick<Classifier, 'preprocessing'>): [number, number, number] {
  const p = classifier.preprocessing;
  return [p.channels, p.cropSize ?? p.height, p.cropSize ?? p.width];
}
