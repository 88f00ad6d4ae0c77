/**
 * Object tags given at upload (`x-amz-tagging` on PutObject) for the local S3: s3rver 3.7 stores
 * tags only through the `?tagging` subresource and silently drops the header. This stores the
 * header's tags the way PutObjectTagging would, after s3rver stored the object, so GetObjectTagging
 * answers as S3 does (the worker tags intermediate snapshots this way; a lifecycle rule expires them).
 * Tags given to CreateMultipartUpload (the SDK's managed upload of a large file) are kept until
 * the upload completes and stored then.
 */
import type { S3rverInternals } from './s3-multipart';

interface TaggingContext {
  method: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  params?: { bucket?: string; key?: string };
  store: { putSubresource(bucket: string, key: string, config: unknown): Promise<void> };
}

// s3rver's own config model, so the stored subresource is exactly what PutObjectTagging stores.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { TaggingConfiguration } = require('s3rver/lib/models/config') as {
  TaggingConfiguration: new (xml: string) => unknown;
};

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** `k1=v1&k2=v2` (URL-encoded, as the header carries it) → S3's Tagging XML. */
export function taggingXml(header: string): string {
  const tags = [...new URLSearchParams(header)].map(
    ([key, value]) => `<Tag><Key>${xmlEscape(key)}</Key><Value>${xmlEscape(value)}</Value></Tag>`,
  );
  return `<Tagging><TagSet>${tags.join('')}</TagSet></Tagging>`;
}

/** The upload ID in an InitiateMultipartUpload answer (s3rver's body object, or its XML once rendered). */
function initiatedUploadId(body: unknown): string | undefined {
  if (typeof body === 'string') return /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1];
  const result = (body as { InitiateMultipartUploadResult?: { UploadId?: string } } | undefined)
    ?.InitiateMultipartUploadResult;
  return result?.UploadId;
}

export function addUploadTagging(s3rver: S3rverInternals): void {
  // Tags given when a multipart upload starts, applied when it completes, as S3 does. Kept in
  // memory: an upload that outlives a restart of the local S3 loses its tags (never seen in tests).
  const multipartTags = new Map<string, string>();
  s3rver.middleware.unshift(async (raw, next) => {
    await next();
    const ctx = raw as unknown as TaggingContext;
    const header = ctx.headers['x-amz-tagging'];
    if (ctx.status !== 200 || !ctx.params?.bucket || !ctx.params.key) return;
    const store = (tagging: string) =>
      ctx.store.putSubresource(
        ctx.params?.bucket ?? '',
        ctx.params?.key ?? '',
        new TaggingConfiguration(taggingXml(tagging)),
      );
    if (ctx.method === 'POST' && 'uploads' in ctx.query) {
      const uploadId = initiatedUploadId((raw as unknown as { body: unknown }).body);
      if (typeof header === 'string' && uploadId) multipartTags.set(uploadId, header);
      return;
    }
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'POST' && typeof uploadId === 'string') {
      const tagging = multipartTags.get(uploadId);
      multipartTags.delete(uploadId);
      if (tagging !== undefined) await store(tagging);
      return;
    }
    // Plain PutObject only: subresource requests (?tagging, ?uploadId, ...) and copies are s3rver's.
    // (The SDK adds `x-id=PutObject` to every PutObject; any other query names a subresource.)
    const subresource = Object.keys(ctx.query).some((name) => name !== 'x-id');
    if (ctx.method !== 'PUT' || typeof header !== 'string' || subresource || ctx.headers['x-amz-copy-source']) return;
    await store(header);
  });
}
