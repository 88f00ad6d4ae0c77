/**
 * The AWS stand-ins that speak the real wire protocols, each bound to loopback:
 * DynamoDB → dynalite (kept on disk), S3 → s3rver (kept on disk), SQS → fauxqs (in memory on
 * Node 20: fauxqs 2.x needs Node ≥ 22.5 for its sqlite persistence, so after a restart the local
 * runtime re-queues unfinished work from DynamoDB instead).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo, Server } from 'node:net';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { makePutsAtomic, type AtomicPutStore } from './s3-atomic-put';
import { addMultipartListing, type S3rverInternals } from './s3-multipart';
import { addUploadTagging } from './s3-tagging';
// dynalite and s3rver ship no type declarations; their small surfaces are typed where used.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require('dynalite') as (options: {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3NotificationEvent) => void): void;
}

/** The S3 notification event s3rver emits for object changes (same shape as S3 sends to Lambda). */
export interface S3NotificationEvent {
  Records: Array<{ eventName: string; s3: { bucket: { name: string }; object: { key: string; size: number } } }>;
}

export interface Emulators {
  endpoints: { dynamodb: string; s3: string; sqs: string };
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

/**
 * S3: s3rver in this process, its objects kept under `dir`, with what it lacks added (multipart listing, tagging on
 * upload, atomic puts).
 */
async function startS3(dir: string): Promise<{ port: number; server: S3rverInstance }> {
  await mkdir(dir, { recursive: true });
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory: dir,
    silent: true,
    allowMismatchedSignatures: true,
  });
  addMultipartListing(server as unknown as S3rverInternals);
  addUploadTagging(server as unknown as S3rverInternals);
  makePutsAtomic(server as unknown as { store: AtomicPutStore });
  const { port } = await server.run();
  return { port, server };
}

/** SQS: fauxqs in its own process (see local/sqs-server.mjs), once it listens. */
async function startSqs(): Promise<{ port: number; process: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'sqs-server.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => [undefined])])) as [
    string | undefined,
  ];
  if (!line) throw new Error('the local SQS (fauxqs) exited before it was ready');
  return { port: (JSON.parse(line) as { port: number }).port, process: child };
}

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
    onS3Event: (listener) => s3.server.on('event', listener),
    async close() {
      sqs.process.kill('SIGTERM');
      if (sqs.process.exitCode === null) await once(sqs.process, 'exit');
      await s3.server.close();
      await dynamodb.close();
    },
  };
}
