/** Resolving packages' dependency closures with the private apt and downloading the .debs into the cache. */
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import {
  aptOptions,
  aptRoot,
  type Deb,
  DEBIAN_KEYRING,
  DEBIAN_SUITE,
  DEFAULT_DEBIAN_MIRROR,
  parseSimulation,
  parseUris,
} from './apt';
import { withLock } from './lock';
import { plural, stepper } from './progress';
import { exists, requireCommand, run } from './shell';

/**
 * Returns the .debs of `packages` and all their dependencies, from the cache, downloading what is
 * missing. If a previous resolution of the same package set is cached and all its files are there,
 * apt is not run at all (works offline).
 */
export async function ensureDebs(packages: readonly string[], log: (msg: string) => void): Promise<Deb[]> {
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
        `warning: ${DEBIAN_KEYRING} not found, so package signatures are NOT checked ` +
          `(install debian-archive-keyring to check them)`,
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

/** One package's .deb, downloaded alone (`apt-get download`) into the cache. */
export async function ensureDebWithoutDependencies(
  name: string,
  indexedBy: readonly string[],
  log: (msg: string) => void,
): Promise<Deb> {
  await ensureDebs(indexedBy, log); // resolving a cached package set makes sure the private apt index exists
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
