/** Where the local Caffe install keeps its prefixes, data set and download cache. */
import * as os from 'node:os';
import * as path from 'node:path';

/** Where the local cloud keeps its state: ELASTIC_CAFFE_HOME, default `<repo root>/.local`. */
export function localHome(): string {
  return path.resolve(process.env.ELASTIC_CAFFE_HOME || path.join(__dirname, '..', '..', '.local'));
}

/** Download cache shared by all clones: ELASTIC_CAFFE_CACHE, default `~/.cache/elastic-caffe`. */
export function cacheDir(): string {
  if (process.env.ELASTIC_CAFFE_CACHE) return path.resolve(process.env.ELASTIC_CAFFE_CACHE);
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'elastic-caffe');
}

/** The prefix ensureCaffe() installs into when CAFFE_PREFIX is not set. */
export function defaultCaffePrefix(): string {
  return path.join(localHome(), 'caffe');
}

/** Where ensureFashionMnist() puts the data set. */
export function fashionMnistDir(): string {
  return path.join(localHome(), 'data', 'fashion-mnist');
}

/** Where ensurePycaffe() installs (a prefix of its own, so the training prefix is never rebuilt for it). */
export function defaultPycaffePrefix(): string {
  return path.join(localHome(), 'pycaffe');
}

/** Where ensureLmdbTools() installs: beside the Caffe prefix (see lmdbToolsPrefix in core/caffe/tools.ts). */
export function defaultLmdbToolsPrefix(): string {
  return path.join(localHome(), 'lmdb-utils');
}
