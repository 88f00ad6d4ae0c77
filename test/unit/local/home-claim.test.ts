/** local/home-claim.ts: one local system per home, and a stale claim never locks a home forever. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimHome, HomeInUseError } from '../../../local/home-claim';

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'home-claim-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

/** A process id that is certainly not running: one that just exited. */
const deadPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

it('a second claim while the first holds names the process and, once published, the URL', async () => {
  const first = await claimHome(home);
  await expect(claimHome(home)).rejects.toThrow(
    `Elastic Caffe is already starting from ${home} (process ${process.pid})`,
  );
  await first.publish('http://127.0.0.1:3000');
  const error = await claimHome(home).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HomeInUseError);
  expect((error as Error).message).toBe(
    `Elastic Caffe already runs from ${home}: http://127.0.0.1:3000 (process ${process.pid}). ` +
      `Use it, or stop it first (Ctrl-C in its terminal, or kill ${process.pid}).`,
  );
});

it('a released home can be claimed again', async () => {
  await (await claimHome(home)).release();
  await expect(claimHome(home)).resolves.toBeDefined();
});

it('a claim left by a process that is gone is taken over', async () => {
  const file = path.join(home, 'local-system.json');
  await writeFile(
    file,
    JSON.stringify({ pid: deadPid(), url: 'http://127.0.0.1:1', startedAt: '2026-01-01T00:00:00Z' }),
  );
  await claimHome(home);
  expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ pid: process.pid });
});

it('a half-written claim file is taken over', async () => {
  await writeFile(path.join(home, 'local-system.json'), '{"pid": 12');
  await expect(claimHome(home)).resolves.toBeDefined();
});
