/**
 * formats/plain-tar.ts reads plain archives exactly as node-tar does (same entries, types, sizes
 * and bytes), and leaves everything else to node-tar by throwing NotPlainTar, after which the
 * stream import lists the archive again with node-tar: extensions still import, unsafe entries are
 * still refused with extraction's words.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { create, list, type ReadEntry } from 'tar';
import type { BuildInput } from '../../container/worker/formats/build';
import { defaultArchiveLimits } from '../../container/worker/formats/limits';
import { NotPlainTar, readPlainTar } from '../../container/worker/formats/plain-tar';
import { buildImagesInStream } from '../../container/worker/formats/stream-images';
import { ensureCaffe, ensureFashionMnist } from '../../local/caffe/install';
import { buildInputFor, splitDatasetRecord } from '../../local/fixtures/dataset-build';
import { craftTar, fashionMnistEntries, ustarHeader, type TarEntry } from '../support/tar-craft';

jest.setTimeout(120_000);

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'plain-tar-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Listed = { path: string; type: string; size: number; sha: string };

const sha = (chunks: Buffer[]) => createHash('sha256').update(Buffer.concat(chunks)).digest('hex');

async function plainListing(file: string): Promise<Listed[]> {
  const listed: Listed[] = [];
  await readPlainTar(file, (entryPath, type, size) => {
    const chunks: Buffer[] = [];
    return {
      data: (chunk) => chunks.push(Buffer.from(chunk)),
      end: () => listed.push({ path: entryPath, type, size, sha: sha(chunks) }),
    };
  });
  return listed;
}

async function nodeTarListing(file: string): Promise<Listed[]> {
  const listed: Listed[] = [];
  await list({
    file,
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => listed.push({ path: entry.path, type: entry.type, size: entry.size, sha: sha(chunks) }));
    },
  });
  return listed;
}

function write(name: string, bytes: Buffer): string {
  const file = path.join(work, name);
  writeFileSync(file, bytes);
  return file;
}

/** Files of every size class: empty, under a block, exactly a block, and spanning several 256 KiB read chunks. */
const plainEntries: TarEntry[] = [
  { path: 'labels/', type: 'directory' },
  { path: 'labels/a/empty.png', data: Buffer.alloc(0) },
  { path: 'labels/a/small.png', data: 'x'.repeat(100) },
  { path: 'labels/a/block.png', data: Buffer.alloc(512, 7) },
  { path: 'labels/b/big.bin', data: Buffer.from(Array.from({ length: 1_300_000 }, (_, i) => (i * 7919) % 251)) },
  { path: 'labels/b/after-big.png', data: 'y'.repeat(513) },
];

describe('readPlainTar', () => {
  it.each([
    ['a hand-made ustar archive, gzipped', () => write('crafted.tar.gz', craftTar(plainEntries, { gzip: true }))],
    ['the same, not compressed', () => write('crafted.tar', craftTar(plainEntries))],
    [
      'an archive GNU tar wrote (GNU magic, its own padding)',
      () => {
        const root = path.join(work, 'gnu-src');
        mkdirSync(path.join(root, 'one'), { recursive: true });
        mkdirSync(path.join(root, 'two'), { recursive: true });
        writeFileSync(path.join(root, 'one', '1.png'), 'first');
        writeFileSync(path.join(root, 'two', '2.png'), Buffer.alloc(70_000, 3));
        const file = path.join(work, 'gnu.tar.gz');
        const result = spawnSync('tar', ['--format=gnu', '-czf', file, '-C', root, 'one', 'two']);
        if (result.status !== 0) throw new Error(`tar failed: ${result.stderr}`);
        return file;
      },
    ],
  ])('lists %s exactly as node-tar does', async (_, make) => {
    const file = make();
    const plain = await plainListing(file);
    expect(plain.length).toBeGreaterThan(2);
    expect(plain).toEqual(await nodeTarListing(file));
  });

  it('lists an archive node-tar wrote with short names as node-tar reads it', async () => {
    const root = path.join(work, 'node-tar-src');
    mkdirSync(path.join(root, 'c'), { recursive: true });
    writeFileSync(path.join(root, 'c', '3.png'), 'third');
    const file = path.join(work, 'node-tar.tgz');
    await create({ gzip: true, file, cwd: root, portable: true }, ['c']);
    expect(await plainListing(file)).toEqual(await nodeTarListing(file));
  });

  const longName = `deep/${'d'.repeat(120)}.png`;
  it.each<[string, () => Promise<Buffer> | Buffer]>([
    [
      'a pax header (a name over 100 bytes)',
      async () => {
        const root = path.join(work, 'pax-src');
        mkdirSync(path.join(root, 'deep'), { recursive: true });
        writeFileSync(path.join(root, longName), 'long');
        const file = path.join(work, 'pax.tar');
        await create({ file, cwd: root, portable: true }, [longName]);
        return readFileSync(file);
      },
    ],
    ['a symbolic link', () => craftTar([{ path: 'a/link.png', type: 'symlink', target: '/etc/passwd' }])],
    ['a hard link', () => craftTar([{ path: 'a/link.png', type: 'hardlink', target: 'a/b.png' }])],
    ['a non-ASCII name', () => craftTar([{ path: 'ä/1.png', data: 'x' }])],
    [
      'a bad header checksum',
      () => {
        const tar = craftTar([{ path: 'a/1.png', data: 'x' }]);
        tar[0] = 'b'.charCodeAt(0);
        return tar;
      },
    ],
    [
      'an entry hidden after a lone zero block',
      () =>
        Buffer.concat([
          ustarHeader({ path: 'a/1.png', data: '' }, 0),
          Buffer.alloc(512),
          ustarHeader({ path: 'a/2.png', data: '' }, 0),
          Buffer.alloc(1024),
        ]),
    ],
    ['a truncated archive', () => craftTar([{ path: 'a/1.png', data: 'x'.repeat(2000) }]).subarray(0, 1024)],
    [
      'a truncated gzip stream',
      () => gzipSync(craftTar([{ path: 'a/1.png', data: 'x'.repeat(20_000) }])).subarray(0, 40),
    ],
    ['something that is not an archive', () => Buffer.from('hello, this is not a tar at all\n'.repeat(40))],
  ])('leaves %s to node-tar', async (name, make) => {
    const file = write(`odd-${name.replace(/\W+/g, '-')}.tar`, await make());
    await expect(plainListing(file)).rejects.toBeInstanceOf(NotPlainTar);
  });
});

/** The image entries under a 110-character folder, archived by node-tar: it writes pax headers for them. */
async function paxImageArchive(name: string, entries: TarEntry[]): Promise<string> {
  const root = path.join(work, `${name}-src`);
  const folder = `${'long-'.repeat(22)}root`;
  for (const entry of entries) {
    if (!('data' in entry)) continue;
    mkdirSync(path.join(root, folder, path.dirname(entry.path)), { recursive: true });
    writeFileSync(path.join(root, folder, entry.path), entry.data);
  }
  const archive = path.join(work, `${name}.tar.gz`);
  await create({ gzip: true, file: archive, cwd: root, portable: true }, [folder]);
  return archive;
}

describe('the stream import on archives the plain reader leaves to node-tar', () => {
  const input = (name: string): BuildInput => {
    const workDir = path.join(work, `build-${name}`);
    mkdirSync(workDir, { recursive: true });
    return buildInputFor(workDir, prefix, splitDatasetRecord(), 1);
  };
  let prefix: string;
  beforeAll(async () => {
    prefix = await ensureCaffe();
  });

  it('still builds in the stream from a pax archive (a long folder name), with every image', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 40);
    const archive = await paxImageArchive('pax-images', entries);
    await expect(plainListing(archive)).rejects.toBeInstanceOf(NotPlainTar);

    const source = { archive, label: 'datafile df' };
    const built = await buildImagesInStream(
      input('pax'),
      { training: source, testing: source },
      defaultArchiveLimits(),
    );
    expect(built).toBeDefined();
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);
    const { training, testing } = built!.counts!;
    expect(total(training) + total(testing)).toBe(entries.filter((entry) => 'data' in entry).length);
  });

  it.each([
    ['plain', false],
    ['pax (listed by node-tar)', true],
  ])('stops a %s archive at the entry limit with a message, not a crash', async (_, pax) => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 6);
    const archive = pax
      ? await paxImageArchive('many-pax', entries)
      : write('many-plain.tar.gz', craftTar(entries, { gzip: true }));
    const source = { archive, label: 'datafile df' };
    await expect(
      buildImagesInStream(
        input(`many-${pax}`),
        { training: source, testing: source },
        { ...defaultArchiveLimits(), maxEntries: 4 },
      ),
    ).rejects.toThrow(/^datafile df has more than 4 entries \(the limit\)/);
  });

  it('refuses a symbolic link found by node-tar with the words extraction uses', async () => {
    const { entries } = await fashionMnistEntries(await ensureFashionMnist(), 10);
    const archive = write(
      'link-images.tar.gz',
      craftTar([...entries, { path: 'x/evil.png', type: 'symlink', target: '/etc/passwd' }], { gzip: true }),
    );
    const source = { archive, label: 'datafile df' };
    await expect(
      buildImagesInStream(input('link'), { training: source, testing: source }, defaultArchiveLimits()),
    ).rejects.toThrow('entry "x/evil.png" is a symbolic link, not a regular file or folder');
  });
});
