/**
 * The worker's uploads against the local S3 (container/worker/transfer.ts): a file larger than one
 * part goes up as a multipart upload, and the object keeps its bytes, content type and tags, the
 * tags set at CreateMultipartUpload (local/s3-tagging.ts stores them when the upload completes).
 * The part size is lowered to S3's 5 MiB minimum so a small file takes the multipart path.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { s3 as workerS3 } from '../../core/aws/eager-clients';
import { envNames } from '../../core/topology';
import { upload } from '../../container/worker/transfer';
import { startEmulators, type Emulators } from '../../local/emulators';

jest.setTimeout(120_000);

const partBytes = 5 * 1024 * 1024;
let home: string;
let emulators: Emulators;
let s3: S3Client;
const sent: string[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), 'worker-upload-'));
  emulators = await startEmulators(home);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: emulators.endpoints.s3,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    [envNames.bucket]: 'uploads',
    [envNames.uploadPartBytes]: String(partBytes),
  });
  s3 = new S3Client({
    endpoint: emulators.endpoints.s3,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await s3.send(new CreateBucketCommand({ Bucket: 'uploads' }));
  // Which requests the worker's client sends, to tell a multipart upload from a single PUT.
  workerS3().middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
});

afterAll(async () => {
  process.env = saved;
  s3?.destroy();
  await emulators?.close();
  await rm(home, { recursive: true, force: true });
});

test.each([
  [
    'a multipart upload (three parts)',
    2 * partBytes + 12345,
    ['CreateMultipartUploadCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand'],
  ],
  ['a single PutObject (one part)', 1000, ['PutObjectCommand']],
])('%s keeps the bytes, content type and tags', async (_how, bytes, commands) => {
  const file = path.join(home, `file-${bytes}`);
  const content = randomBytes(bytes);
  await writeFile(file, content);
  const key = `tenants/t/jobs/j/snapshots/${bytes}.caffemodel`;

  sent.length = 0;
  await expect(upload(file, key, 'application/x-test', { intermediate: 'true', job: 'j' })).resolves.toBe(bytes);

  expect([...new Set(sent)]).toEqual(commands);
  const head = await s3.send(new HeadObjectCommand({ Bucket: 'uploads', Key: key }));
  expect(head.ContentType).toBe('application/x-test');
  const object = await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: key }));
  expect(Buffer.from(await object.Body!.transformToByteArray()).equals(content)).toBe(true);
  const { TagSet } = await s3.send(new GetObjectTaggingCommand({ Bucket: 'uploads', Key: key }));
  expect(TagSet).toEqual(
    expect.arrayContaining([
      { Key: 'intermediate', Value: 'true' },
      { Key: 'job', Value: 'j' },
    ]),
  );
});
