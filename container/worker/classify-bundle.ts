/**
 * The model bundle: everything needed to classify with a trained model outside Elastic Caffe, in
 * one .tar.gz beside the model — deploy.prototxt (derived from the training net), model.caffemodel,
 * labels.txt (one label per line, in label-index order), preprocessing.json (core/caffe/preprocess.ts'
 * Preprocessing: shape, channel order, crop, mean, scale) and mean.binaryproto when the dataset has
 * a mean image (none do today). Built by the worker at the end of training, so a large model never
 * passes through a Lambda.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { create as createTar } from 'tar';
import { deriveDeployNet, DeployDerivationError } from '../../core/caffe/deploy';
import { preprocessingFor } from '../../core/caffe/preprocess';
import { modelBundleKey } from '../../core/usecases/classifiers';
import type { Dataset } from '../../core/records/types';
import { upload } from './transfer';

export const bundleEntries = ['deploy.prototxt', 'model.caffemodel', 'labels.txt', 'preprocessing.json'] as const;


/**
 * Builds and uploads the bundle; returns its size, or the reason there is none (a net without a
 * softmax has no derivable deploy net: the job still succeeds, with its model).
 */
export async function uploadModelBundle(input: { workDir: string; tenantId: string; jobId: string; trainingNet: string; dataset: Dataset; modelFile: string }): Promise<{ bytes: number } | { skipped: string }> {
  const { dataset } = input;
  if (!dataset.shape || !dataset.labels) return { skipped: 'the dataset records no shape or labels' };
  let files: Record<string, string>;
  try {
    const deploy = deriveDeployNet(input.trainingNet, dataset.shape);
    const preprocessing = { ...preprocessingFor(input.trainingNet, dataset.shape), input: deploy.input, output: deploy.output };
    files = { 'deploy.prototxt': deploy.net, 'labels.txt': dataset.labels.join('\n') + '\n', 'preprocessing.json': JSON.stringify(preprocessing, null, 2) + '\n' };
  } catch (error) {
    if (error instanceof DeployDerivationError) return { skipped: error.message };
    throw error;
  }
  const dir = path.join(input.workDir, 'bundle');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  await copyFile(input.modelFile, path.join(dir, 'model.caffemodel'));
  const archive = path.join(input.workDir, 'bundle.tar.gz');
  await createTar({ gzip: true, cwd: dir, file: archive, portable: true }, [...bundleEntries]);
  return { bytes: await upload(archive, modelBundleKey(input.tenantId, input.jobId), 'application/gzip') };
}
