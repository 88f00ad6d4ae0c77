/**
 * The Inference port (core/ports/inference.ts) on pycaffe: the classifier's files are fetched
 * from S3 once per host (model-cache.ts) and its net is loaded once into the long-lived
 * inference server (client.ts), which then runs every forward pass.
 */
import type { Inference } from '../../core/ports/inference';
import { inferenceServer } from './client';
import { meanImageOf, modelFiles } from './model-cache';

export const pycaffeInference: Inference = {
  meanImageOf,
  async classify(classifier, shape, inputs) {
    const server = inferenceServer();
    await server.load({
      key: classifier.id,
      ...(await modelFiles(classifier)),
      input: classifier.input,
      output: classifier.output,
    });
    return server.classify(classifier.id, shape, inputs);
  },
};
