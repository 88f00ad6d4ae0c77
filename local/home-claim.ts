/**
 * One local system per home: the dynalite and s3rver files under it cannot be shared, so a second
 * `npm start` must stop before it touches them and say where the first one answers.
 *
 * The claim is a file created exclusively (`<home>/local-system.json`) naming the process and,
 * once it listens, its URL. A claim whose process is gone (a crash, a kill -9) is taken over.
 */
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export interface HomeOwner {
  pid: number;
  /** Set once the system answers. */
  url?: string;
  startedAt: string;
}

/** Another live process runs a local system on this home. */
export class HomeInUseError extends Error {
  constructor(
    readonly home: string,
    readonly owner: HomeOwner,
  ) {
    super(
      owner.url
        ? `Elastic Caffe already runs from ${home}: ${owner.url} (process ${owner.pid}). ` +
            `Use it, or stop it first (Ctrl-C in its terminal, or kill ${owner.pid}).`
        : `Elastic Caffe is already starting from ${home} (process ${owner.pid}). ` +
            `Wait for it, or stop it first (kill ${owner.pid}).`,
    );
    this.name = 'HomeInUseError';
  }
}

export interface HomeClaim {
  /** Records the URL the system answers at, for the message a second start prints. */
  publish(url: string): Promise<void>;
  release(): Promise<void>;
}

const claimFile = (home: string) => path.join(home, 'local-system.json');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

async function readOwner(file: string): Promise<HomeOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as HomeOwner;
    return Number.isInteger(owner.pid) ? owner : undefined;
  } catch {
    return undefined; // gone, or half-written by a process that died mid-write
  }
}

/** Claims `home` for this process, or throws HomeInUseError naming the process that has it. */
export async function claimHome(home: string): Promise<HomeClaim> {
  const file = claimFile(home);
  const owner: HomeOwner = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const current = await readOwner(file);
      if (current && isAlive(current.pid)) throw new HomeInUseError(home, current);
      if (attempt > 0) throw new Error(`cannot claim ${home}: ${file} keeps reappearing`);
      await rm(file, { force: true }); // a stale claim: its process is gone
    }
  }
  return {
    publish: (url) => writeFile(file, JSON.stringify({ ...owner, url })),
    release: () => rm(file, { force: true }),
  };
}
