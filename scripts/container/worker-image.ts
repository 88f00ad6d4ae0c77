/**
 * Builds the worker's container image (container/Dockerfile) on this machine with buildah, the way
 * the AWS build does with Docker, so the image the Batch jobs run is proven here, not assumed.
 *
 * No image registry is reachable here, so the two images the Dockerfile starts from are made locally:
 * - its base, `FROM debian:bullseye-slim`: a Debian bullseye root file system made by `debootstrap`
 *   (minbase, the variant the official slim image is made from) and committed under the Dockerfile's
 *   FROM name, so `buildah bud --pull=never` finds it instead of pulling;
 * - its Node stage (`ARG NODE_IMAGE`, the official `node:22-bullseye-slim` on AWS): that base plus
 *   this machine's own Node binary at /usr/local/bin/node, the one path the Dockerfile copies.
 * Then `buildah bud --isolation chroot --layers` builds the Dockerfile itself: the same file, with
 * only NODE_IMAGE passed in, so the two paths cannot drift apart.
 *
 * Idempotent: an image that exists is not made again, the debootstrapped root file system is cached
 * as a tarball under ELASTIC_CAFFE_CACHE (default ~/.cache/elastic-caffe/container/) and buildah's
 * layer cache skips every Dockerfile step whose inputs didn't change (a rebuild takes a second).
 * Needs root (buildah's storage in /var/lib/containers, chroot isolation, debootstrap).
 *
 * Run as a script (`npm run image:worker`) it installs buildah and debootstrap with apt-get when
 * they are missing, builds with progress on stderr and prints the image name.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildWorkerBundle } from '../../container/build-worker';
import { cacheDir, DEBIAN_SUITE, DEFAULT_DEBIAN_MIRROR } from '../../local/caffe/install';

const root = path.resolve(__dirname, '..', '..');
export const workerDockerfile = path.join(root, 'container', 'Dockerfile');
/** The tag the locally built worker image gets (buildah stores it as localhost/elastic-caffe-worker:local). */
export const localWorkerImage = 'localhost/elastic-caffe-worker:local';

export interface WorkerImageOptions {
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Install missing tools with apt-get (the CLI does; tests don't: they say what is missing instead). */
  installMissingTools?: boolean;
  /** Mirror every line of the tools' output to `log` (default: only on failure, as the error's tail). */
  verbose?: boolean;
}

export interface WorkerImage {
  /** Name to run it by (`buildah from <name>`). */
  name: string;
  /** Its image id (sha256 hex). */
  id: string;
  /** The Node image passed as NODE_IMAGE, and the base image the Dockerfile's FROM resolved to. */
  nodeImage: string;
  baseImage: string;
}

/** Builds (or finds up to date) the worker image and returns its name and id. */
export async function buildWorkerImage(options: WorkerImageOptions = {}): Promise<WorkerImage> {
  const log = options.log ?? ((line: string) => console.error(line));
  const exec = (command: string, args: string[]) => run(command, args, options.verbose ? log : undefined);
  const install = options.installMissingTools ?? false;
  await ensureTools(['buildah'], install, log);

  const baseImage = qualifiedImageName(baseImageOf(readFileSync(workerDockerfile, 'utf8')));
  if (await imageExists(baseImage)) log(`base image ${baseImage}: present`);
  else {
    await ensureTools(['debootstrap'], install, log);
    const rootfs = await debootstrapRootfs(log, exec);
    log(`base image ${baseImage}: importing ${rootfs}`);
    const container = (await exec('buildah', ['from', 'scratch'])).trim();
    try {
      await exec('buildah', ['add', container, rootfs, '/']);
      // What the official image's config says: a shell by default and the standard PATH.
      await exec('buildah', ['config', '--cmd', '/bin/bash', '--env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', container]);
      await exec('buildah', ['commit', '--rm', container, baseImage]);
    } catch (error) {
      await run('buildah', ['rm', container]).catch(() => undefined);
      throw error;
    }
  }

  // Named by the Node version: a host upgrade makes a new image (and rebuilds the layers after COPY --from=node).
  const nodeImage = `localhost/elastic-caffe-node:${process.version}`;
  if (await imageExists(nodeImage)) log(`node image ${nodeImage}: present`);
  else {
    const node = await fsp.realpath(process.execPath);
    log(`node image ${nodeImage}: ${baseImage} + ${node} as /usr/local/bin/node`);
    const container = (await exec('buildah', ['from', '--pull=never', baseImage])).trim();
    try {
      await exec('buildah', ['copy', '--chmod', '0755', container, node, '/usr/local/bin/node']);
      await exec('buildah', ['commit', '--rm', container, nodeImage]);
    } catch (error) {
      await run('buildah', ['rm', container]).catch(() => undefined);
      throw error;
    }
  }

  log(`worker bundle: ${buildWorkerBundle()}`);
  log(`worker image ${localWorkerImage}: buildah bud --isolation chroot ${path.relative(root, workerDockerfile)} (cached layers are reused)`);
  const context = path.dirname(workerDockerfile);
  // --force-rm: without it buildah 1.28 leaves the Node stage's working container behind on every build.
  await run(
    'buildah',
    ['bud', '--isolation', 'chroot', '--pull=never', '--layers', '--force-rm', '--build-arg', `NODE_IMAGE=${nodeImage}`, '-f', workerDockerfile, '-t', localWorkerImage, context],
    // Steps are the progress worth seeing even when not verbose: a cold build spends ~20 s in apt-get.
    (line) => (options.verbose || /^\[\d+\/\d+\] STEP|^STEP /.test(line) ? log(line) : undefined),
  );
  const id = await imageId(localWorkerImage);
  log(`worker image ${localWorkerImage}: ${id.slice(0, 12)}`);
  return { name: localWorkerImage, id, nodeImage, baseImage };
}

/** The Dockerfile's base image: the FROM that names an image rather than an ARG (the Node stage). */
export function baseImageOf(dockerfile: string): string {
  const froms = [...dockerfile.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1] ?? '');
  const named = froms.filter((name) => !name.includes('$'));
  if (named.length !== 1) throw new Error(`expected one FROM with a literal image in ${workerDockerfile}, found: ${named.join(', ') || 'none'}`);
  return named[0]!;
}

/** `debian:bullseye-slim` → `docker.io/library/debian:bullseye-slim`: the name a short FROM resolves to. */
export function qualifiedImageName(name: string): string {
  const [first, ...rest] = name.split('/');
  if (rest.length > 0 && (first!.includes('.') || first!.includes(':') || first === 'localhost')) return name;
  return rest.length === 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
}

export async function imageExists(name: string): Promise<boolean> {
  return run('buildah', ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', name]).then(
    () => true,
    () => false,
  );
}

export async function imageId(name: string): Promise<string> {
  return (await run('buildah', ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', name])).trim();
}

/** Each tool comes in the Debian package of the same name. */
async function ensureTools(tools: string[], install: boolean, log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('building the worker image needs root (buildah storage in /var/lib/containers, chroot isolation, debootstrap)');
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length === 0) return;
  if (!install)
    throw new Error(`${missing.join(' and ')} not installed: run \`npm run image:worker\` (installs what is missing with apt-get) or \`apt-get install ${missing.join(' ')}\``);
  log(`installing ${missing.join(', ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } as Record<string, string>;
  await run('apt-get', ['update', '-q'], undefined, env);
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], undefined, env);
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(path.join(dir, tool)));
}

/**
 * A Debian bullseye minbase root file system as a tarball, cached: debootstrap takes ~35 s and
 * 50 MB of downloads, and bullseye's packages will only get harder to reach (its LTS ends in 2026).
 */
async function debootstrapRootfs(log: (line: string) => void, exec: (command: string, args: string[]) => Promise<string>): Promise<string> {
  const dir = path.join(cacheDir(), 'container');
  const tarball = path.join(dir, `debian-${DEBIAN_SUITE}-minbase-rootfs.tar.gz`);
  if (existsSync(tarball)) return tarball;
  await fsp.mkdir(dir, { recursive: true });
  const mirror = (process.env.ELASTIC_CAFFE_DEBIAN_MIRROR || DEFAULT_DEBIAN_MIRROR).replace(/\/+$/, '');
  const target = await fsp.mkdtemp(path.join(os.tmpdir(), 'elastic-caffe-rootfs-'));
  try {
    log(`debootstrap --variant=minbase ${DEBIAN_SUITE} from ${mirror} …`);
    await exec('debootstrap', ['--variant=minbase', DEBIAN_SUITE, target, mirror]);
    // The official image's sources (updates and security too), so `apt-get install` in the
    // Dockerfile gets the same package versions here as on AWS. An archive mirror has no security suite.
    const sources = [`deb ${mirror} ${DEBIAN_SUITE} main`, `deb ${mirror} ${DEBIAN_SUITE}-updates main`];
    if (mirror === DEFAULT_DEBIAN_MIRROR) sources.push(`deb http://deb.debian.org/debian-security ${DEBIAN_SUITE}-security main`);
    await fsp.writeFile(path.join(target, 'etc', 'apt', 'sources.list'), `${sources.join('\n')}\n`);
    // As in the slim image: no downloaded .debs, package lists, docs or man pages.
    await exec('sh', ['-c', 'cd "$0" && rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* usr/share/doc/* usr/share/man/* usr/share/info/*', target]);
    const partial = `${tarball}.${process.pid}.partial`;
    await exec('tar', ['--numeric-owner', '-C', target, '-czf', partial, '.']);
    await fsp.rename(partial, tarball);
    log(`root file system cached: ${tarball}`);
    return tarball;
  } finally {
    await fsp.rm(target, { recursive: true, force: true });
  }
}

/** Runs a command; resolves with its stdout, rejects with the tail of its output. */
export function run(command: string, args: string[], onLine?: (line: string) => void, env?: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(env && { env }) });
    let stdout = '';
    let tail = '';
    let partial = '';
    const take = (chunk: Buffer, isStdout: boolean) => {
      const text = chunk.toString('utf8');
      if (isStdout) stdout += text;
      tail = (tail + text).slice(-4000);
      if (!onLine) return;
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', (chunk: Buffer) => take(chunk, true));
    child.stderr.on('data', (chunk: Buffer) => take(chunk, false));
    child.on('error', (error) => reject(new Error(`${command}: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (partial && onLine) onLine(partial);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail}`));
    });
  });
}

if (require.main === module) {
  const started = Date.now();
  buildWorkerImage({ installMissingTools: true, verbose: process.argv.includes('--verbose') }).then(
    (image) => {
      console.error(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      console.log(image.name);
    },
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
