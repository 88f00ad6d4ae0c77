/**
 * Installs real Caffe 1.0 (CPU) and the Fashion-MNIST data set for the local cloud, the tests and
 * CI, without touching the machine's own packages.
 *
 * How: Debian bullseye ships Caffe 1.0 (`caffe`) and Fashion-MNIST (`dataset-fashion-mnist`). A
 * private apt configuration (its own sources.list, lists, status file and archive cache, all under
 * cacheDir()) resolves the packages' full dependency closure — glibc included — and downloads the
 * .debs; `dpkg-deb -x` unpacks them into a prefix under localHome(). The tools then run through the
 * prefix's own loader (core/caffe/tools.ts), so the host's distribution and glibc don't matter, only
 * that apt-get and dpkg-deb exist (Debian or Ubuntu). No root needed.
 *
 * - Idempotent: a marker file in the prefix records what was installed; a second call is a few
 *   file checks.
 * - Offline once cached: the resolved package list is remembered next to the cached .debs, so a
 *   new clone (or a deleted .local/) installs from the cache without `apt-get update`. bullseye is
 *   past its regular support period, so the cached .debs are worth keeping.
 * - Atomic: packages are unpacked into a temporary directory beside the target and renamed into
 *   place, so an interrupted install never leaves a half prefix. A lock directory serialises
 *   concurrent installers (e.g. the tests' global setup and `npm start`).
 *
 * Environment:
 * - ELASTIC_CAFFE_HOME: where the prefix and data go (default `<repo>/.local`).
 * - ELASTIC_CAFFE_CACHE: download cache (default `$XDG_CACHE_HOME/elastic-caffe`, i.e. `~/.cache/elastic-caffe`).
 * - CAFFE_PREFIX: an existing prefix to use instead of installing one.
 * - ELASTIC_CAFFE_DEBIAN_MIRROR: Debian mirror (default http://deb.debian.org/debian). When bullseye
 *   leaves the regular mirrors (its LTS ends in 2026) it will live on at
 *   http://archive.debian.org/debian; set this to that (expired Release files are accepted).
 *
 * Files: apt.ts (the private apt configuration), download.ts (resolution and the .deb cache),
 * lock.ts, prefix.ts (unpacking, markers, atomic installs, checks), dataset.ts (Fashion-MNIST),
 * paths.ts, and this file: what each prefix holds.
 *
 * Run as a script (`npm run setup:caffe`) it installs Caffe, pycaffe, lmdb-utils and Fashion-MNIST
 * and prints the Caffe prefix.
 */
import * as path from 'node:path';
import { caffeToolCommand, multiarch } from '../../core/caffe/tools';
import { ensureDebs, ensureDebWithoutDependencies } from './download';
import { lockPathFor, withLock } from './lock';
import { defaultCaffePrefix, defaultLmdbToolsPrefix, defaultPycaffePrefix } from './paths';
import { checkCaffePrefix, installAtomically, isCaffePrefix, isInstalled, unpackDebs, writeMarker } from './prefix';
import { type InstallOptions, reporter, seconds } from './progress';
import { run } from './shell';
import { ensureFashionMnist } from './dataset';

export { DEBIAN_SUITE, DEFAULT_DEBIAN_MIRROR } from './apt';
export {
  ensureFashionMnist,
  FASHION_MNIST_PACKAGE,
  type FashionMnistFiles,
  fashionMnistFiles,
  fashionMnistLabels,
} from './dataset';
export { withLock } from './lock';
export {
  cacheDir,
  defaultCaffePrefix,
  defaultLmdbToolsPrefix,
  defaultPycaffePrefix,
  fashionMnistDir,
  localHome,
} from './paths';
export { isCaffePrefix } from './prefix';
export type { InstallOptions } from './progress';

/** What the Caffe prefix holds. libopenblas0-pthread: OpenBLAS instead of reference BLAS, 5x faster here. */
export const CAFFE_PACKAGES: readonly string[] = ['caffe', 'libopenblas0-pthread'];

/**
 * Makes sure Caffe is installed and returns its prefix: CAFFE_PREFIX if set (it must be a valid
 * prefix), else `<localHome()>/caffe`, installed if missing or outdated.
 */
export async function ensureCaffe(opts: InstallOptions = {}): Promise<string> {
  const log = reporter('Caffe', opts);
  if (process.env.CAFFE_PREFIX) {
    const prefix = path.resolve(process.env.CAFFE_PREFIX);
    if (await isCaffePrefix(prefix)) return prefix;
    throw new Error(
      `CAFFE_PREFIX=${process.env.CAFFE_PREFIX} is not a Caffe prefix (no usr/bin/caffe or no loader in it). ` +
        `Unset CAFFE_PREFIX to have Caffe installed into ${defaultCaffePrefix()}.`,
    );
  }
  const prefix = defaultCaffePrefix();
  // The worker's fast dataset import writes LMDBs with mdb_load from here (beside the prefix).
  await ensureLmdbTools(opts);
  const want = { packages: CAFFE_PACKAGES, files: ['usr/bin/caffe'] };
  if (await isInstalled(prefix, want)) return prefix;

  return withLock(lockPathFor(prefix), log, async () => {
    if (await isInstalled(prefix, want)) return prefix; // another process just finished it
    const started = performance.now();
    const debs = await ensureDebs(CAFFE_PACKAGES, log);
    await installAtomically(prefix, async (tmp) => {
      await unpackDebs(debs, tmp, log);
      await checkCaffePrefix(tmp);
      await writeMarker(tmp, CAFFE_PACKAGES, debs);
    });
    log(`1.0 ready in ${seconds(started)} s (${debs.length} packages, ${prefix})`);
    return prefix;
  });
}

/**
 * Caffe's Python binding for the inference server (container/inference/): Caffe plus Python 3.9
 * and NumPy, resolved with their dependencies, and `python3-caffe` unpacked on its own. Its own
 * dependencies (IPython, matplotlib, scikit-image, pandas … for `import caffe`) are left out: the
 * server loads only the `_caffe` extension module, which needs none of them.
 */
export const PYCAFFE_PACKAGES: readonly string[] = [
  ...CAFFE_PACKAGES,
  'libboost-python1.74.0',
  'libpython3.9',
  'python3.9-minimal',
  'python3-numpy',
];
export const PYCAFFE_MODULE_PACKAGE = 'python3-caffe';

/** Makes sure the pycaffe prefix is installed (see PYCAFFE_PACKAGES) and returns it. */
export async function ensurePycaffe(opts: InstallOptions = {}): Promise<string> {
  const log = reporter('pycaffe', opts);
  const prefix = defaultPycaffePrefix();
  const requested = [...PYCAFFE_PACKAGES, PYCAFFE_MODULE_PACKAGE];
  const want = { packages: requested, files: ['usr/bin/python3.9', 'usr/lib/python3/dist-packages/caffe/__init__.py'] };
  if (await isInstalled(prefix, want)) return prefix;
  return withLock(lockPathFor(prefix), log, async () => {
    if (await isInstalled(prefix, want)) return prefix;
    const started = performance.now();
    const debs = [
      ...(await ensureDebs(PYCAFFE_PACKAGES, log)),
      await ensureDebWithoutDependencies(PYCAFFE_MODULE_PACKAGE, CAFFE_PACKAGES, log),
    ];
    await installAtomically(prefix, async (tmp) => {
      await unpackDebs(debs, tmp, log);
      await checkCaffePrefix(tmp);
      await writeMarker(tmp, requested, debs);
    });
    log(`ready in ${seconds(started)} s (${debs.length} packages, ${prefix})`);
    return prefix;
  });
}

/**
 * Debian's `lmdb-utils` (mdb_load, mdb_dump, mdb_stat): the same liblmdb 0.9.24 Caffe links, so
 * an LMDB mdb_load writes is one Caffe reads (lmdb-js writes LMDB 1.0, which it cannot); and
 * `libeatmydata1`, preloaded into mdb_load so its many commits skip fdatasync. A prefix
 * of its own (with its closure, loader included), so the Caffe prefix and its marker — shared by
 * every checkout on a machine — never change for it. The worker finds it beside the Caffe prefix
 * (core/caffe/tools.ts lmdbToolsPrefix); ensureCaffe() installs it too.
 */
export const LMDB_TOOLS_PACKAGES: readonly string[] = ['lmdb-utils', 'libeatmydata1'];

/** Makes sure the lmdb-utils prefix is installed and returns it. */
export async function ensureLmdbTools(opts: InstallOptions = {}): Promise<string> {
  const log = reporter('lmdb-utils', opts);
  const prefix = defaultLmdbToolsPrefix();
  const want = {
    packages: LMDB_TOOLS_PACKAGES,
    files: ['usr/bin/mdb_load', 'usr/bin/mdb_dump', `usr/lib/${multiarch().triplet}/libeatmydata.so.1`],
  };
  if (await isInstalled(prefix, want)) return prefix;
  return withLock(lockPathFor(prefix), log, async () => {
    if (await isInstalled(prefix, want)) return prefix;
    const started = performance.now();
    const debs = await ensureDebs(LMDB_TOOLS_PACKAGES, log);
    await installAtomically(prefix, async (tmp) => {
      await unpackDebs(debs, tmp, log);
      const cmd = caffeToolCommand('mdb_load', ['-V'], { prefix: tmp });
      const version = await run(cmd.command, cmd.args);
      if (!/0\.9\./.test(version)) throw new Error(`mdb_load -V printed ${version.trim()}, not LMDB 0.9`);
      await writeMarker(tmp, LMDB_TOOLS_PACKAGES, debs);
    });
    log(`ready in ${seconds(started)} s (${debs.length} packages, ${prefix})`);
    return prefix;
  });
}

if (require.main === module) {
  (async () => {
    const prefix = await ensureCaffe();
    await ensurePycaffe();
    await ensureFashionMnist();
    console.log(prefix);
  })().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
