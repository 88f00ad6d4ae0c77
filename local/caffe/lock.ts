/** A lock directory that serialises concurrent installers (the tests' global setup, `npm start` ...). */
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export function lockPathFor(target: string): string {
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

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
