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
 * Run as a script (`npx tsx local/caffe/install.ts`) it installs both and prints the prefix.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { caffeToolCommand, multiarch, prefixLayout } from '../../core/caffe/tools';

/** Debian release the packages come from: the last one shipping Caffe 1.0 (later ones dropped it). */
export const DEBIAN_SUITE = 'bullseye';
/** What the Caffe prefix holds. libopenblas0-pthread: OpenBLAS instead of reference BLAS, 5x faster here. */
export const CAFFE_PACKAGES: readonly string[] = ['caffe', 'libopenblas0-pthread'];
export const FASHION_MNIST_PACKAGE = 'dataset-fashion-mnist';
export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const MARKER = '.elastic-caffe-install.json';
/** Bump when the layout of an installed prefix changes, so existing installs are redone. */
const INSTALL_FORMAT = 1;

export interface InstallOptions {
  /** Progress messages (default: one line each on stderr). */
  onProgress?: (msg: string) => void;
}

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

/** True if `prefix` holds Caffe's binary and the loader to run it with. */
export async function isCaffePrefix(prefix: string): Promise<boolean> {
  const layout = prefixLayout(prefix);
  return (await exists(path.join(layout.binDir, 'caffe'))) && (await exists(layout.loader));
}

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

/** Where ensurePycaffe() installs (a prefix of its own, so the training prefix is never rebuilt for it). */
export function defaultPycaffePrefix(): string {
  return path.join(localHome(), 'pycaffe');
}

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
      await ensureDebWithoutDependencies(PYCAFFE_MODULE_PACKAGE, log),
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

/** Where ensureLmdbTools() installs: beside the Caffe prefix (see lmdbToolsPrefix in core/caffe/tools.ts). */
export function defaultLmdbToolsPrefix(): string {
  return path.join(localHome(), 'lmdb-utils');
}

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

/** One package's .deb, downloaded alone (`apt-get download`) into the cache. */
async function ensureDebWithoutDependencies(name: string, log: (msg: string) => void): Promise<Deb> {
  await ensureDebs(CAFFE_PACKAGES, log); // makes sure the private apt index exists
  const root = aptRoot();
  const archives = path.join(root, 'cache', 'archives');
  const [deb] = parseSimulation(
    await run('apt-get', [...aptOptions(root), '-s', 'install', '--no-install-recommends', name]),
    archives,
  ).filter((d) => d.name === name);
  if (!deb) throw new Error(`apt-get does not know ${name}`);
  if (await exists(deb.file)) return deb;
  log(`downloading ${name} …`);
  const downloaded = await run('sh', [
    '-c',
    `cd "$0" && apt-get "$@" download ${name} >&2 && ls`,
    archives,
    ...aptOptions(root),
  ]);
  if (!(await exists(deb.file)))
    throw new Error(`apt-get download ${name} wrote no ${path.basename(deb.file)}:\n${downloaded.slice(-1000)}`);
  return deb;
}

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

// ---------------------------------------------------------------------------------------------
// Installed markers

interface Marker {
  format: number;
  suite: string;
  arch: string;
  /** Packages asked for (sorted). */
  requested: string[];
  /** The full closure that was unpacked, `name=version`. */
  packages: string[];
  installedAt: string;
}

async function isInstalled(dir: string, want: { packages: readonly string[]; files: string[] }): Promise<boolean> {
  let marker: Marker;
  try {
    marker = JSON.parse(await fsp.readFile(path.join(dir, MARKER), 'utf8')) as Marker;
  } catch {
    return false;
  }
  if (marker.format !== INSTALL_FORMAT || marker.suite !== DEBIAN_SUITE || marker.arch !== multiarch().debian)
    return false;
  if (JSON.stringify(marker.requested) !== JSON.stringify([...want.packages].sort())) return false;
  for (const f of want.files) if (!(await exists(path.join(dir, f)))) return false;
  return true;
}

async function writeMarker(dir: string, requested: readonly string[], debs: Deb[]): Promise<void> {
  const marker: Marker = {
    format: INSTALL_FORMAT,
    suite: DEBIAN_SUITE,
    arch: multiarch().debian,
    requested: [...requested].sort(),
    packages: debs.map((d) => `${d.name}=${d.version}`).sort(),
    installedAt: new Date().toISOString(),
  };
  await fsp.writeFile(path.join(dir, MARKER), `${JSON.stringify(marker, null, 2)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Private apt: resolve and download .debs into the cache

interface Deb {
  name: string;
  version: string;
  arch: string;
  /** Absolute path of the .deb in the cache. */
  file: string;
}

/** The private apt tree for this suite and architecture, inside the cache. */
function aptRoot(): string {
  return path.join(cacheDir(), `debian-${DEBIAN_SUITE}-${multiarch().debian}`);
}

/** apt options that keep apt entirely inside aptRoot() (the host's apt state is never read or written). */
function aptOptions(root: string): string[] {
  const arch = multiarch().debian;
  const o: Record<string, string> = {
    'Dir::Etc::SourceList': path.join(root, 'etc', 'sources.list'),
    'Dir::Etc::SourceParts': '/dev/null',
    'Dir::Etc::Preferences': '/dev/null',
    'Dir::Etc::PreferencesParts': '/dev/null',
    'Dir::State': path.join(root, 'state'),
    'Dir::State::status': path.join(root, 'state', 'status'),
    'Dir::Cache': path.join(root, 'cache'),
    'APT::Architecture': arch,
    // Ignore foreign architectures the host's dpkg may have enabled.
    'APT::Architectures': arch,
    'Debug::NoLocking': '1',
    'Acquire::Languages': 'none',
    // archive.debian.org serves Release files whose Valid-Until has passed.
    'Acquire::Check-Valid-Until': 'false',
  };
  // As root apt downloads as user _apt, which may not be able to enter a cache under ~root.
  if (process.getuid?.() === 0) o['APT::Sandbox::User'] = 'root';
  return Object.entries(o).flatMap(([k, v]) => ['-o', `${k}=${v}`]);
}

/**
 * Returns the .debs of `packages` and all their dependencies, from the cache, downloading what is
 * missing. If a previous resolution of the same package set is cached and all its files are there,
 * apt is not run at all (works offline).
 */
async function ensureDebs(packages: readonly string[], log: (msg: string) => void): Promise<Deb[]> {
  const root = aptRoot();
  const archives = path.join(root, 'cache', 'archives');
  const manifest = path.join(root, 'manifests', `${[...packages].sort().join('+')}.json`);
  try {
    const debs = JSON.parse(await fsp.readFile(manifest, 'utf8')) as Deb[];
    const withPaths = debs.map((d) => ({ ...d, file: path.join(archives, path.basename(d.file)) }));
    if ((await Promise.all(withPaths.map((d) => exists(d.file)))).every(Boolean)) return withPaths;
  } catch {
    // no manifest yet: resolve below
  }

  await requireCommand('apt-get');
  return withLock(path.join(root, '.lock'), log, async () => {
    await fsp.mkdir(path.join(root, 'etc'), { recursive: true });
    await fsp.mkdir(path.join(root, 'state', 'lists', 'partial'), { recursive: true });
    await fsp.mkdir(path.join(archives, 'partial'), { recursive: true });
    await fsp.mkdir(path.dirname(manifest), { recursive: true });
    await fsp.appendFile(path.join(root, 'state', 'status'), ''); // an empty dpkg status: nothing is installed
    const mirror = (process.env.ELASTIC_CAFFE_DEBIAN_MIRROR || DEFAULT_DEBIAN_MIRROR).replace(/\/+$/, '');
    let trust = `signed-by=${DEBIAN_KEYRING}`;
    if (!(await exists(DEBIAN_KEYRING))) {
      trust = 'trusted=yes';
      log(
        `warning: ${DEBIAN_KEYRING} not found, so package signatures are NOT checked (install debian-archive-keyring to check them)`,
      );
    }
    await fsp.writeFile(path.join(root, 'etc', 'sources.list'), `deb [${trust}] ${mirror} ${DEBIAN_SUITE} main\n`);
    const opts = aptOptions(root);
    const apt = (args: string[], onLine?: (line: string) => void) => run('apt-get', [...opts, ...args], onLine);
    const install = ['install', '-y', '--no-install-recommends', ...packages];

    let updated = false;
    const update = async (): Promise<void> => {
      log(`reading the package index of Debian ${DEBIAN_SUITE} from ${mirror} …`);
      await apt(['update']);
      updated = true;
    };
    if (
      !(await fsp.readdir(path.join(root, 'state', 'lists'))).some(
        (f) => f.endsWith('_InRelease') || f.endsWith('_Release'),
      )
    ) {
      await update();
    }
    // Tried with the cached index first; if that fails (index missing for this mirror, or a
    // package moved) the index is refreshed once and everything retried.
    for (;;) {
      try {
        const debs = parseSimulation(await apt(['-s', ...install]), archives);
        const missing = [];
        for (const d of debs) if (!(await exists(d.file))) missing.push(d);
        if (missing.length > 0) {
          const sizes = parseUris(await apt(['--print-uris', '-qq', ...install]));
          const bytes = missing.reduce((sum, d) => sum + (sizes.get(path.basename(d.file)) ?? 0), 0);
          log(`downloading ${plural(missing.length, 'package')} (${Math.round(bytes / 1e6)} MB) from ${mirror} …`);
          const step = stepper(missing.length, (i, n) => log(`downloaded ${i}/${n}`));
          let got = 0;
          await apt(['--download-only', ...install], (line) => {
            if (/^Get:\d+ /.test(line)) step(++got);
          });
          const still = [];
          for (const d of debs) if (!(await exists(d.file))) still.push(path.basename(d.file));
          if (still.length > 0) throw new Error(`apt-get did not download ${still.join(', ')}`);
        }
        await fsp.writeFile(manifest, `${JSON.stringify(debs, null, 2)}\n`);
        return debs;
      } catch (err) {
        if (updated) throw err;
        await update();
      }
    }
  });
}

/** The packages `apt-get -s install` would install, with the names apt gives their cached .debs. */
function parseSimulation(output: string, archives: string): Deb[] {
  const debs: Deb[] = [];
  for (const line of output.split('\n')) {
    // Inst libcrypt1 (1:4.4.18-4 Debian:11.11/oldoldstable [amd64]) []
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) .*\[([^\]\s]+)\]\)/.exec(line);
    if (!m) continue;
    const [, name, version, arch] = m as unknown as [string, string, string, string];
    // apt names a cached .deb name_version_arch.deb with ':' (epoch) quoted as %3a.
    debs.push({
      name,
      version,
      arch,
      file: path.join(archives, `${name}_${version.replace(/:/g, '%3a')}_${arch}.deb`),
    });
  }
  if (debs.length === 0) throw new Error(`apt-get resolved no packages:\n${output.slice(-2000)}`);
  return debs;
}

/** Sizes by file name from `apt-get --print-uris` ('URL' file size hash). */
function parseUris(output: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const line of output.split('\n')) {
    const m = /^'[^']+' (\S+) (\d+) /.exec(line);
    if (m) sizes.set(m[1]!, Number(m[2]));
  }
  return sizes;
}

// ---------------------------------------------------------------------------------------------
// Unpacking and checking

async function unpackDebs(debs: Deb[], dir: string, log: (msg: string) => void): Promise<void> {
  await requireCommand('dpkg-deb');
  await fsp.mkdir(dir, { recursive: true });
  if (debs.length > 1) log(`unpacking ${debs.length} packages …`);
  const step = debs.length > 1 ? stepper(debs.length, (i, n) => log(`unpacking ${i}/${n}`)) : () => {};
  for (const [i, deb] of debs.entries()) {
    await run('dpkg-deb', ['-x', deb.file, dir]);
    step(i + 1);
  }
}

/** Proves a freshly unpacked prefix works before it is moved into place. */
async function checkCaffePrefix(prefix: string): Promise<void> {
  const layout = prefixLayout(prefix);
  const caffe = path.join(layout.binDir, 'caffe');
  // Every library must come from the prefix (a host library would mean a mismatched glibc), and
  // BLAS must be OpenBLAS.
  const list = await run(layout.loader, ['--library-path', layout.libraryPath.join(':'), '--list', caffe]);
  const problems: string[] = [];
  for (const line of list.split('\n')) {
    const m = /^\s*(\S+) => (.*?) \(0x/.exec(line);
    if (/not found/.test(line)) problems.push(line.trim());
    else if (m && !m[2]!.startsWith(prefix + path.sep)) problems.push(`${m[1]} resolves outside the prefix: ${m[2]}`);
    else if (m && m[1] === 'libblas.so.3' && !m[2]!.includes('/openblas-pthread/'))
      problems.push(`libblas.so.3 is not OpenBLAS: ${m[2]}`);
  }
  if (!/libblas\.so\.3 => /.test(list)) problems.push('caffe does not load libblas.so.3');
  if (problems.length > 0) throw new Error(`the unpacked Caffe prefix is broken:\n  ${problems.join('\n  ')}`);
  const cmd = caffeToolCommand('caffe', ['--version'], { prefix });
  const version = await run(cmd.command, cmd.args, undefined, cmd.env);
  if (!/caffe version/i.test(version)) throw new Error(`"caffe --version" printed no version:\n${version}`);
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Fills a temporary directory beside `target`, then swaps it in with renames. */
async function installAtomically(target: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fsp.mkdir(parent, { recursive: true });
  // Leftovers of interrupted installs (safe to remove: the caller holds the lock for target).
  for (const entry of await fsp.readdir(parent)) {
    if (entry.startsWith(`${base}.tmp-`) || entry.startsWith(`${base}.old-`)) {
      await fsp.rm(path.join(parent, entry), { recursive: true, force: true });
    }
  }
  const tmp = path.join(parent, `${base}.tmp-${process.pid}`);
  try {
    await fill(tmp);
    const old = path.join(parent, `${base}.old-${process.pid}`);
    const hadOld = await exists(target);
    if (hadOld) await fsp.rename(target, old);
    await fsp.rename(tmp, target);
    if (hadOld) await fsp.rm(old, { recursive: true, force: true });
  } catch (err) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

function lockPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.lock`);
}

/**
 * Runs fn holding a lock directory (mkdir is atomic). A lock left by a dead process on this host,
 * or older than `staleMs`, is taken over.
 */
export async function withLock<T>(
  lock: string,
  log: (msg: string) => void,
  fn: () => Promise<T>,
  staleMs = 30 * 60_000,
): Promise<T> {
  await fsp.mkdir(path.dirname(lock), { recursive: true });
  const ownerFile = path.join(lock, 'owner.json');
  let waiting = false;
  for (;;) {
    try {
      await fsp.mkdir(lock);
      await fsp.writeFile(ownerFile, JSON.stringify({ pid: process.pid, host: os.hostname() }));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await fsp.readFile(ownerFile, 'utf8').then(
      (t) => JSON.parse(t) as { pid: number; host: string },
      () => undefined,
    );
    const age = await fsp.stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    const dead = owner ? owner.host === os.hostname() && !isAlive(owner.pid) : age > 60_000;
    if (dead || age > staleMs) {
      await fsp.rm(lock, { recursive: true, force: true });
      continue;
    }
    if (!waiting) log(`waiting for another install (pid ${owner?.pid ?? '?'}) to finish (lock: ${lock})`);
    waiting = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lock, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs a command to completion; resolves with stdout+stderr, rejects with their tail on failure. */
function run(
  command: string,
  args: string[],
  onLine?: (line: string) => void,
  env?: Record<string, string>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', ...env },
    });
    let out = '';
    let pending = '';
    const take = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      out += text;
      if (!onLine) return;
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      lines.forEach(onLine);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(out);
      const tail = out.trim().split('\n').slice(-25).join('\n');
      const shown = args.filter((a, i) => a !== '-o' && args[i - 1] !== '-o'); // leave out apt's -o settings
      reject(new Error(`${path.basename(command)} ${shown.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}

async function requireCommand(name: string): Promise<void> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (
      dir &&
      (await fsp.access(path.join(dir, name), fsp.constants.X_OK).then(
        () => true,
        () => false,
      ))
    )
      return;
  }
  throw new Error(
    `Installing Caffe locally needs apt-get and dpkg-deb, i.e. a Debian or Ubuntu machine, but "${name}" is not on PATH. ` +
      'Run on Debian/Ubuntu (a container is fine), or set CAFFE_PREFIX to an existing Caffe prefix.',
  );
}

async function exists(p: string): Promise<boolean> {
  return fsp.access(p).then(
    () => true,
    () => false,
  );
}

function reporter(label: string, opts: InstallOptions): (msg: string) => void {
  const sink = opts.onProgress ?? ((msg: string) => void process.stderr.write(`${msg}\n`));
  return (msg) => sink(`${label}: ${msg}`);
}

/** Calls report(i, n) at most every 2 s, and at the end. */
function stepper(n: number, report: (i: number, n: number) => void, everyMs = 2000): (i: number) => void {
  let last = performance.now();
  return (i) => {
    const now = performance.now();
    if (i === n || now - last >= everyMs) {
      last = now;
      report(i, n);
    }
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
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
