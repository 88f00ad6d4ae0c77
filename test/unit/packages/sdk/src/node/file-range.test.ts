/**
 * A file's range as an upload body (packages/sdk/src/node/file-range.ts): sent from two reused
 * buffers, it arrives byte for byte with no buffer read into again before its write completed;
 * a file that shrank gives a short count (nodePut refuses it); a destination destroyed mid-send
 * stops it (no more than the two buffers read); iterated, it yields the same bytes and refuses a
 * file that shrank. Its buffers sit at the file position's offset within a page of page-aligned
 * memory, where the kernel's copy into them is not slowed by 4K aliasing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { alignedLike, FileRange, sendFileRange } from '@elastic-caffe/sdk/node/file-range';

let work: string;
beforeEach(async () => (work = await mkdtemp(path.join(os.tmpdir(), 'sdk-file-range-'))));
afterEach(() => rm(work, { recursive: true, force: true }));

async function fileOf(bytes: Buffer): Promise<string> {
  const file = path.join(work, 'data.bin');
  await writeFile(file, bytes);
  return file;
}

/** A destination that completes each write a little later, keeping what it got as it was at write time. */
function slowDestination() {
  const received: Buffer[] = [];
  const atCallback: Buffer[] = [];
  let maxOutstanding = 0;
  const out: Writable = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, done) {
      received.push(Buffer.from(chunk));
      // A write ends once the sender has queued the next one behind it (or after a second, if it never does):
      // waiting on the sender, not on a clock, keeps the check true on a busy machine.
      const deadline = Date.now() + 1000;
      const finish = () => {
        if (out.writableLength <= chunk.length && !out.writableEnded && Date.now() < deadline) {
          setTimeout(finish, 1);
          return;
        }
        atCallback.push(Buffer.from(chunk));
        maxOutstanding = Math.max(maxOutstanding, out.writableLength); // this write's bytes and those behind it
        done();
      };
      setTimeout(finish, 1);
    },
  });
  return { out, received, atCallback, maxOutstanding: () => maxOutstanding };
}

test('a range larger than its buffers arrives byte for byte, no buffer refilled before its write ended', async () => {
  const bytes = randomBytes(11 * 1024 * 1024 + 17);
  const file = await fileOf(bytes);
  const [start, end] = [300_001, bytes.length - 5];
  const destination = slowDestination();
  let progress = 0;

  const sent = await sendFileRange(new FileRange(file, start, end), destination.out, (n) => (progress += n));
  const endedBySend = destination.out.writableEnded; // the caller ends it once the length is checked
  await new Promise((resolve) => destination.out.end(resolve)); // the last writes complete

  expect(endedBySend).toBe(false);
  expect(sent).toBe(end - start);
  expect(progress).toBe(end - start);
  expect(Buffer.concat(destination.received).equals(bytes.subarray(start, end))).toBe(true);
  expect(Buffer.concat(destination.atCallback).equals(bytes.subarray(start, end))).toBe(true);
  expect(destination.maxOutstanding()).toBeGreaterThan(4 * 1024 * 1024); // both buffers were out at once
  expect(destination.maxOutstanding()).toBeLessThanOrEqual(2 * 4 * 1024 * 1024); // never more
});

test("a send buffer has the file position's offset within a page of page-aligned memory", () => {
  for (const [position, bytes] of [
    [0, 4 * 1024 * 1024],
    [300_001, 4 * 1024 * 1024],
    [64 * 1024 * 1024 + 4095, 17],
    [8192, 0],
  ] as const) {
    const buffer = alignedLike(position, bytes);
    expect(buffer.length).toBe(bytes);
    expect(buffer.byteOffset).toBe(position % 4096);
    expect(buffer.buffer.byteLength % 65536).toBe(0); // WebAssembly memory: mapped in whole pages, page-aligned
    expect(buffer.buffer.byteLength).toBeGreaterThanOrEqual(buffer.byteOffset + bytes);
  }
  const [one, two] = [alignedLike(0, 16), alignedLike(0, 16)];
  one.fill(1);
  expect(two.every((byte) => byte === 0)).toBe(true); // each call has memory of its own
});

test('a file that shrank gives the bytes it still has, for the caller to refuse', async () => {
  const file = await fileOf(randomBytes(1000));
  const destination = slowDestination();

  const sent = await sendFileRange(new FileRange(file, 0, 5 * 1024 * 1024), destination.out);

  expect(sent).toBe(1000);
});

test('a destination destroyed mid-send, its writes never completing, stops the send', async () => {
  const file = await fileOf(randomBytes(20 * 1024 * 1024));
  let writes = 0;
  const out: Writable = new Writable({
    highWaterMark: 1,
    write() {
      // Never calls back: the socket is stuck. It goes away a little later, when both buffers are out.
      if (++writes === 1) setTimeout(() => out.destroy(), 100);
    },
  });

  const sent = await sendFileRange(new FileRange(file, 0, 20 * 1024 * 1024), out);

  expect(writes).toBe(1);
  expect(sent).toBeGreaterThan(0);
  expect(sent).toBeLessThanOrEqual(2 * 4 * 1024 * 1024);
});

test('iterated, a range yields its bytes, and a file that shrank is an error', async () => {
  const bytes = randomBytes(5 * 1024 * 1024 + 3);
  const file = await fileOf(bytes);
  const chunks: Uint8Array[] = [];
  for await (const chunk of new FileRange(file, 7, bytes.length)) chunks.push(chunk);
  expect(Buffer.concat(chunks).equals(bytes.subarray(7))).toBe(true);

  await writeFile(file, randomBytes(10));
  const drain = async () => {
    for await (const _ of new FileRange(file, 0, bytes.length));
  };
  await expect(drain()).rejects.toThrow(/changed while it was being uploaded/);
});
