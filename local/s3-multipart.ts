/**
 * ListParts and AbortMultipartUpload for the local S3 (s3rver 3.7 implements the rest of multipart
 * uploads but not these two). They read and remove the parts s3rver itself stored, answering in
 * S3's own XML, so resumable uploads work locally exactly as against S3.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  type: string;
  body: unknown;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

/** The part of an s3rver instance this needs: its Koa middleware list and its filesystem store. */
export interface S3rverInternals {
  middleware: Middleware[];
  store: { getResourcePath(bucket: string, key: string | undefined, resource: string): string };
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

async function listParts(
  uploadDir: string,
): Promise<Array<{ number: number; etag: string; size: number; modified: Date }>> {
  const names = (await readdir(uploadDir)).filter((name) => /^\d+$/.test(name));
  const parts = await Promise.all(
    names.map(async (name) => {
      const file = path.join(uploadDir, name);
      const [info, md5] = await Promise.all([stat(file), readFile(`${file}.md5`, 'utf8')]);
      return { number: Number(name), etag: md5.trim(), size: info.size, modified: info.mtime };
    }),
  );
  return parts.sort((a, b) => a.number - b.number);
}

/** Adds the two operations in front of s3rver's own routes (path-style requests: /bucket/key?uploadId=…). */
export function addMultipartListing(s3rver: S3rverInternals): void {
  const handle: Middleware = async (ctx, next) => {
    const uploadId = ctx.query.uploadId;
    if (typeof uploadId !== 'string' || (ctx.method !== 'GET' && ctx.method !== 'DELETE')) return next();
    const [bucket = '', ...keyParts] = ctx.path.slice(1).split('/');
    const key = decodeURIComponent(keyParts.join('/'));
    const uploadDir = path.join(s3rver.store.getResourcePath(bucket, undefined, 'uploads'), path.basename(uploadId));
    const exists = await stat(path.join(uploadDir, 'key')).then(
      () => true,
      () => false,
    );
    ctx.type = 'application/xml';
    if (!exists) {
      ctx.status = 404;
      ctx.body =
        `<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchUpload</Code>` +
        `<Message>The specified upload does not exist.</Message>` +
        `<UploadId>${xmlEscape(uploadId)}</UploadId></Error>`;
      return;
    }
    if (ctx.method === 'DELETE') {
      await rm(uploadDir, { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = '';
      return;
    }
    const parts = (await listParts(uploadDir))
      .map(
        (p) =>
          `<Part><PartNumber>${p.number}</PartNumber><LastModified>${p.modified.toISOString()}</LastModified>` +
          `<ETag>"${p.etag}"</ETag><Size>${p.size}</Size></Part>`,
      )
      .join('');
    ctx.status = 200;
    ctx.body =
      `<?xml version="1.0" encoding="UTF-8"?><ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
      `<Bucket>${xmlEscape(bucket)}</Bucket><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(uploadId)}</UploadId>` +
      `<PartNumberMarker>0</PartNumberMarker><MaxParts>10000</MaxParts><IsTruncated>false</IsTruncated>` +
      `${parts}</ListPartsResult>`;
  };
  s3rver.middleware.unshift(handle);
}
