/**
 * PUTs to presigned storage URLs with node:http(s): the body streams from its source with an
 * exact Content-Length (fetch would send a stream chunked, which S3 refuses), bytes are counted as
 * they leave, and sockets are kept alive between parts. A file's range is sent from two reused
 * buffers (file-range.ts): the cheapest way in CPU, which the storage server may be short of.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { PutFailed, type PutTransport } from '../put';
import type { Chunk } from '../source';
import { FileRange, sendFileRange } from './file-range';

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** Small pieces (a tar's headers, its small files) go out in batches of about this size: a write each costs more. */
const batchBytes = 256 * 1024;

async function* piecesOf(body: Blob | AsyncIterable<Chunk>): AsyncGenerator<Uint8Array> {
  if (body instanceof Blob) return yield* piecesOf([body] as unknown as AsyncIterable<Chunk>);
  for await (const chunk of body) {
    if (chunk instanceof Blob)
      for await (const piece of chunk.stream() as unknown as AsyncIterable<Uint8Array>) yield piece;
    else yield chunk;
  }
}

async function* bytesOf(body: Blob | AsyncIterable<Chunk>): AsyncGenerator<Uint8Array> {
  let batch: Uint8Array[] = [];
  let batched = 0;
  for await (const piece of piecesOf(body)) {
    if (piece.length >= batchBytes && batched === 0) {
      yield piece;
      continue;
    }
    batch.push(piece);
    batched += piece.length;
    if (batched >= batchBytes) {
      yield Buffer.concat(batch, batched);
      batch = [];
      batched = 0;
    }
  }
  if (batched > 0) yield Buffer.concat(batch, batched);
}

export const nodePut: PutTransport = ({ url, headers, body, length, onBytes, signal }) =>
  new Promise<void>((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const request = (secure ? httpsRequest : httpRequest)(target, {
      method: 'PUT',
      headers: { ...headers, 'content-length': String(length) },
      agent: secure ? agents.https : agents.http,
      ...(signal ? { signal } : {}),
    });
    let sent = 0;
    const counted = (bytes: number) => {
      sent += bytes;
      onBytes?.(bytes);
    };
    const short = () => new Error(`the upload body has ${sent} bytes, not the ${length} announced`);
    if (body instanceof FileRange) {
      sendFileRange(body, request, counted).then(
        () => {
          if (request.destroyed) return; // aborted or failed: its error is already on its way
          if (sent === length) request.end();
          else request.destroy(short());
        },
        (error: Error) => request.destroy(error),
      );
    } else {
      // A Node stream is piped as it is; anything else is adapted.
      const source = body instanceof Readable ? body : Readable.from(bytesOf(body), { objectMode: false });
      source.on('data', (chunk: Buffer) => counted(chunk.length));
      source.on('error', (error) => request.destroy(error));
      source.on('end', () => sent !== length && request.destroy(short()));
      source.pipe(request);
    }
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new PutFailed(status, Buffer.concat(chunks).toString('utf8')));
      });
    });
  });
