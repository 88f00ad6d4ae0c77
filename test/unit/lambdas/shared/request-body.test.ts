/**
 * lambdas/shared/request-body.ts: the one body-reading step. The route table's documented media
 * types decide (anything else is 415), malformed bodies are 400s — never a crash — and JSON is
 * bounded in depth before anything recursive walks it.
 */
import { z } from 'zod';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../../../core/errors';
import {
  jsonDepth,
  maxJsonDepth,
  multipartLimits,
  parseJson,
  parseMultipart,
  readRequestBody,
} from '../../../../lambdas/shared/request-body';

const jsonRoute = { request: { body: z.object({}) } };
const formRoute = { request: { body: z.object({}), form: z.object({}) } };
const noBodyRoute = {};

const boundary = 'XyZ123';
const multipartType = `multipart/form-data; boundary=${boundary}`;
const part = (name: string, value: string, filename?: string) =>
  `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n` +
  `${filename ? 'Content-Type: image/png\r\n' : ''}\r\n${value}\r\n`;
const close = `--${boundary}--\r\n`;

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it resolved');
}

describe('media types by route', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'application/problem+json', 'APPLICATION/JSON'])(
    '%s is JSON',
    async (type) => {
      await expect(readRequestBody(jsonRoute, { body: '{"a":1}', headers: { 'content-type': type } })).resolves.toEqual(
        { a: 1 },
      );
    },
  );

  it('multipart on a JSON-only route → 415 naming what the route takes, before parsing', async () => {
    const error = await rejection(
      readRequestBody(jsonRoute, { body: part('name', 'x') + close, headers: { 'content-type': multipartType } }),
    );
    expect(error).toBeInstanceOf(UnsupportedMediaTypeError);
    expect(error.message).toMatch(/content-type: application\/json \(it came as multipart\/form-data/);
  });

  it('no content-type → 415 that says so', async () => {
    const error = await rejection(readRequestBody(formRoute, { body: '{}', headers: {} }));
    expect(error.message).toBe(
      'send the body with content-type: application/json or multipart/form-data (no content-type was sent)',
    );
  });

  it('a route that takes no body ignores one', async () => {
    await expect(
      readRequestBody(noBodyRoute, { body: 'anything', headers: { 'content-type': 'text/plain' } }),
    ).resolves.toBeUndefined();
  });

  it('no body → undefined (the schema then names the missing body)', async () => {
    await expect(
      readRequestBody(jsonRoute, { headers: { 'content-type': 'application/json' } }),
    ).resolves.toBeUndefined();
    await expect(readRequestBody(jsonRoute, { body: '', headers: {} })).resolves.toBeUndefined();
  });

  it('a base64-encoded body is decoded first', async () => {
    const body = Buffer.from('{"b":[1,2]}').toString('base64');
    await expect(
      readRequestBody(jsonRoute, { body, isBase64Encoded: true, headers: { 'content-type': 'application/json' } }),
    ).resolves.toEqual({ b: [1, 2] });
  });
});

describe('JSON', () => {
  it('malformed → 400 with the parser message', () => {
    expect(() => parseJson('{"a": ')).toThrow(ValidationError);
    expect(() => parseJson('{"a": ')).toThrow(/^the request body is not valid JSON: /);
  });

  it(`nesting up to ${maxJsonDepth} levels parses; one more is a 400 before the parser runs`, () => {
    expect(parseJson('['.repeat(maxJsonDepth) + ']'.repeat(maxJsonDepth))).toBeDefined();
    const parse = jest.spyOn(JSON, 'parse');
    try {
      expect(() => parseJson('['.repeat(maxJsonDepth + 1) + ']'.repeat(maxJsonDepth + 1))).toThrow(/nests deeper than/);
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('a body nested 200,000 levels deep is refused without overflowing the stack', () => {
    expect(() => parseJson(`${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`)).toThrow(ValidationError);
  });

  it('brackets inside strings, escaped quotes included, do not count', () => {
    expect(jsonDepth('{"a":"[[[{{\\"[[[","b":[1]}')).toBe(2);
    expect(jsonDepth('"\\\\"')).toBe(0);
  });
});

describe('multipart/form-data', () => {
  it('fields and files, repeated names in the order sent', async () => {
    const body = Buffer.from(part('topK', '3') + part('files', 'one', 'a.png') + part('files', 'two', 'b.png') + close);
    const form = await parseMultipart(body, multipartType);
    expect(form.topK).toBe('3');
    expect(form.files).toEqual([
      { filename: 'a.png', mimeType: 'image/png', content: Buffer.from('one'), truncated: false },
      { filename: 'b.png', mimeType: 'image/png', content: Buffer.from('two'), truncated: false },
    ]);
  });

  it('a file part cut off before its closing boundary → 400, and the process lives on', async () => {
    const body = Buffer.from(part('files', 'x'.repeat(1000), 'a.png').slice(0, 300));
    const error = await rejection(parseMultipart(body, multipartType));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/^the multipart\/form-data body is malformed: /);
  });

  it.each([
    ['no boundary parameter', 'multipart/form-data'],
    ['an empty boundary', 'multipart/form-data; boundary='],
  ])('%s → 400', async (_, type) => {
    expect(await rejection(parseMultipart(Buffer.from(part('a', 'b') + close), type))).toBeInstanceOf(ValidationError);
  });

  it('garbage instead of parts → 400 or an empty form, never a crash', async () => {
    const outcome = await parseMultipart(Buffer.from('\u0000\u0001 not multipart at all'), multipartType).then(
      (form) => ({ form }),
      (error: Error) => ({ error: error.constructor.name }),
    );
    expect([{ form: {} }, { error: 'ValidationError' }]).toContainEqual(outcome);
  });

  it(`more than ${multipartLimits.files} files → 413`, async () => {
    const body = Buffer.from(
      Array.from({ length: multipartLimits.files + 1 }, (_, i) => part('files', 'x', `${i}.png`)).join('') + close,
    );
    expect(await rejection(parseMultipart(body, multipartType))).toBeInstanceOf(PayloadTooLargeError);
  });

  it('a file over the per-file limit arrives truncated (the route then answers 413)', async () => {
    const body = Buffer.from(part('files', 'y'.repeat(multipartLimits.fileBytes + 10), 'big.png') + close);
    const form = await parseMultipart(body, multipartType);
    expect(form.files).toMatchObject({ truncated: true });
  });
});
