/**
 * How the worker writes snapshot objects (container/worker/transfer.ts), against a mocked S3:
 * intermediate snapshots carry the expiry tag in the PutObject itself, and the final model's
 * server-side copy replaces the tag set — S3 copies the source's tags by default, and the local
 * S3 never copies tags, so only this test can tell the difference.
 */
import { CopyObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { copy, upload } from '../../../../container/worker/transfer';
import { resetClients } from '../../../../core/aws/clients';
import { envNames, intermediateSnapshotTag } from '../../../../core/topology';

const s3Mock = mockClient(S3Client);
let dir: string;

beforeAll(async () => {
  process.env[envNames.bucket] = 'test-bucket';
  process.env.AWS_REGION = 'us-east-1';
  resetClients();
  dir = await mkdtemp(path.join(os.tmpdir(), 'snapshot-objects-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(() => s3Mock.reset());

test('an upload with tags sends them in the PutObject, URL-encoded', async () => {
  const file = path.join(dir, 'snapshot_iter_10.caffemodel');
  await writeFile(file, 'weights');
  await upload(file, 'tenants/t/training-jobs/tj_1/snapshots/snapshot_iter_10.caffemodel', undefined, {
    [intermediateSnapshotTag.key]: intermediateSnapshotTag.value,
    'with space': 'a&b',
  });
  const [call] = s3Mock.commandCalls(PutObjectCommand);
  expect(call!.args[0].input).toMatchObject({
    Key: 'tenants/t/training-jobs/tj_1/snapshots/snapshot_iter_10.caffemodel',
    ContentLength: 7,
  });
  expect(new URLSearchParams(call!.args[0].input.Tagging)).toEqual(
    new URLSearchParams({ [intermediateSnapshotTag.key]: intermediateSnapshotTag.value, 'with space': 'a&b' }),
  );
});

test('an upload without tags sends no Tagging', async () => {
  const file = path.join(dir, 'log.txt');
  await writeFile(file, 'x');
  await upload(file, 'tenants/t/training-jobs/tj_1/other');
  expect(s3Mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Tagging).toBeUndefined();
});

test("the final model's copy replaces the snapshot's tags with none", async () => {
  await copy(
    'tenants/t/training-jobs/tj_1/snapshots/snapshot_iter_10.caffemodel',
    'tenants/t/training-jobs/tj_1/model.caffemodel',
  );
  const input = s3Mock.commandCalls(CopyObjectCommand)[0]!.args[0].input;
  expect(input).toMatchObject({ Key: 'tenants/t/training-jobs/tj_1/model.caffemodel', TaggingDirective: 'REPLACE' });
  expect(input.Tagging).toBeUndefined();
});
