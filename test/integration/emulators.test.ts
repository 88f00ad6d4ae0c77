/**
 * The stand-ins that run as processes of their own (local/emulators.ts: S3 in local/s3-server.ts, SQS in
 * local/sqs-server.mjs): S3's notifications reach the parent, `close()` stops them, and they do not outlive
 * a parent that is killed outright (no orphans holding ports and the home's files).
 */
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { startEmulators, type S3NotificationEvent } from '../../local/emulators';

jest.setTimeout(120_000);

let home: string;
beforeEach(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'emulators-'));
});
afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls until none of `pids` runs; false if some still do after `limitMs` (a hang guard, not a speed check). */
async function allExit(pids: number[], limitMs = 30_000): Promise<boolean> {
  for (const deadline = Date.now() + limitMs; Date.now() < deadline; )
    if (pids.some(isRunning)) await new Promise((resolve) => setTimeout(resolve, 100));
    else return true;
  return !pids.some(isRunning);
}

test("an object's creation reaches the parent as S3's notification, and close() stops the processes", async () => {
  const emulators = await startEmulators(home);
  const { processIds } = emulators;
  expect(processIds).toHaveLength(2);
  expect(processIds.every(isRunning)).toBe(true);
  const s3 = new S3Client({
    endpoint: emulators.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const events: S3NotificationEvent[] = [];
    const created = new Promise<void>((resolve) =>
      emulators.onS3Event((event) => {
        events.push(event);
        if (event.Records.some((r) => r.eventName.startsWith('ObjectCreated'))) resolve();
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: 'events' }));
    await s3.send(new PutObjectCommand({ Bucket: 'events', Key: 'a/b.txt', Body: 'twelve bytes' }));
    await created;
    const record = events.flatMap((e) => e.Records).find((r) => r.eventName.startsWith('ObjectCreated'));
    expect(record?.s3).toMatchObject({ bucket: { name: 'events' }, object: { key: 'a/b.txt', size: 12 } });
  } finally {
    s3.destroy();
    await emulators.close();
  }
  expect(processIds.some(isRunning)).toBe(false);
});

test('the S3 and SQS processes exit when the process that started them is killed (SIGKILL)', async () => {
  const script = path.join(home, 'start.ts');
  const emulatorsModule = path.resolve(__dirname, '../../local/emulators');
  await writeFile(
    script,
    `import { startEmulators } from ${JSON.stringify(emulatorsModule)};
startEmulators(${JSON.stringify(path.join(home, 'data'))}).then((e) => console.log(JSON.stringify(e.processIds)));
setInterval(() => {}, 1000);\n`,
  );
  const parent = spawn(process.execPath, ['--import', require.resolve('tsx'), script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: parent.stdout! }), 'line')) as [string];
  const processIds = JSON.parse(line) as number[];
  expect(processIds).toHaveLength(2);
  expect(processIds.every(isRunning)).toBe(true);
  const exited = once(parent, 'exit');
  parent.kill('SIGKILL');
  await exited;
  const gone = await allExit(processIds);
  for (const pid of processIds.filter(isRunning)) process.kill(pid, 'SIGKILL'); // a failed run leaves no orphans
  expect(gone).toBe(true);
});
