/**
 * Micro-benchmark behind docs/BENCHMARKS.md ("Dataset import throughput", round 2): inflating the
 * IDAT of a 28x28 grey Fashion-MNIST PNG with node:zlib (a native inflater per call) vs fflate
 * (pure JS into a preallocated buffer, plus the Adler-32 check fflate skips). Run:
 *   npx tsx bench/png-inflate-micro.ts
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzlibSync } from 'fflate';
import { ensureFashionMnist } from '../local/caffe/install';
import { greyPng } from '../local/fixtures/fashion-mnist';

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a += bytes[i]!;
    b += a;
  }
  return (((b % 65521) << 16) | (a % 65521)) >>> 0;
}

async function main(): Promise<void> {
  const raw = readFileSync(path.join(await ensureFashionMnist(), 'train-images-idx3-ubyte'));
  const idats: Buffer[] = [];
  for (let k = 0; k < 5000; k++) {
    const png = greyPng(raw.subarray(16 + k * 784, 16 + (k + 1) * 784), 28, 28);
    for (let offset = 8; ; ) {
      const length = png.readUInt32BE(offset);
      if (png.toString('latin1', offset + 4, offset + 8) === 'IDAT') {
        idats.push(png.subarray(offset + 8, offset + 8 + length));
        break;
      }
      offset += 12 + length;
    }
  }
  const limit = 28 * 29 + 1;
  for (let round = 0; round < 12; round++) {
    let start = process.hrtime.bigint();
    for (const idat of idats) inflateSync(idat, { maxOutputLength: limit });
    const zlib = Number(process.hrtime.bigint() - start) / idats.length / 1000;
    start = process.hrtime.bigint();
    for (const idat of idats) {
      const out = unzlibSync(idat, { out: new Uint8Array(limit) });
      if (adler32(out) !== idat.readUInt32BE(idat.length - 4)) throw new Error('Adler-32 mismatch');
    }
    const fflate = Number(process.hrtime.bigint() - start) / idats.length / 1000;
    console.log(`inflate per 28x28 PNG: node:zlib ${zlib.toFixed(1)} µs; fflate + Adler-32 ${fflate.toFixed(1)} µs`);
  }
}

void main();
