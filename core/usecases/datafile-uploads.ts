/**
 * Large datafile uploads: an S3 multipart upload the client fills straight from its side with
 * presigned part URLs. The server keeps no part list of its own: S3's ListParts says which parts
 * arrived, so a client can ask again for what is missing (resume) and completing needs no ETags
 * from the client.
 */
import { s3Sdk } from '../aws/clients';
import { bucket } from '../objects';
import { presignedUrlSeconds } from '../topology';

/** Part URLs in one answer: enough for 64 GiB at 64 MiB parts, small enough for a Lambda response. */
export const maxPartUrlsPerAnswer = 1000;

export interface MultipartUpload {
  method: 'multipart';
  partSizeBytes: number;
  partCount: number;
  /** Presigned PUTs for parts not yet uploaded (at most `maxPartUrlsPerAnswer`; ask again for more). */
  parts: Array<{ partNumber: number; url: string }>;
  /** Parts S3 already holds. */
  uploadedParts: number[];
  /** POST here (with the API token) once every part is uploaded. */
  completeUrl: string;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  bytes: number;
}

export const partCountFor = (sizeBytes: number, partSizeBytes: number): number =>
  Math.max(1, Math.ceil(sizeBytes / partSizeBytes));

/** Starts a multipart upload of `key`; returns its upload id. */
export async function startMultipartUpload(key: string): Promise<string> {
  const { client, sdk } = await s3Sdk();
  const { UploadId } = await client.send(new sdk.CreateMultipartUploadCommand({ Bucket: bucket(), Key: key }));
  if (!UploadId) throw new Error('S3 CreateMultipartUpload returned no upload id');
  return UploadId;
}

/** Every part S3 holds for the upload, in part order. */
export async function uploadedParts(key: string, uploadId: string): Promise<UploadedPart[]> {
  const parts: UploadedPart[] = [];
  let marker: string | undefined;
  const { client, sdk } = await s3Sdk();
  do {
    const page = await client.send(
      new sdk.ListPartsCommand({ Bucket: bucket(), Key: key, UploadId: uploadId, PartNumberMarker: marker }),
    );
    for (const part of page.Parts ?? [])
      if (part.PartNumber && part.ETag)
        parts.push({ partNumber: part.PartNumber, etag: part.ETag, bytes: part.Size ?? 0 });
    marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
  } while (marker);
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

/** The upload instructions: fresh URLs for every part S3 does not hold yet. */
export async function describeMultipartUpload(
  key: string,
  uploadId: string,
  partSizeBytes: number,
  partCount: number,
  completeUrl: string,
): Promise<MultipartUpload> {
  const have = new Set((await uploadedParts(key, uploadId)).map((p) => p.partNumber));
  const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
  const { client, sdk } = await s3Sdk();
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const parts = await Promise.all(
    missing.slice(0, maxPartUrlsPerAnswer).map(async (partNumber) => ({
      partNumber,
      url: await getSignedUrl(
        client,
        new sdk.UploadPartCommand({ Bucket: bucket(), Key: key, UploadId: uploadId, PartNumber: partNumber }),
        { expiresIn: presignedUrlSeconds },
      ),
    })),
  );
  return {
    method: 'multipart',
    partSizeBytes,
    partCount,
    parts,
    uploadedParts: [...have].sort((a, b) => a - b),
    completeUrl,
  };
}

/** Assembles the object from the listed parts. */
export async function completeMultipartUpload(key: string, uploadId: string, parts: UploadedPart[]): Promise<void> {
  const { client, sdk } = await s3Sdk();
  await client.send(
    new sdk.CompleteMultipartUploadCommand({
      Bucket: bucket(),
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
    }),
  );
}

/** Discards an unfinished upload and its parts; one that no longer exists is fine. */
export async function abortMultipartUpload(key: string, uploadId: string): Promise<void> {
  const { client, sdk } = await s3Sdk();
  try {
    await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: bucket(), Key: key, UploadId: uploadId }));
  } catch (error) {
    if ((error as { name?: string }).name !== 'NoSuchUpload') throw error;
  }
}
