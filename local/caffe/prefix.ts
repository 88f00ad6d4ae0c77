/**
 * Installing unpacked packages into a prefix: atomically (a temporary directory beside the target,
 * renamed into place), with a marker recording what was installed, and checked before it is used.
 */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { caffeToolCommand, multiarch, prefixLayout } from '../../core/caffe/tools';
import { type Deb, DEBIAN_SUITE } from './apt';
import { stepper } from './progress';
import { exists, requireCommand, run } from './shell';

const MARKER = '.elastic-caffe-install.json';
/** Bump when the layout of an installed prefix changes, so existing installs are redone. */
const INSTALL_FORMAT = 1;

/** True if `prefix` holds Caffe's binary and the loader to run it with. */
export async function isCaffePrefix(prefix: string): Promise<boolean> {
  const layout = prefixLayout(prefix);
  return (await exists(path.join(layout.binDir, 'caffe'))) && (await exists(layout.loader));
}

export interface Marker {
  format: number;
  suite: string;
  arch: string;
  /** Packages asked for (sorted). */
  requested: string[];
  /** The full closure that was unpacked, `name=version`. */
  packages: string[];
  installedAt: string;
}

export async function isInstalled(
  dir: string,
  want: { packages: readonly string[]; files: string[] },
): Promise<boolean> {
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

export async function writeMarker(dir: string, requested: readonly string[], debs: Deb[]): Promise<void> {
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

export async function unpackDebs(debs: Deb[], dir: string, log: (msg: string) => void): Promise<void> {
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
export async function checkCaffePrefix(prefix: string): Promise<void> {
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

/** Fills a temporary directory beside `target`, then swaps it in with renames. */
export async function installAtomically(target: string, fill: (tmp: string) => Promise<void>): Promise<void> {
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
