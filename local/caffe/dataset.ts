/** Fashion-MNIST from Debian's `dataset-fashion-mnist`: where it goes, its files, its labels. */
import { createReadStream, createWriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ensureDebs } from './download';
import { lockPathFor, withLock } from './lock';
import { fashionMnistDir } from './paths';
import { installAtomically, isInstalled, unpackDebs, writeMarker } from './prefix';
import { type InstallOptions, reporter, seconds } from './progress';

export const FASHION_MNIST_PACKAGE = 'dataset-fashion-mnist';

/** The Fashion-MNIST files in a directory made by ensureFashionMnist(): as shipped (`gz`) or gunzipped (`raw`, IDX). */
export interface FashionMnistFiles {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

const FASHION_MNIST_NAMES: FashionMnistFiles = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
};

/**
 * Paths of the four IDX files (60,000 training and 10,000 test 28x28 grey images, labels 0-9).
 * `raw` files are what `convert_mnist_data` reads; `gz` files are as Debian ships them.
 */
export function fashionMnistFiles(dir: string, form: 'gz' | 'raw' = 'gz'): FashionMnistFiles {
  const ext = form === 'gz' ? '.gz' : '';
  const entries = Object.entries(FASHION_MNIST_NAMES).map(([key, name]) => [key, path.join(dir, name + ext)]);
  return Object.fromEntries(entries) as unknown as FashionMnistFiles;
}

/** Class names by label. */
export const fashionMnistLabels = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/**
 * Makes sure Fashion-MNIST (Debian's `dataset-fashion-mnist`) is unpacked and returns the directory
 * holding its four IDX files, both gzipped as shipped and gunzipped (see fashionMnistFiles()).
 */
export async function ensureFashionMnist(opts: InstallOptions = {}): Promise<string> {
  const log = reporter('Fashion-MNIST', opts);
  const dir = fashionMnistDir();
  const files = [...Object.values(fashionMnistFiles(dir, 'gz')), ...Object.values(fashionMnistFiles(dir, 'raw'))];
  const want = { packages: [FASHION_MNIST_PACKAGE], files: files.map((f) => path.basename(f)) };
  if (await isInstalled(dir, want)) return dir;

  return withLock(lockPathFor(dir), log, async () => {
    if (await isInstalled(dir, want)) return dir;
    const started = performance.now();
    const debs = await ensureDebs([FASHION_MNIST_PACKAGE], log);
    await installAtomically(dir, async (tmp) => {
      const stage = path.join(tmp, '.unpack');
      await unpackDebs(debs, stage, log);
      const shipped = path.join(stage, 'usr', 'share', 'datasets', 'fashion-mnist');
      for (const gz of Object.values(fashionMnistFiles(shipped, 'gz'))) {
        await fsp.rename(gz, path.join(tmp, path.basename(gz)));
      }
      // The data set's licence (MIT) travels with it.
      await fsp.copyFile(
        path.join(stage, 'usr', 'share', 'doc', FASHION_MNIST_PACKAGE, 'copyright'),
        path.join(tmp, 'COPYRIGHT'),
      );
      await fsp.rm(stage, { recursive: true, force: true });
      const gz = fashionMnistFiles(tmp, 'gz');
      const raw = fashionMnistFiles(tmp, 'raw');
      for (const key of Object.keys(gz) as (keyof FashionMnistFiles)[]) {
        await pipeline(createReadStream(gz[key]), createGunzip(), createWriteStream(raw[key]));
      }
      await writeMarker(tmp, [FASHION_MNIST_PACKAGE], debs);
    });
    log(`ready in ${seconds(started)} s (${dir})`);
    return dir;
  });
}
