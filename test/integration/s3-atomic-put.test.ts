/**
 * The local S3 replaces objects atomically, as S3 does (local/s3-atomic-put.ts): a reader during a
 * PutObject gets the whole old object or the whole new one — never a truncated file, which made a
 * job log read while the worker replaced it answer InvalidRange or lose lines. A multipart upload
 * is assembled as S3 does it: the parts in order, the ETag the MD5 of their MD5s and their count.
 */
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { startEmulators, type Emulators } from '../../local/emulators';

jest.setTimeout(120_000);

let home: string;
let emulators: Emulators;
let s3: S3Client;

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 's3-atomic-'));
  emulators = await startEmulators(home);
  s3 = new S3Client({
    endpoint: emulators.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'atomic' }));
});

afterAll(async () => {
  s3?.destroy();
  await emulators?.close();
  await rm(home, { recursive: true, force: true });
});

/** Version n of the object: 4 MiB of the byte n. */
const version = (n: number) => Buffer.alloc(4 * 1024 * 1024, n);

it('readers during 20 replacements of a 4 MiB object only ever see a whole version', async () => {
  await s3.send(new PutObjectCommand({ Bucket: 'atomic', Key: 'log', Body: version(0) }));
  let writing = true;
  const writer = (async () => {
    for (let n = 1; n <= 20; n++)
      await s3.send(new PutObjectCommand({ Bucket: 'atomic', Key: 'log', Body: version(n) }));
    writing = false;
  })();
  const seen: string[] = [];
  const reader = async () => {
    while (writing) {
      const object = await s3.send(new GetObjectCommand({ Bucket: 'atomic', Key: 'log', Range: 'bytes=1048576-' }));
      const bytes = Buffer.from(await object.Body!.transformToByteArray());
      const first = bytes[0]!;
      seen.push(
        bytes.length === 3 * 1024 * 1024 && bytes.every((b) => b === first) ? 'whole' : `torn (${bytes.length} bytes)`,
      );
    }
  };
  await Promise.all([writer, reader(), reader()]);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.filter((s) => s !== 'whole')).toEqual([]);
});

it('leaves no temporary file in a listing', async () => {
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: 'atomic' }));
  expect((listing.Contents ?? []).map((o) => o.Key)).toEqual(['log']);
});

it("assembles a multipart upload's parts in order, with S3's multipart ETag, and removes the parts", async () => {
  const key = 'datafiles/multipart';
  const parts = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.alloc(5 * 1024 * 1024, 2), Buffer.from('the last part')];
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: 'atomic', Key: key, ContentType: 'application/x-tar' }),
  );
  // Sent last part first: the object is in part-number order whatever order the parts arrived in.
  const etags: string[] = [];
  for (const index of [2, 0, 1]) {
    const sent = await s3.send(
      new UploadPartCommand({ Bucket: 'atomic', Key: key, UploadId, PartNumber: index + 1, Body: parts[index] }),
    );
    etags[index] = sent.ETag!;
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'atomic',
      Key: key,
      UploadId,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }),
  );
  const object = await s3.send(new GetObjectCommand({ Bucket: 'atomic', Key: key }));
  expect(Buffer.from(await object.Body!.transformToByteArray()).equals(Buffer.concat(parts))).toBe(true);
  const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest();
  const expected = `${createHash('md5')
    .update(Buffer.concat(parts.map(md5)))
    .digest('hex')}-3`;
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'atomic', Key: key }));
  expect(head.ETag).toBe(`"${expected}"`);
  expect(head.ContentLength).toBe(10 * 1024 * 1024 + 'the last part'.length);
  expect(head.ContentType).toBe('application/x-tar');
  await expect(s3.send(new ListPartsCommand({ Bucket: 'atomic', Key: key, UploadId }))).rejects.toMatchObject({
    name: 'NoSuchUpload',
  });
  const listing = await s3.send(new ListObjectsV2Command({ Bucket: 'atomic', Prefix: 'datafiles/' }));
  expect((listing.Contents ?? []).map((o) => o.Key)).toEqual([key]);
});
