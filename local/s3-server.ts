/**
 * The local S3, run as its own process: s3rver with what it lacks added (multipart listing, tagging on
 * upload, atomic puts), its objects under the directory given as the first argument.
 *
 * Why a process of its own: a PUT of 1 GiB costs s3rver about 4 CPU-seconds (MD5 for the ETag, the
 * HTTP parser's Buffer per 64 KiB, the file writes). In the local cloud's process it also blocked the
 * handlers' event loop for that long, and its Buffers drove V8 into marking that process's whole heap
 * (all the handlers' modules, ~40 MB) dozens of times per GiB in some runs: 8–9 CPU-seconds per GiB
 * instead of 4–5 (docs/BENCHMARKS.md, "4K aliasing, the PUT alone, and the local S3 in its own process").
 *
 * Prints {"port": N} on stdout once it listens; sends each S3 notification event to the parent over
 * IPC; stops on SIGTERM/SIGINT and when the parent goes away (its IPC channel closes).
 */
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { makePutsAtomic, type AtomicPutStore } from './s3-atomic-put';
import { addMultipartListing, type S3rverInternals } from './s3-multipart';
import { addUploadTagging } from './s3-tagging';
// s3rver ships no type declarations; its small surface is typed here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: unknown) => void): void;
}

async function main(directory: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    directory,
    silent: true,
    allowMismatchedSignatures: true,
  });
  addMultipartListing(server as unknown as S3rverInternals);
  addUploadTagging(server as unknown as S3rverInternals);
  makePutsAtomic(server as unknown as { store: AtomicPutStore });
  server.on('event', (event) => process.send?.(event));
  const { port } = await server.run();
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('disconnect', stop);
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

const directory = process.argv[2];
if (!directory || !process.send) {
  process.stderr.write('usage: started by local/emulators.ts with an IPC channel: s3-server.ts DIRECTORY\n');
  process.exit(2);
}
main(directory).catch((error: unknown) => {
  process.stderr.write(`the local S3 (s3rver) did not start: ${String(error)}\n`);
  process.exit(1);
});
