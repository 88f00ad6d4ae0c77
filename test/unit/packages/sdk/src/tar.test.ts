/**
 * The SDK's on-the-fly tar (packages/sdk/src/tar.ts, node/sources.ts): node-tar reads it back file
 * for file, its size is known before any byte is read, any byte range equals the same range of the
 * whole, and the same folder always gives the same bytes.
 */
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { folderSource, streamSource, tarSource, toBlob, type ByteSource } from '@elastic-caffe/sdk/node';

let work: string;
beforeEach(async () => (work = await mkdtemp(path.join(os.tmpdir(), 'sdk-tar-'))));
afterEach(() => rm(work, { recursive: true, force: true }));

const bytesOf = async (source: ByteSource, start = 0, end = source.size) =>
  Buffer.from(await (await toBlob(source.read(start, end))).arrayBuffer());

/** Every entry node-tar finds: path, type and content. */
async function entries(archive: Buffer): Promise<Array<{ path: string; type: string; body: Buffer }>> {
  const found: Array<{ path: string; type: string; body: Buffer }> = [];
  const parser = new Parser({ strict: true });
  parser.on('entry', (entry: ReadEntry) => {
    const chunks: Buffer[] = [];
    entry.on('data', (c: Buffer) => chunks.push(c));
    entry.on('end', () => found.push({ path: entry.path, type: entry.type, body: Buffer.concat(chunks) }));
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('error', reject);
    parser.on('end', resolve);
    parser.end(archive);
  });
  return found;
}

async function writeTree(files: Record<string, Buffer>): Promise<void> {
  for (const [name, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, 'data', name)), { recursive: true });
    await writeFile(path.join(work, 'data', name), body);
  }
}

test(
  'a folder of class sub-folders packs to a ustar archive ' + 'node-tar reads back exactly, hidden files left out',
  async () => {
    const files = {
      'cat/1.png': randomBytes(700),
      'cat/2.png': randomBytes(512),
      'dog/a b.png': randomBytes(0),
      'dog/deep/x.png': randomBytes(1500),
    };
    await writeTree({ ...files, '.DS_Store': Buffer.from('x'), 'cat/.hidden.png': Buffer.from('y') });

    const source = await folderSource(path.join(work, 'data'));
    const archive = await bytesOf(source);

    expect(archive.length).toBe(source.size);
    expect(source.size % 512).toBe(0);
    const found = await entries(archive);
    expect(found.filter((e) => e.type === 'File').map((e) => [e.path, e.body.toString('hex')])).toEqual(
      Object.entries(files)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, body]) => [name, body.toString('hex')]),
    );
    expect(found.filter((e) => e.type === 'Directory').map((e) => e.path)).toEqual(['cat/', 'dog/', 'dog/deep/']);
  },
);

test('any byte range equals the same range of the whole archive', async () => {
  // Small files are read in one call, files above 1 MiB streamed: both paths are in the archive.
  const large = 5 * 1024 * 1024 + 3;
  await writeTree({
    'a/1.bin': randomBytes(1000),
    'a/2.bin': randomBytes(4096),
    'b/3.bin': randomBytes(1),
    'c/big.bin': randomBytes(large),
  });
  const source = await folderSource(path.join(work, 'data'));
  const whole = await bytesOf(source);
  const cuts = [
    [0, 1],
    [0, 512],
    [100, 1700],
    [511, 513],
    [1024, 5000],
    [source.size - 1030, source.size],
    [3000, 3000],
    [6000, 6000 + large], // the large file from a little after its start, across its end
  ];
  for (const [start, end] of cuts)
    expect((await bytesOf(source, start, end)).equals(whole.subarray(start, end))).toBe(true);
});

test("the same folder always gives the same bytes, whatever the files' times", async () => {
  await writeTree({ 'x/1.png': randomBytes(300) });
  const first = await bytesOf(await folderSource(path.join(work, 'data')));
  await utimes(path.join(work, 'data', 'x', '1.png'), new Date(2001, 1, 1), new Date(2001, 1, 1));
  expect((await bytesOf(await folderSource(path.join(work, 'data')))).equals(first)).toBe(true);
});

test('long paths use the ustar prefix; a name too long for ustar is refused before any byte is sent', async () => {
  const long = `${'d'.repeat(90)}/${'e'.repeat(90)}.png`;
  const ok = tarSource([{ path: long, size: 3, read: () => new Blob(['abc']) }]);
  expect((await entries(await bytesOf(ok))).map((e) => [e.path, e.body.toString()])).toEqual([
    [`${'d'.repeat(90)}/`, ''],
    [long, 'abc'],
  ]);
  expect(() => tarSource([{ path: `x/${'n'.repeat(101)}`, size: 0, read: () => new Blob([]) }])).toThrow(
    /too long for a plain tar/,
  );
});

test.each([
  ['small (read in one call)', 2000],
  ['large (streamed)', 3 * 1024 * 1024],
])('a %s file that shrinks while it is read fails the read instead of sending a short archive', async (_, size) => {
  await writeTree({ 'a/1.bin': randomBytes(size) });
  const source = await folderSource(path.join(work, 'data'));
  await writeFile(path.join(work, 'data', 'a', '1.bin'), randomBytes(10));
  await expect(bytesOf(source)).rejects.toThrow(/changed while it was being uploaded/);
});

test('a stream source hands out its parts in order and the same part again for a retry', async () => {
  const data = randomBytes(10_000);
  const source = streamSource(Readable.from([data.subarray(0, 3000), data.subarray(3000)]), data.length);
  expect((await bytesOf(source, 0, 4000)).equals(data.subarray(0, 4000))).toBe(true);
  expect((await bytesOf(source, 0, 4000)).equals(data.subarray(0, 4000))).toBe(true);
  expect((await bytesOf(source, 4000, 10_000)).equals(data.subarray(4000))).toBe(true);
  await expect(bytesOf(source, 0, 10)).rejects.toThrow(/read in order/);
});

test('files read ahead of the tar arrive in order and whole; a part read again gives the same bytes', async () => {
  // More small files than are read ahead, with a large and an empty one among them.
  const files: Record<string, Buffer> = {};
  for (let i = 0; i < 60; i++) files[`c${i % 4}/${String(i).padStart(3, '0')}.png`] = randomBytes(i * 37);
  files['c1/zz-large.bin'] = randomBytes(2 * 1024 * 1024 + 5);
  await writeTree(files);
  const source = await folderSource(path.join(work, 'data'));
  const whole = await bytesOf(source);
  const found = await entries(whole);
  expect(found.filter((e) => e.type === 'File').map((e) => [e.path, e.body.toString('hex')])).toEqual(
    Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, body]) => [name, body.toString('hex')]),
  );
  // A retried or resumed part starts in the middle, out of the order the files were read ahead in.
  for (const [start, end] of [
    [whole.length / 2, whole.length],
    [1024, 40_000],
    [0, whole.length],
  ] as const)
    expect((await bytesOf(source, start, end)).equals(whole.subarray(start, end))).toBe(true);
});
