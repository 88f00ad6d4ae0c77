/**
 * The model bundle: everything needed to classify with a trained model outside Elastic Caffe, in
 * one .tar.gz beside the model — deploy.prototxt (derived from the training net, answering from its
 * main head), model.caffemodel, labels.txt (one label per line, in label-index order),
 * preprocessing.json (core/caffe/preprocess.ts' Preprocessing: shape, channel order, crop, mean,
 * scale, with the deploy net's input, output and head) and, when the net subtracts a mean_file,
 * mean.binaryproto (the dataset's mean image; preprocessing.json's `meanFile` names it). Built by
 * the worker at the end of training, so a large model never passes through a Lambda.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { create as createTar } from 'tar';
import { deriveDeployNet, DeployDerivationError } from '../../core/caffe/deploy';
import { meanFileName, preprocessingFor } from '../../core/caffe/preprocess';
import { modelBundleKey } from '../../core/usecases/classifiers';
import type { Dataset, Solver } from '../../core/records/types';
import { upload } from './transfer';

export const bundleEntries = ['deploy.prototxt', 'model.caffemodel', 'labels.txt', 'preprocessing.json'] as const;

export interface BundleInput {
  workDir: string;
  tenantId: string;
  jobId: string;
  solver: Pick<Solver, 'solver' | 'net'>;
  dataset: Dataset;
  modelFile: string;
  /** The dataset's mean image on disk, when the net names a mean_file. */
  meanFile?: string | undefined;
}

/**
 * Builds and uploads the bundle; returns its size, or the reason there is none (a net without a
 * softmax has no derivable deploy net: the job still succeeds, with its model).
 */
export async function uploadModelBundle(input: BundleInput): Promise<{ bytes: number } | { skipped: string }> {
  const { dataset, solver } = input;
  if (!dataset.shape || !dataset.labels) return { skipped: 'the dataset records no shape or labels' };
  let files: Record<string, string>;
  let entries: string[] = [...bundleEntries];
  try {
    const deploy = deriveDeployNet(solver.net, dataset.shape, { solver: solver.solver });
    const names = { input: deploy.input, output: deploy.output, head: deploy.head };
    const preprocessing = { ...preprocessingFor(solver.net, dataset.shape, { solver: solver.solver }), ...names };
    files = {
      'deploy.prototxt': deploy.net,
      'labels.txt': `${dataset.labels.join('\n')}\n`,
      'preprocessing.json': `${JSON.stringify(preprocessing, null, 2)}\n`,
    };
    if (preprocessing.meanFile) {
      if (!input.meanFile) return { skipped: 'the net subtracts a mean image the job did not fetch' };
      entries = [...entries, preprocessing.meanFile];
    }
  } catch (error) {
    if (error instanceof DeployDerivationError) return { skipped: error.message };
    throw error;
  }
  const dir = path.join(input.workDir, 'bundle');
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  await copyFile(input.modelFile, path.join(dir, 'model.caffemodel'));
  if (input.meanFile && entries.includes(meanFileName)) await copyFile(input.meanFile, path.join(dir, meanFileName));
  const archive = path.join(input.workDir, 'bundle.tar.gz');
  await createTar({ gzip: true, cwd: dir, file: archive, portable: true }, entries);
  return { bytes: await upload(archive, modelBundleKey(input.tenantId, input.jobId), 'application/gzip') };
}
