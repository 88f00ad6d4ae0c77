/**
 * IDX → LMDB with Caffe's own `convert_mnist_data`: the split and the order are written as plain
 * IDX subsets, which the tool converts directly (no image files in between). Used when no
 * transform needs images (resize, colour); otherwise the IDX datafile goes through image folders.
 */
import * as path from 'node:path';
import { PermanentFailure } from '../errors';
import { sideOrder, sides, splitSides, type Side } from '../split';
import { countsOf, type BuildInput, type BuiltSides } from './build';
import { convertToLmdb } from './convert';
import { logStep } from './steps';
import { idxByLabel, writeIdxSubset, type IdxData } from './idx';

export async function buildFromIdx(input: BuildInput, sources: Record<Side, IdxData>): Promise<BuiltSides> {
  const { ctx, dataset, seed } = input;
  logStep('split');
  const grouped = { training: idxByLabel(sources.training), testing: idxByLabel(sources.testing) };
  const parts = splitSides(
    { training: grouped.training.byLabel, testing: grouped.testing.byLabel },
    { training: dataset.training.splitPercentage, testing: dataset.testing.splitPercentage },
    input.sameDatafile,
    seed,
  );
  // Label values are the indices, so the names run 0..max over both sides.
  const labels = grouped.training.labels.length >= grouped.testing.labels.length ? grouped.training.labels : grouped.testing.labels;
  const dbs = { training: '', testing: '' };
  for (const side of sides) {
    logStep(`list ${side}`);
    const order = sideOrder(parts[side], input.shuffle, seed, side).map(({ item }) => item);
    if (!order.length) throw new PermanentFailure(`the ${side} side of the dataset has no images; check splitPercentage`);
    const images = path.join(ctx.workDir, `${side}-images-idx3-ubyte`);
    const labelFile = path.join(ctx.workDir, `${side}-labels-idx1-ubyte`);
    await writeIdxSubset(sources[side], order, images, labelFile);
    dbs[side] = path.join(ctx.workDir, `${side}-lmdb`);
    await convertToLmdb('convert_mnist_data', ['--backend=lmdb', images, labelFile, dbs[side]], dbs[side], ctx.caffePrefix);
  }
  const { height, width } = sources.training;
  if (sources.testing.height !== height || sources.testing.width !== width)
    throw new PermanentFailure(`training images are ${width}x${height} but testing images are ${sources.testing.width}x${sources.testing.height}`);
  return {
    dbs,
    labels,
    counts: { training: countsOf(parts.training), testing: countsOf(parts.testing) },
    shape: { channels: 1, height, width },
    grayscale: true,
    resized: false,
  };
}
