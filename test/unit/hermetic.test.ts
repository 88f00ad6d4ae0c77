/**
 * The unit tier's guard (test/support/hermetic.setup.ts) refuses what a unit test must not reach: the network and the
 * installed Caffe. Anything else still runs.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as net from 'node:net';
import * as path from 'node:path';
import { defaultCaffePrefix } from '../../local/caffe/paths';

const caffe = path.join(defaultCaffePrefix(), 'usr', 'bin', 'caffe');

test('a socket connection throws, to loopback too', () => {
  expect(() => net.connect(80, 'example.com')).toThrow(/hermetic.*no network/);
  expect(() => net.connect(1, '127.0.0.1')).toThrow(/hermetic.*no network/);
});

test('fetch fails, saying why', async () => {
  await expect(fetch('http://example.com/')).rejects.toMatchObject({
    cause: expect.objectContaining({ message: expect.stringMatching(/hermetic.*no network/) }),
  });
});

test("spawning the installed Caffe throws, synchronously or not, and however it's named in the command line", () => {
  expect(() => spawn(caffe, ['--version'])).toThrow(/hermetic.*no Caffe/);
  expect(() => spawnSync(caffe, ['--version'])).toThrow(/hermetic.*no Caffe/);
  expect(() => execFileSync('/bin/sh', ['-c', `${caffe} --version`])).toThrow(/hermetic.*no Caffe/);
});

test('other processes still run', async () => {
  const child = spawn(process.execPath, ['-e', 'process.exit(3)']);
  const [code] = await once(child, 'exit');
  expect(code).toBe(3);
  expect(spawnSync(process.execPath, ['-e', 'process.stdout.write("ok")'], { encoding: 'utf8' }).stdout).toBe('ok');
});
