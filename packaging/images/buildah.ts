/**
 * What building and running our container images with buildah needs, whichever image it is (the
 * worker's, container/Dockerfile; the classify function's, container/Dockerfile.classify):
 *
 * - the Dockerfiles' base, `FROM debian:bullseye-slim`, which no registry here serves: a Debian
 *   bullseye root file system made by `debootstrap` (minbase, the variant the official slim image is
 *   made from), cached as a tarball under ELASTIC_CAFFE_CACHE (default ~/.cache/elastic-caffe/container/)
 *   and committed under the Dockerfile's FROM name, so `buildah bud --pull=never` finds it;
 * - `buildah bud --isolation chroot --layers`, whose layer cache skips every step whose inputs didn't
 *   change, with the Dockerfile's steps as progress;
 * - one lock per image, so two processes (CI's early build, a test) never build the same image at once.
 *
 * Needs root (buildah's storage in /var/lib/containers, chroot isolation, debootstrap).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheDir, DEBIAN_SUITE, DEFAULT_DEBIAN_MIRROR, withLock } from '../../local/caffe/install';

export interface ImageBuildOptions {
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** Install missing tools with apt-get (the CLI does; tests don't: they say what is missing instead). */
  installMissingTools?: boolean;
  /** Mirror every line of the tools' output to `log` (default: only on failure, as the error's tail). */
  verbose?: boolean;
}

/** A built image: the name to run it by (`buildah from <name>`) and its id (sha256 hex). */
export interface BuiltImage {
  name: string;
  id: string;
  /** The base image the Dockerfile's FROM resolved to, and the image passed as NODE_IMAGE. */
  baseImage: string;
  nodeImage: string;
}

/** One of our images: its Dockerfile, the image its Node stage starts from, its build context. */
export interface ImageRecipe {
  /** The tag the local build gets (`localhost/…:local`). */
  tag: string;
  /** The Dockerfile in the source tree (its FROM names the base). */
  dockerfile: string;
  /** Makes (or finds) the NODE_IMAGE from the base image. */
  nodeImage: (baseImage: string, exec: Exec, log: (line: string) => void) => Promise<string>;
  /** Stages (or names) the context; returns it and the Dockerfile's path in it. */
  context: (log: (line: string) => void) => { dir: string; dockerfile: string };
}

/**
 * Builds (or finds up to date) an image from its recipe, holding its lock: the base image, the
 * Node image, the context, then `buildah bud`.
 */
export async function buildImage(recipe: ImageRecipe, options: ImageBuildOptions): Promise<BuiltImage> {
  const log = logOf(options);
  return withImageLock(recipe.tag, log, async () => {
    const baseImage = await ensureBaseImage(recipe.dockerfile, options);
    const nodeImage = await recipe.nodeImage(baseImage, execFor(options, log), log);
    const context = recipe.context(log);
    const build = {
      dockerfile: context.dockerfile,
      context: context.dir,
      tag: recipe.tag,
      buildArgs: { NODE_IMAGE: nodeImage },
    };
    return { name: recipe.tag, id: await buildDockerfile(build, options), nodeImage, baseImage };
  });
}

/** Runs a command; resolves with its stdout, rejects with the tail of its output. */
export function run(
  command: string,
  args: string[],
  onLine?: (line: string) => void,
  env?: Record<string, string>,
): Promise<string> {
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

/** `run` with the build's options: every output line to the log when verbose. */
export type Exec = (command: string, args: string[]) => Promise<string>;
export const execFor =
  (options: ImageBuildOptions, log: (line: string) => void): Exec =>
  (command, args) =>
    run(command, args, options.verbose ? log : undefined);

export const logOf = (options: ImageBuildOptions) => options.log ?? ((line: string) => console.error(line));

export async function imageExists(name: string): Promise<boolean> {
  return run('buildah', ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', name]).then(
    () => true,
    () => false,
  );
}

export async function imageId(name: string): Promise<string> {
  return (await run('buildah', ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', name])).trim();
}

/** The Dockerfile's base image: the FROM that names an image rather than an ARG (the Node stage). */
export function baseImageOf(dockerfile: string, file = 'the Dockerfile'): string {
  const froms = [...dockerfile.matchAll(/^FROM\s+(?:--\S+\s+)*(\S+)/gim)].map((m) => m[1] ?? '');
  const named = [...new Set(froms.filter((name) => !name.includes('$')))];
  if (named.length !== 1)
    throw new Error(`expected one FROM with a literal image in ${file}, found: ${named.join(', ') || 'none'}`);
  return named[0]!;
}

/** `debian:bullseye-slim` → `docker.io/library/debian:bullseye-slim`: the name a short FROM resolves to. */
export function qualifiedImageName(name: string): string {
  const [first, ...rest] = name.split('/');
  if (rest.length > 0 && (first!.includes('.') || first!.includes(':') || first === 'localhost')) return name;
  return rest.length === 0 ? `docker.io/library/${name}` : `docker.io/${name}`;
}

/** Each tool comes in the Debian package of the same name. */
export async function ensureTools(tools: string[], install: boolean, log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error(
      'building a container image needs root (buildah storage in /var/lib/containers, chroot isolation, debootstrap)',
    );
  const missing = tools.filter((tool) => !onPath(tool));
  if (missing.length === 0) return;
  if (!install)
    throw new Error(
      `${missing.join(' and ')} not installed: run \`npm run image:worker\` (installs what is ` +
        `missing with apt-get) or \`apt-get install ${missing.join(' ')}\``,
    );
  log(`installing ${missing.join(', ')} with apt-get …`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } as Record<string, string>;
  await run('apt-get', ['update', '-q'], undefined, env);
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], undefined, env);
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir !== '' && existsSync(path.join(dir, tool)));
}

/** Makes `name` from `from` (an image, or `scratch`) by running `change` on a working container, then committing it. */
export async function commitImage(
  exec: Exec,
  from: string,
  name: string,
  change: (container: string) => Promise<void>,
): Promise<void> {
  const container = (await exec('buildah', ['from', '--pull=never', from])).trim();
  try {
    await change(container);
    await exec('buildah', ['commit', '--rm', container, name]);
  } catch (error) {
    await run('buildah', ['rm', container]).catch(() => undefined);
    throw error;
  }
}

/**
 * The Dockerfile's base image, made from a debootstrapped root file system when missing; returns its
 * qualified name. Installs buildah (and debootstrap when needed) if asked to.
 */
export async function ensureBaseImage(dockerfile: string, options: ImageBuildOptions): Promise<string> {
  const log = logOf(options);
  const exec = execFor(options, log);
  const install = options.installMissingTools ?? false;
  await ensureTools(['buildah'], install, log);
  const baseImage = qualifiedImageName(baseImageOf(readFileSync(dockerfile, 'utf8'), dockerfile));
  if (await imageExists(baseImage)) {
    log(`base image ${baseImage}: present`);
    return baseImage;
  }
  await ensureTools(['debootstrap'], install, log);
  const rootfs = await debootstrapRootfs(log, exec);
  log(`base image ${baseImage}: importing ${rootfs}`);
  await commitImage(exec, 'scratch', baseImage, async (container) => {
    await exec('buildah', ['add', container, rootfs, '/']);
    // What the official image's config says: a shell by default and the standard PATH.
    await exec('buildah', [
      'config',
      '--cmd',
      '/bin/bash',
      '--env',
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      container,
    ]);
  });
  return baseImage;
}

/** Where the image builds keep what they download (root file system, Node packages). */
export const containerCacheDir = (): string => path.join(cacheDir(), 'container');

/**
 * A Debian bullseye minbase root file system as a tarball, cached: debootstrap takes ~35 s and
 * 50 MB of downloads, and bullseye's packages will only get harder to reach (its LTS ends in 2026).
 */
async function debootstrapRootfs(log: (line: string) => void, exec: Exec): Promise<string> {
  const dir = containerCacheDir();
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
    if (mirror === DEFAULT_DEBIAN_MIRROR)
      sources.push(`deb http://deb.debian.org/debian-security ${DEBIAN_SUITE}-security main`);
    await fsp.writeFile(path.join(target, 'etc', 'apt', 'sources.list'), `${sources.join('\n')}\n`);
    // As in the slim image: no downloaded .debs, package lists, docs or man pages.
    await exec('sh', [
      '-c',
      'cd "$0" && rm -rf var/cache/apt/archives/*.deb var/lib/apt/lists/* usr/share/doc/* ' +
        'usr/share/man/* usr/share/info/*',
      target,
    ]);
    const partial = `${tarball}.${process.pid}.partial`;
    await exec('tar', ['--numeric-owner', '-C', target, '-czf', partial, '.']);
    await fsp.rename(partial, tarball);
    log(`root file system cached: ${tarball}`);
    return tarball;
  } finally {
    await fsp.rm(target, { recursive: true, force: true });
  }
}

export interface DockerfileBuild {
  dockerfile: string;
  context: string;
  tag: string;
  buildArgs: Record<string, string>;
}

/**
 * `buildah bud` of the Dockerfile with its cached layers; returns the image id. The steps are shown
 * even when not verbose: a cold build spends minutes in apt-get and compilers.
 */
export async function buildDockerfile(build: DockerfileBuild, options: ImageBuildOptions): Promise<string> {
  const log = logOf(options);
  const args = Object.entries(build.buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]);
  log(
    `image ${build.tag}: buildah bud --isolation chroot ` +
      `${path.relative(process.cwd(), build.dockerfile)} (cached layers are reused)`,
  );
  // --force-rm: without it buildah 1.28 leaves the earlier stages' working containers behind on every build.
  await run(
    'buildah',
    [
      'bud',
      '--isolation',
      'chroot',
      '--pull=never',
      '--layers',
      '--force-rm',
      ...args,
      '-f',
      build.dockerfile,
      '-t',
      build.tag,
      build.context,
    ],
    (line) => (options.verbose || /^\[\d+\/\d+\] STEP|^STEP /.test(line) ? log(line) : undefined),
  );
  const id = await imageId(build.tag);
  log(`image ${build.tag}: ${id.slice(0, 12)}`);
  return id;
}

/**
 * Runs `fn` holding the lock of one image: a second build of the same image (CI building it early
 * while a test asks for it) waits and then finds every layer cached. A lock whose holder died is taken over.
 */
export function withImageLock<T>(image: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  return withLock(
    path.join(containerCacheDir(), 'locks', `${image.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`),
    log,
    fn,
    60 * 60_000,
  );
}

/** The `npm run image:*` scripts: build with the tools installed when missing, print the image's name. */
export function imageCli(build: (options: ImageBuildOptions) => Promise<{ name: string }>): void {
  const started = Date.now();
  build({ installMissingTools: true, verbose: process.argv.includes('--verbose') }).then(
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
