/**
 * Archive hygiene and format reading without a cloud: the entry guard's rules, zip and tar
 * extraction (including hostile entries and decompression bombs with small limits), IDX pairs,
 * image decode checks and the mean image's BlobProto shape.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractArchive } from '../../../../../container/worker/archive';
import { collisionKey, EntryGuard } from '../../../../../container/worker/formats/entry-guard';
import { detectFormat } from '../../../../../container/worker/formats/detect';
import { idxByLabel, readIdx, writeIdxSubset } from '../../../../../container/worker/formats/idx';
import type { ArchiveLimits } from '../../../../../container/worker/formats/limits';
import { imageInfo, imageProblem } from '../../../../../container/worker/image-info';
import { greyPng } from '../../../../../local/fixtures/fashion-mnist';
import { craftTar, craftZip } from '../../../../support/tar-craft';

const roomy: ArchiveLimits = {
  maxEntries: 1000,
  maxUncompressedBytes: 1 << 30,
  maxCompressionRatio: 100,
  ratioFloorBytes: 1 << 20,
};
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'formats-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const png = greyPng(Buffer.alloc(16, 128), 4, 4);
/** Writes `data` as an archive file and extracts it into dir/out. */
async function extract(data: Buffer, limits = roomy) {
  const file = path.join(dir, 'upload');
  writeFileSync(file, data);
  return extractArchive(file, path.join(dir, 'out'), 'the datafile', limits);
}

describe('collisionKey', () => {
  it.each([
    ['a/./b.png', 'a/b.png'],
    ['a//b.png', 'a/b.png'],
    ['A/B.PNG', 'a/b.png'],
    ['a/b/', 'a/b'],
    ['./a', 'a'],
    ['caf\u0065\u0301/x.png', 'caf\u00e9/x.png'],
  ])('%s collides with %s', (a, b) => expect(collisionKey(a)).toBe(collisionKey(b)));
});

describe('EntryGuard', () => {
  it('refuses a file named twice (case or dot spelling) and names both', () => {
    const guard = new EntryGuard(roomy, 100, 'the datafile');
    expect(guard.admit('cat/a.png', 'file')).toBe(true);
    expect(guard.admit('cat/./A.png', 'file')).toBe(false);
    expect(guard.admit('cat/', 'directory')).toBe(true);
    expect(guard.admit('cat', 'directory')).toBe(true);
    expect(() => guard.rejectIfProblems()).toThrow(
      'entry "cat/./A.png" has the same name as "cat/a.png" once extracted',
    );
  });

  it('stops at the entry count limit, naming the entry', () => {
    const guard = new EntryGuard({ ...roomy, maxEntries: 2 }, 100, 'the datafile');
    guard.admit('a/1.png', 'file');
    guard.admit('a/2.png', 'file');
    expect(() => guard.admit('a/3.png', 'file')).toThrow(
      'the datafile has more than 2 entries (the limit); "a/3.png" is one too many',
    );
  });

  it('stops once the bytes produced pass the total or the ratio', () => {
    const total = new EntryGuard({ ...roomy, maxUncompressedBytes: 1000 }, 1_000_000, 'x');
    total.expanded('a/1.png', 600);
    expect(() => total.expanded('a/2.png', 600)).toThrow(
      'expands to more than 1000 bytes (the limit) while reading entry "a/2.png"',
    );
    const ratio = new EntryGuard({ ...roomy, ratioFloorBytes: 100 }, 10, 'x');
    ratio.expanded('a/1.png', 900);
    expect(() => ratio.expanded('a/1.png', 200)).toThrow(
      'expands more than 100 times its size while reading entry "a/1.png"',
    );
  });
});

describe('zip archives', () => {
  it('extracts label folders of images', async () => {
    const entries = await extract(
      craftZip([{ path: 'cat/' }, { path: 'cat/1.png', data: png }, { path: 'dog/2.png', data: png, deflate: false }]),
    );
    expect(entries).toBe(3);
    expect(readFileSync(path.join(dir, 'out/cat/1.png'))).toEqual(png);
    expect(readdirSync(path.join(dir, 'out/dog'))).toEqual(['2.png']);
  });

  it.each([
    ['../evil.png', undefined, 'entry "../evil.png" escapes the archive with ".."'],
    ['/tmp/evil.png', undefined, 'entry "/tmp/evil.png" has an absolute path'],
    ['cat/link.png', 0o120777, 'entry "cat/link.png" is a symbolic link'],
    ['cat/fifo', 0o010644, 'entry "cat/fifo" is a FIFO'],
    ['cat/dev', 0o020644, 'entry "cat/dev" is a device file'],
  ])('refuses %s before writing anything', async (name, mode, message) => {
    const zip = craftZip([
      { path: 'cat/1.png', data: png },
      { path: name, data: '/etc/passwd', ...(mode ? { mode } : {}) },
    ]);
    await expect(extract(zip)).rejects.toThrow(message);
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('refuses duplicate names', async () => {
    const zip = craftZip([
      { path: 'cat/1.png', data: png },
      { path: 'Cat/1.PNG', data: png },
    ]);
    await expect(extract(zip)).rejects.toThrow('entry "Cat/1.PNG" has the same name as "cat/1.png" once extracted');
  });

  it('stops a bomb while inflating (the header may lie; the bytes do not)', async () => {
    const zip = craftZip([{ path: 'cat/zeros.png', data: Buffer.alloc(4 << 20) }]);
    await expect(extract(zip, { ...roomy, ratioFloorBytes: 1 << 20 })).rejects.toThrow(
      /expands more than 100 times its size while reading entry "cat\/zeros.png"/,
    );
  });
});

describe('tar archives', () => {
  it('stop a .tar.gz bomb by the total size limit', async () => {
    const tar = craftTar([{ path: 'cat/zeros.png', data: Buffer.alloc(3 << 20) }], { gzip: true });
    await expect(extract(tar, { ...roomy, maxCompressionRatio: 1e6, maxUncompressedBytes: 2 << 20 })).rejects.toThrow(
      /expands to more than 2097152 bytes .* entry "cat\/zeros.png"/,
    );
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('refuse device files and duplicates', async () => {
    const tar = craftTar([
      { path: 'a/1.png', data: png },
      { path: 'a/./1.png', data: png },
    ]);
    await expect(extract(tar)).rejects.toThrow('entry "a/./1.png" has the same name as "a/1.png" once extracted');
  });
});

describe('IDX datafiles', () => {
  function writeIdx(name: string, labels: number[], gzip: boolean) {
    const images = Buffer.alloc(16 + labels.length * 4);
    images.writeUInt32BE(2051, 0);
    images.writeUInt32BE(labels.length, 4);
    images.writeUInt32BE(2, 8);
    images.writeUInt32BE(2, 12);
    for (const i of labels.keys()) images.fill(i, 16 + i * 4, 20 + i * 4);
    const labelFile = Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0, labels.length]), Buffer.from(labels)]);
    const suffix = gzip ? '.gz' : '';
    writeFileSync(path.join(dir, `${name}-images-idx3-ubyte${suffix}`), gzip ? gzipSync(images) : images);
    writeFileSync(path.join(dir, `${name}-labels-idx1-ubyte${suffix}`), gzip ? gzipSync(labelFile) : labelFile);
  }

  it('pairs gzipped and plain files by name, and groups by label value', async () => {
    writeIdx('train', [0, 2, 2], true);
    writeIdx('t10k', [1], false);
    expect(await detectFormat(dir)).toBe('idx');
    const idx = await readIdx(dir, 1 << 20);
    expect(idx.count).toBe(4);
    const { labels, byLabel } = idxByLabel(idx);
    expect(labels).toEqual(['0', '1', '2']);
    expect(byLabel.get('2')).toHaveLength(2);
  });

  it('writes a subset in the given order', async () => {
    writeIdx('train', [0, 1, 2], false);
    const idx = await readIdx(dir, 1 << 20);
    await writeIdxSubset(idx, [2, 0], path.join(dir, 'sub-images'), path.join(dir, 'sub-labels'));
    expect([...readFileSync(path.join(dir, 'sub-labels')).subarray(8)]).toEqual([2, 0]);
    expect(readFileSync(path.join(dir, 'sub-images'))[16]).toBe(2);
  });

  it('names the label file whose count disagrees', async () => {
    writeIdx('train', [0, 1], false);
    writeFileSync(path.join(dir, 'train-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 0]));
    await expect(readIdx(dir, 1 << 20)).rejects.toThrow('IDX label file "train-labels-idx1-ubyte" has 1 labels');
  });
});

describe('image decode checks', () => {
  it('accepts a whole PNG and names a corrupt body or a cut-off JPEG', async () => {
    const good = path.join(dir, 'good.png');
    writeFileSync(good, png);
    expect(await imageProblem(good, (await imageInfo(good))!)).toBeUndefined();
    const broken = Buffer.from(png);
    // inside IDAT: the CRC no longer matches
    broken.writeUInt8(broken.readUInt8(broken.length - 20) ^ 0xff, broken.length - 20);
    const bad = path.join(dir, 'bad.png');
    writeFileSync(bad, broken);
    expect(await imageProblem(bad, (await imageInfo(bad))!)).toBe('is a corrupt or truncated PNG (it does not decode)');
    const jpeg = path.join(dir, 'cut.jpg');
    writeFileSync(jpeg, Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 4, 0, 4, 1, 1, 0x11, 0, 0xff, 0xda]));
    expect(await imageProblem(jpeg, { width: 4, height: 4, grayscale: true })).toBe(
      'is a truncated JPEG (no end-of-image marker)',
    );
  });
});
