/**
 * Object tags given at upload (`x-amz-tagging` on PutObject) for the local S3: s3rver 3.7 stores
 * tags only through the `?tagging` subresource and silently drops the header. This stores the
 * header's tags the way PutObjectTagging would, after s3rver stored the object, so GetObjectTagging
 * answers as S3 does (the worker tags intermediate snapshots this way; a lifecycle rule expires them).
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

export function addUploadTagging(s3rver: S3rverInternals): void {
  s3rver.middleware.unshift(async (raw, next) => {
    await next();
    const ctx = raw as unknown as TaggingContext;
    const header = ctx.headers['x-amz-tagging'];
    // Plain PutObject only: subresource requests (?tagging, ?uploadId, ...) and copies are s3rver's.
    // (The SDK adds `x-id=PutObject` to every PutObject; any other query names a subresource.)
    const subresource = Object.keys(ctx.query).some((name) => name !== 'x-id');
    if (ctx.method !== 'PUT' || typeof header !== 'string' || subresource || ctx.headers['x-amz-copy-source']) return;
    if (ctx.status !== 200 || !ctx.params?.bucket || !ctx.params.key) return;
    await ctx.store.putSubresource(ctx.params.bucket, ctx.params.key, new TaggingConfiguration(taggingXml(header)));
  });
}
