/** What an upload reads from: anything of known size that can hand out a byte range again and again. */

/** A piece of an upload body: bytes, or a Blob (a browser file, read lazily). */
export type Chunk = Uint8Array | Blob;

export interface ByteSource {
  readonly size: number;
  /** A name for the datafile (the file's or folder's), when the caller gives none. */
  readonly name?: string;
  /** The bytes from `start` to `end` (exclusive); the same bytes every time (retries and resumes read again). */
  read(start: number, end: number): Blob | AsyncIterable<Chunk>;
}

/** A Blob (or a browser File) as a source. */
export const blobSource = (blob: Blob, name?: string): ByteSource => ({
  size: blob.size,
  ...((name ?? (blob as File).name) ? { name: name ?? (blob as File).name } : {}),
  read: (start, end) => blob.slice(start, end),
});

/** Bytes in memory as a source. */
export const bytesSource = (bytes: Uint8Array, name?: string): ByteSource => ({
  size: bytes.length,
  ...(name ? { name } : {}),
  read: async function* (start, end) {
    yield bytes.subarray(start, end);
  },
});

/** The whole range as one Blob (lazy for Blob chunks; bytes are copied once). */
export async function toBlob(body: Blob | AsyncIterable<Chunk>): Promise<Blob> {
  if (body instanceof Blob) return body;
  const parts: Chunk[] = [];
  for await (const chunk of body) parts.push(chunk);
  return new Blob(parts as Array<Uint8Array<ArrayBuffer> | Blob>);
}
