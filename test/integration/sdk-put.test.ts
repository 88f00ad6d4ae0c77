/**
 * The SDK's Node PUT (packages/sdk/src/node/put.ts) against a local HTTP server: a tar of many small
 * files (sent in batches, not a socket write per piece) and a large file arrive byte for byte with
 * the announced Content-Length, progress adds up to the length, and a body shorter than announced
 * fails instead of storing a short object.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { bytesSource, fileSource, folderSource, nodePut, toBlob, type ByteSource } from '@elastic-caffe/sdk/node';

let server: Server;
let url: string;
let received: Array<{ length: string | undefined; body: Buffer }>;
let work: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ length: req.headers['content-length'], body: Buffer.concat(chunks) });
      res.end();
    });
    req.on('error', () => undefined); // an aborted request: the client's side is what is tested
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/object`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(async () => {
  received = [];
  work = await mkdtemp(path.join(os.tmpdir(), 'sdk-put-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

async function sent(source: ByteSource): Promise<{ progress: number }> {
  let progress = 0;
  await nodePut({
    url,
    headers: {},
    body: source.read(0, source.size),
    length: source.size,
    onBytes: (n) => (progress += n),
  });
  return { progress };
}

const whole = async (source: ByteSource) =>
  Buffer.from(await (await toBlob(source.read(0, source.size))).arrayBuffer());

test('a folder of many small files arrives byte for byte, with its Content-Length and all its progress', async () => {
  for (let i = 0; i < 300; i++) {
    await mkdir(path.join(work, 'data', `class-${i % 3}`), { recursive: true });
    await writeFile(path.join(work, 'data', `class-${i % 3}`, `${i}.png`), randomBytes(100 + i));
  }
  const source = await folderSource(path.join(work, 'data'));
  const { progress } = await sent(source);
  expect(received).toHaveLength(1);
  expect(received[0]!.length).toBe(String(source.size));
  expect(received[0]!.body.equals(await whole(source))).toBe(true);
  expect(progress).toBe(source.size);
});

test('a large file arrives byte for byte', async () => {
  const bytes = randomBytes(9 * 1024 * 1024 + 17);
  await writeFile(path.join(work, 'big.bin'), bytes);
  const { progress } = await sent(await fileSource(path.join(work, 'big.bin')));
  expect(received[0]!.body.equals(bytes)).toBe(true);
  expect(progress).toBe(bytes.length);
});

test('a body shorter than the length announced fails the PUT', async () => {
  const source = bytesSource(randomBytes(1000));
  await expect(nodePut({ url, headers: {}, body: source.read(0, 1000), length: 1001 })).rejects.toThrow(
    /1000 bytes, not the 1001 announced/,
  );
});

test("a file's part (a multipart range) arrives as exactly its bytes, piped and as an iterable", async () => {
  const bytes = randomBytes(3 * 1024 * 1024);
  await writeFile(path.join(work, 'parts.bin'), bytes);
  const source = await fileSource(path.join(work, 'parts.bin'));
  const [start, end] = [700_001, 2_500_003];
  await nodePut({ url, headers: {}, body: source.read(start, end), length: end - start });
  expect(received[0]!.body.equals(bytes.subarray(start, end))).toBe(true);
  const iterated = Buffer.from(await (await toBlob(source.read(start, end))).arrayBuffer());
  expect(iterated.equals(bytes.subarray(start, end))).toBe(true);
});

test('a file that shrank after its size was taken fails the PUT instead of sending a short body', async () => {
  await writeFile(path.join(work, 'shrinks.bin'), randomBytes(2 * 1024 * 1024));
  const source = await fileSource(path.join(work, 'shrinks.bin'));
  await writeFile(path.join(work, 'shrinks.bin'), randomBytes(1000));
  await expect(nodePut({ url, headers: {}, body: source.read(0, source.size), length: source.size })).rejects.toThrow(
    /1000 bytes, not the 2097152 announced/,
  );
});
