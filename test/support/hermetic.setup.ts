/**
 * The unit tier is hermetic: no network, no emulators, no Caffe. In each unit test file, opening a socket or spawning
 * anything from the installed Caffe (its prefixes, the data set, the download cache) throws, so a test that reaches
 * for them fails here instead of passing only on a machine that has them; such a test belongs in test/integration/.
 * Everything is restored after the file, because Jest's workers are shared by the projects of one run.
 */
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { cacheDir, localHome } from '../../local/caffe/paths';

// The module object itself (an `import * as` namespace is a copy), so the patched functions are the ones callers get.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('node:child_process') as typeof import('node:child_process');
/** What ChildProcess#spawn (internal, untyped) is given: the command and its whole argv. */
type ProcessSpawn = (this: ChildProcess, options: SpawnOptions & { file: string; args?: string[] }) => void;
const processes = childProcess.ChildProcess.prototype as unknown as { spawn: ProcessSpawn };

const refuse = (what: string): never => {
  throw new Error(
    `unit tests are hermetic (test/support/hermetic.setup.ts): ${what}; move the test to test/integration/`,
  );
};

const installed = [localHome(), cacheDir(), process.env.CAFFE_PREFIX, process.env.PYCAFFE_PREFIX]
  .filter((dir): dir is string => !!dir)
  .map((dir) => path.resolve(dir));
/** Whether a command line names anything of the installed Caffe (a path under one of its directories). */
const touchesCaffe = (words: readonly unknown[]) =>
  words.some(
    (word) => typeof word === 'string' && installed.some((dir) => word === dir || word.includes(`${dir}${path.sep}`)),
  );
const checkSpawn = (words: readonly unknown[]) => {
  if (touchesCaffe(words)) refuse(`no Caffe (${words.filter((word) => typeof word === 'string').join(' ')})`);
};

const socketConnect = net.Socket.prototype.connect;
const processSpawn = processes.spawn;
const { spawnSync, execFileSync, execSync } = childProcess;
const syncSpawns = { spawnSync, execFileSync, execSync };

net.Socket.prototype.connect = function connect(...args: unknown[]) {
  return refuse(`no network (a connection to ${JSON.stringify(args[0])})`);
} as typeof socketConnect;
// Every asynchronous spawn (spawn, execFile, exec, fork) goes through ChildProcess#spawn; the synchronous ones don't.
processes.spawn = function spawn(options) {
  checkSpawn([options.file, ...(options.args ?? [])]);
  return processSpawn.call(this, options);
};
for (const name of Object.keys(syncSpawns) as (keyof typeof syncSpawns)[]) {
  const original = syncSpawns[name] as (...args: unknown[]) => unknown;
  Object.assign(childProcess, {
    [name]: (...args: unknown[]) => {
      checkSpawn(args.flatMap((arg) => (Array.isArray(arg) ? arg : [arg])));
      return original(...args);
    },
  });
}

afterAll(() => {
  net.Socket.prototype.connect = socketConnect;
  processes.spawn = processSpawn;
  Object.assign(childProcess, syncSpawns);
});
