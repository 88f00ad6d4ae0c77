/**
 * The AWS stand-ins that speak the real wire protocols, each bound to loopback:
 * DynamoDB → dynalite (kept on disk, in this process), S3 → s3rver (kept on disk, in its own process, see
 * local/s3-server.ts), SQS → fauxqs (in its own process, in memory on Node 20: fauxqs 2.x needs Node ≥ 22.5
 * for its sqlite persistence, so after a restart the local runtime re-queues unfinished work from DynamoDB instead).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
// dynalite ships no type declarations; its small surface is typed where used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

/** The S3 notification event s3rver emits for object changes (same shape as S3 sends to Lambda). */
export interface S3NotificationEvent {
  Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }>;
}

export interface Emulators {
  endpoints: { dynamodb: string; s3: string; sqs: string };
  /** The stand-ins' own processes (S3, SQS), e.g. to count their CPU time. */
  processIds: number[];
  onS3Event(listener: (event: S3NotificationEvent) => void): void;
  close(): Promise<void>;
}

const listenOn = async (server: Server): Promise<number> => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
};

/** DynamoDB: dynalite in this process, its tables kept under `dir`. */
async function startDynamodb(dir: string): Promise<{ port: number; close(): Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const server = dynalite({ path: dir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const port = await listenOn(server);
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A stand-in in a process of its own, once it prints {"port": N}; `ipc` opens a channel for its messages. */
async function startChild(what: string, argv: string[], ipc = false): Promise<{ port: number; process: ChildProcess }> {
  const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'inherit', ...(ipc ? ['ipc' as const] : [])] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [
    string | undefined,
  ];
  if (!line) throw new Error(`the local ${what} exited before it was ready`);
  return { port: (JSON.parse(line) as { port: number }).port, process: child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** S3: s3rver in its own process (see local/s3-server.ts), its objects kept under `dir`. */
const startS3 = (dir: string) =>
  startChild('S3 (s3rver)', ['--import', require.resolve('tsx'), path.join(__dirname, 's3-server.ts'), dir], true);

/** SQS: fauxqs in its own process (see local/sqs-server.mjs). */
const startSqs = () => startChild('SQS (fauxqs)', [path.join(__dirname, 'sqs-server.mjs')]);

/** Starts the three emulators with their data under `home`. */
export async function startEmulators(home: string): Promise<Emulators> {
  const dynamodb = await startDynamodb(path.join(home, 'dynamodb'));
  const s3 = await startS3(path.join(home, 's3'));
  const sqs = await startSqs();
  return {
    endpoints: {
      dynamodb: `http://127.0.0.1:${dynamodb.port}`,
      s3: `http://127.0.0.1:${s3.port}`,
      sqs: `http://127.0.0.1:${sqs.port}`,
    },
    processIds: [s3.process.pid!, sqs.process.pid!],
    onS3Event: (listener) => s3.process.on('message', (event) => listener(event as S3NotificationEvent)),
    async close() {
      await Promise.all([stopChild(sqs.process), stopChild(s3.process)]);
      await dynamodb.close();
    },
  };
}
