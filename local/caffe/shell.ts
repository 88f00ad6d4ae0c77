/** Running the host's tools (apt-get, dpkg-deb, the prefix's own loader) for the installer. */
import { spawn } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

/** Runs a command to completion; resolves with stdout+stderr, rejects with their tail on failure. */
export function run(
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

export async function requireCommand(name: string): Promise<void> {
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
    `Installing Caffe locally needs apt-get and dpkg-deb, i.e. a Debian or Ubuntu machine, ` +
      `but "${name}" is not on PATH. ` +
      'Run on Debian/Ubuntu (a container is fine), or set CAFFE_PREFIX to an existing Caffe prefix.',
  );
}

export async function exists(p: string): Promise<boolean> {
  return fsp.access(p).then(
    () => true,
    () => false,
  );
}
