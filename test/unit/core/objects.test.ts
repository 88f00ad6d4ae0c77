/**
 * Reading objects (core/objects.ts) against a mocked S3: a response body cut off half-way by a
 * connection reset is resumed from the byte it stopped at (Range, If-Match on the ETag), so a
 * job's log and metrics read whole under load; a missing object is no lines / no text; other
 * failures still fail.
 */
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { Readable } from 'node:stream';
import { resetClients } from '../../../core/aws/clients';
import { readLines, readRange, readText } from '../../../core/objects';
import { envNames } from '../../../core/topology';

const s3Mock = mockClient(S3Client);

beforeAll(() => {
  process.env[envNames.bucket] = 'test-bucket';
  process.env.AWS_REGION = 'us-east-1';
  resetClients();
});
beforeEach(() => s3Mock.reset());

/** A body that sends `text`, then fails with `code` (a socket error) if given. */
function body(text: string, code?: string) {
  return Readable.from(
    (async function* () {
      yield Buffer.from(text);
      if (code) throw Object.assign(new Error(`read ${code}`), { code });
    })(),
  ) as never;
}

const log = 'I1126 solver line one\nI1126 line two\nI1126 line three\n';

it('resumes a body cut off by a connection reset from where it stopped, on the same object', async () => {
  s3Mock
    .on(GetObjectCommand)
    .resolvesOnce({ Body: body(log.slice(0, 30), 'ECONNRESET'), ETag: '"v1"' })
    .resolvesOnce({ Body: body(log.slice(30, 40), 'EPIPE'), ETag: '"v1"' })
    .resolvesOnce({ Body: body(log.slice(40)), ETag: '"v1"' });
  const lines: string[] = [];
  for await (const line of readLines('tenants/t/log.txt')) lines.push(line);
  expect(lines).toEqual(['I1126 solver line one', 'I1126 line two', 'I1126 line three']);
  const inputs = s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input);
  expect(inputs.map((input) => [input.Range, input.IfMatch])).toEqual([
    [undefined, undefined],
    ['bytes=30-', '"v1"'],
    ['bytes=40-', '"v1"'],
  ]);
});

it('resumes a range read within its range', async () => {
  s3Mock
    .on(GetObjectCommand)
    .resolvesOnce({ Body: body(log.slice(10, 15), 'ECONNRESET'), ETag: '"v1"' })
    .resolvesOnce({ Body: body(log.slice(15, 20)), ETag: '"v1"' });
  expect((await readRange('tenants/t/log.txt', 10, 19)).toString()).toBe(log.slice(10, 20));
  expect(s3Mock.commandCalls(GetObjectCommand).map((call) => call.args[0].input.Range)).toEqual([
    'bytes=10-19',
    'bytes=15-19',
  ]);
});

it('gives up after a few resets in a row, with the socket error', async () => {
  s3Mock.on(GetObjectCommand).callsFake(() => ({ Body: body('x', 'ECONNRESET'), ETag: '"v1"' }));
  await expect(readText('tenants/t/log.txt')).rejects.toMatchObject({ code: 'ECONNRESET' });
  expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(4);
});

it('does not retry an error that is not a cut-off connection', async () => {
  s3Mock.on(GetObjectCommand).resolves({ Body: body('x', 'EACCES'), ETag: '"v1"' });
  await expect(readText('tenants/t/log.txt')).rejects.toMatchObject({ code: 'EACCES' });
  expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(1);
});

it('a missing object is no lines and no text; an empty one is empty text', async () => {
  s3Mock.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }));
  const lines: string[] = [];
  for await (const line of readLines('tenants/t/missing.txt')) lines.push(line);
  expect(lines).toEqual([]);
  await expect(readText('tenants/t/missing.txt')).resolves.toBeUndefined();
  s3Mock.reset();
  s3Mock.on(GetObjectCommand).resolves({ Body: body(''), ETag: '"v1"' });
  await expect(readText('tenants/t/empty.txt')).resolves.toBe('');
});
