/**
 * IDX → LMDB. The split and the order are decided here; the Datums are written either directly
 * (the fast path: the Datum bytes convert_mnist_data would write, by mdb_load, the mean computed
 * on the way in key order) or, where LMDB's tools are missing, by Caffe's own
 * `convert_mnist_data` from plain IDX subsets. Used when no transform needs images (resize,
 * colour); otherwise the IDX datafile goes through image folders.
 */
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PermanentFailure } from '../errors';
import { sideOrder, sides, splitSides, type Side } from '../split';
import type { SampleImage } from '../thumbnails';
import { countsOf, pickSamples, type BuildInput, type BuiltSides } from './build';
import { convertToLmdb } from './convert';
import { datumWriter, MeanAccumulator } from './datum';
import { LmdbLoader, lmdbToolsAvailable } from './lmdb-load';
import { logStep } from './steps';
import { idxByLabel, writeIdxSubset, type IdxData } from './idx';

/** convert_mnist_data's keys: the position, `%08d`. */
const mnistKey = (position: number) => String(position).padStart(8, '0');

/**
 * Writes one side's LMDB as convert_mnist_data would from the images at `order`: Datum
 * {channels 1, height, width, data, label}, keys `%08d`. Adds every Datum to `mean` if given.
 */
export async function writeIdxLmdb(
  idx: IdxData,
  order: number[],
  db: string,
  caffePrefix: string | undefined,
  mean?: MeanAccumulator,
): Promise<void> {
  const size = idx.height * idx.width;
  const datum = datumWriter(1, idx.height, idx.width, false);
  const loader = await LmdbLoader.open(db, order.length * (size + 32), { caffePrefix });
  try {
    for (const [position, source] of order.entries()) {
      const pixels = idx.pixels.subarray(source * size, (source + 1) * size);
      mean?.add(pixels);
      const full = loader.put(mnistKey(position), datum(pixels, idx.labels[source]!));
      if (full) await full; // only while the pipe is full: an await per Datum costs a tick each
    }
    await loader.close();
  } catch (error) {
    await loader.abort();
    throw error;
  }
}

/** The grey pixels of the sample images picked for each label. */
function idxSamples(idx: IdxData, picks: Map<string, number[]>): Map<string, SampleImage[]> {
  const size = idx.height * idx.width;
  const grey = (index: number) => Buffer.from(idx.pixels.subarray(index * size, (index + 1) * size));
  return new Map(
    [...picks].map(([label, indices]) => [
      label,
      indices.map((index) => ({ grey: grey(index), width: idx.width, height: idx.height })),
    ]),
  );
}

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
  const { height, width } = sources.training;
  if (sources.testing.height !== height || sources.testing.width !== width)
    throw new PermanentFailure(
      `training images are ${width}x${height} ` +
        `but testing images are ${sources.testing.width}x${sources.testing.height}`,
    );
  // Label values are the indices, so the names run 0..max over both sides.
  const labels =
    grouped.training.labels.length >= grouped.testing.labels.length ? grouped.training.labels : grouped.testing.labels;
  const orders = Object.fromEntries(
    sides.map((side) => {
      const order = sideOrder(parts[side], input.shuffle, seed, side).map(({ item }) => item);
      if (!order.length)
        throw new PermanentFailure(`the ${side} side of the dataset has no images; check splitPercentage`);
      return [side, order];
    }),
  ) as Record<Side, number[]>;
  const dbs = { training: path.join(ctx.workDir, 'training-lmdb'), testing: path.join(ctx.workDir, 'testing-lmdb') };
  const built = {
    dbs,
    labels,
    counts: { training: countsOf(parts.training), testing: countsOf(parts.testing) },
    samples: idxSamples(sources.training, pickSamples(parts.training, labels)),
    shape: { channels: 1, height, width },
    grayscale: true,
    resized: false,
  };

  if (await lmdbToolsAvailable(ctx.caffePrefix)) {
    logStep('datums + mdb_load (both sides)');
    const mean = new MeanAccumulator(1, height, width);
    // Both sides at once: two mdb_load processes take the hex while Node makes the next Datums.
    await Promise.all(
      sides.map((side) =>
        writeIdxLmdb(sources[side], orders[side], dbs[side], ctx.caffePrefix, side === 'training' ? mean : undefined),
      ),
    );
    const file = path.join(ctx.workDir, 'mean.binaryproto');
    await writeFile(file, mean.blobProto());
    logStep('compute_image_mean done');
    return { ...built, mean: { file, shape: built.shape } };
  }

  for (const side of sides) {
    logStep(`list ${side}`);
    const images = path.join(ctx.workDir, `${side}-images-idx3-ubyte`);
    const labelFile = path.join(ctx.workDir, `${side}-labels-idx1-ubyte`);
    await writeIdxSubset(sources[side], orders[side], images, labelFile);
    await convertToLmdb(
      'convert_mnist_data',
      ['--backend=lmdb', images, labelFile, dbs[side]],
      dbs[side],
      ctx.caffePrefix,
    );
  }
  return built;
}
