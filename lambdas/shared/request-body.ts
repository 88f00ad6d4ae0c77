/**
 * The one step that reads a request body, for every HTTP function. The route table says which
 * media types a route takes (`request.body`: JSON, `request.form`: multipart/form-data); any other
 * is a 415 before a byte is parsed, and a body that does not parse is a 400, never a crash.
 *
 * Why not middy's body parsers: the multipart one leaves busboy's file streams without an error
 * listener, so a part cut off before its closing boundary crashed the whole process; and JSON must
 * be bounded in depth before anything recursive (parse, schema, idempotency hashing) walks it.
 */
import Busboy from '@fastify/busboy';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../../core/errors';
import type { Route } from '../../core/route';

type MediaKind = 'json' | 'multipart';

const mediaTypeNames: Record<MediaKind, string> = { json: 'application/json', multipart: 'multipart/form-data' };

/** Deeper JSON than any request of this API has (their schemas nest four levels at most). */
export const maxJsonDepth = 32;

/** Bounds of a multipart body: classify's files are checked against their own, smaller limits. */
export const multipartLimits = { fileBytes: 8 * 1024 * 1024, files: 64, fields: 32, fieldBytes: 64 * 1024 } as const;

/** A file part of a multipart body. */
export interface FilePart {
  filename: string;
  mimeType: string;
  content: Buffer;
  /** True when the part was longer than `multipartLimits.fileBytes` and was cut there. */
  truncated: boolean;
}

/** A multipart body: each field's value, or the values in the order sent when a name repeats. */
export type FormBody = Record<string, string | FilePart | Array<string | FilePart>>;

/** The media types the route takes a body in (none: a body sent anyway is not read). */
export function acceptedMedia(route: Pick<Route, 'request'>): MediaKind[] {
  return [
    ...(route.request?.body ? (['json'] as const) : []),
    ...(route.request?.form ? (['multipart'] as const) : []),
  ];
}

function mediaKindOf(contentType: string | undefined): MediaKind | undefined {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  if (!essence) return undefined;
  if (essence === 'application/json' || /^application\/[^/]+\+json$/.test(essence)) return 'json';
  if (essence === 'multipart/form-data') return 'multipart';
  return undefined;
}

/**
 * The parsed body of a request to `route`: JSON, a `FormBody`, or undefined when there is none
 * (a route whose schema requires one then answers 400 naming the body).
 */
export async function readRequestBody(
  route: Pick<Route, 'request'>,
  event: { body?: string | undefined; isBase64Encoded?: boolean; headers?: Record<string, string | undefined> },
): Promise<unknown> {
  const accepted = acceptedMedia(route);
  if (event.body === undefined || event.body === '' || !accepted.length) return undefined;
  const contentType = event.headers?.['content-type'];
  const kind = mediaKindOf(contentType);
  if (!kind || !accepted.includes(kind)) {
    const wanted = accepted.map((k) => mediaTypeNames[k]).join(' or ');
    const sent = contentType ? `it came as ${contentType.slice(0, 100)}` : 'no content-type was sent';
    throw new UnsupportedMediaTypeError(`send the body with content-type: ${wanted} (${sent})`);
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  return kind === 'json' ? parseJson(raw.toString('utf8')) : parseMultipart(raw, contentType!);
}

/** JSON no deeper than `maxJsonDepth`, checked by a linear scan before the parser recurses. */
export function parseJson(text: string): unknown {
  const depth = jsonDepth(text);
  if (depth > maxJsonDepth)
    throw new ValidationError(
      `the request body nests deeper than ${maxJsonDepth} levels; no request of this API does`,
      [{ field: '(body)', message: `nested more than ${maxJsonDepth} levels` }],
    );
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`the request body is not valid JSON: ${(error as Error).message}`, [
      { field: '(body)', message: 'not valid JSON' },
    ]);
  }
}

/** The deepest nesting of arrays and objects in JSON text (strings skipped; malformed text is left to the parser). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** A multipart/form-data body, every way it can be malformed answered as a 400 (or 413 for too many parts). */
export function parseMultipart(raw: Buffer, contentType: string): Promise<FormBody> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      reject(error instanceof PayloadTooLargeError ? error : malformed(error));
    };
    const form: FormBody = {};
    const add = (name: string, value: string | FilePart) => {
      const current = form[name];
      form[name] = current === undefined ? value : ([] as Array<string | FilePart>).concat(current, value);
    };
    const files: Promise<void>[] = [];
    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: { 'content-type': contentType },
        limits: {
          fileSize: multipartLimits.fileBytes,
          files: multipartLimits.files,
          fields: multipartLimits.fields,
          fieldSize: multipartLimits.fieldBytes,
        },
      });
    } catch (error) {
      return fail(error as Error); // e.g. no boundary in the content-type
    }
    const tooMany = (what: string, limit: number) => () =>
      fail(new PayloadTooLargeError(`a multipart body takes at most ${limit} ${what}`));
    parser.on('filesLimit', tooMany('files', multipartLimits.files));
    parser.on('fieldsLimit', tooMany('fields', multipartLimits.fields));
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated)
        return fail(new PayloadTooLargeError(`form field ${name} is longer than ${multipartLimits.fieldBytes} bytes`));
      add(name, value);
    });
    parser.on('file', (name, stream, filename, _encoding, mimeType) => {
      const chunks: Buffer[] = [];
      files.push(
        new Promise<void>((done) => {
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', (error: Error) => {
            fail(error);
            done();
          });
          stream.on('end', () => {
            add(name, {
              filename: filename ?? '',
              mimeType,
              content: Buffer.concat(chunks),
              truncated: Boolean((stream as { truncated?: boolean }).truncated),
            });
            done();
          });
        }),
      );
    });
    parser.on('error', (error: Error) => fail(error));
    parser.on('finish', () => {
      void Promise.all(files).then(() => {
        if (settled) return;
        settled = true;
        resolve(form);
      });
    });
    parser.end(raw);
  });
}

const malformed = (error: Error) =>
  new ValidationError(`the multipart/form-data body is malformed: ${error.message}`, [
    { field: '(body)', message: 'malformed multipart/form-data' },
  ]);
