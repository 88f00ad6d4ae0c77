/**
 * Image folders → LMDB with Caffe's own `convert_imageset`: split stratified and seeded, every
 * image checked (header and a decode), grey/colour and resize applied by the tool itself.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { PermanentFailure } from '../errors';
import type { LabelledImages } from '../image-folders';
import { checkedImages } from '../image-info';
import { sideOrder, sides, type Side } from '../split';
import type { SampleImage } from '../thumbnails';
import { countsOf, pickSamples, splitLabelled, type BuildInput, type BuiltSides } from './build';
import { convertToLmdb } from './convert';
import { logStep } from './steps';

/** Checks every image, finds whether all are grayscale, and that they agree on size unless resized. */
async function checkImages(images: Array<{ file: string; entry: string }>, resizing: boolean) {
  let grayscale = true;
  let size: { width: number; height: number } | undefined;
  const infos = await checkedImages(images);
  for (const [index, info] of infos.entries()) {
    const { entry } = images[index]!;
    grayscale &&= info.grayscale;
    if (resizing) continue;
    size ??= info;
    if (info.width !== size.width || info.height !== size.height)
      throw new PermanentFailure(
        `images differ in size ("${entry}" is ${info.width}x${info.height}, others ${size.width}x${size.height}); ` +
          `set transform.width and transform.height to resize them`,
      );
  }
  return { grayscale, size };
}

/** The files of the sample images picked for each label, read (a handful per label). */
async function readSamples(picks: Map<string, string[]>, root: string): Promise<Map<string, SampleImage[]>> {
  const samples = new Map<string, SampleImage[]>();
  for (const [label, entries] of picks)
    samples.set(
      label,
      await Promise.all(entries.map(async (entry) => ({ encoded: await readFile(path.join(root, entry)) }))),
    );
  return samples;
}

export async function buildFromImages(input: BuildInput, sources: Record<Side, LabelledImages>): Promise<BuiltSides> {
  const { ctx, dataset, seed } = input;
  const { parts, labels } = splitLabelled(input, {
    training: sources.training.byLabel,
    testing: sources.testing.byLabel,
  });

  const transform = dataset.transform ?? {};
  const resizing = transform.width !== undefined;
  const all = sides.flatMap((side) =>
    [...parts[side].values()].flat().map((entry) => ({ entry, file: path.join(sources[side].root, entry) })),
  );
  logStep('check-images');
  const checked = await checkImages(all, resizing);
  const grayscale = transform.grayscale ?? checked.grayscale;
  const shape = {
    channels: grayscale ? 1 : 3,
    height: transform.height ?? checked.size?.height ?? 0,
    width: transform.width ?? checked.size?.width ?? 0,
  };

  const dbs = { training: '', testing: '' };
  const images = { training: { root: '', listFile: '' }, testing: { root: '', listFile: '' } };
  for (const side of sides) {
    logStep(`list ${side}`);
    const ordered = sideOrder(parts[side], input.shuffle, seed, side);
    if (!ordered.length)
      throw new PermanentFailure(`the ${side} side of the dataset has no images; check splitPercentage`);
    const listFile = path.join(ctx.workDir, `${side}.txt`);
    await writeFile(listFile, `${ordered.map(({ label, item }) => `${item} ${labels.indexOf(label)}`).join('\n')}\n`);
    dbs[side] = path.join(ctx.workDir, `${side}-lmdb`);
    const root = sources[side].root;
    const args = [
      '--backend=lmdb',
      ...(grayscale ? ['--gray'] : []),
      ...(resizing ? [`--resize_width=${shape.width}`, `--resize_height=${shape.height}`] : []),
      `${root}/`,
      listFile,
      dbs[side],
    ];
    await convertToLmdb('convert_imageset', args, dbs[side], ctx.caffePrefix, root);
    images[side] = { root, listFile };
  }
  return {
    dbs,
    images,
    labels,
    samples: await readSamples(pickSamples(parts.training, labels), sources.training.root),
    counts: { training: countsOf(parts.training), testing: countsOf(parts.testing) },
    shape,
    grayscale,
    resized: resizing,
  };
}
