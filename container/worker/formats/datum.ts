/**
 * Caffe's `Datum` and the mean `BlobProto`, serialized exactly as Caffe 1.0's tools write them, so
 * the worker can fill an LMDB without running `convert_imageset` / `convert_mnist_data` and
 * `compute_image_mean` (test/integration/import-identity.test.ts compares the bytes). Protobuf
 * writes set fields in field-number order; the messages (caffe.proto):
 *   Datum     { int32 channels = 1; int32 height = 2; int32 width = 3; bytes data = 4;
 *               int32 label = 5; repeated float float_data = 6; bool encoded = 7; }
 *   BlobProto { int32 num = 1; channels = 2; height = 3; width = 4; repeated float data = 5 [packed]; }
 */

function varint(value: number, out: number[]): void {
  if (value >= 0 && value <= 0x7fffffff) {
    // The common case (every label, every size) in plain number arithmetic: BigInt costs per Datum.
    let v = value;
    while (v > 0x7f) {
      out.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.push(v);
    return;
  }
  // int32 fields: negative values take 10 bytes (two's complement as uint64).
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
}

function varintField(field: number, value: number, out: number[]): void {
  varint(field << 3, out);
  varint(value, out);
}

export interface DatumFields {
  channels: number;
  height: number;
  width: number;
  /** channels × height × width bytes, channel-major (Caffe's layout). */
  data: Uint8Array;
  label: number;
  /**
   * convert_imageset sets `encoded: false` explicitly (CVMatToDatum), so the field is written;
   * convert_mnist_data never touches it, so it is absent.
   */
  encodedFalse: boolean;
}

/** A Datum's protobuf bytes. The fixed part before the pixels is built once per shape by `datumWriter`. */
export function encodeDatum(datum: DatumFields): Buffer {
  return datumWriter(datum.channels, datum.height, datum.width, datum.encodedFalse)(datum.data, datum.label);
}

/** A serializer for Datums of one shape: the header up to the data bytes is the same for all of them. */
export function datumWriter(
  channels: number,
  height: number,
  width: number,
  encodedFalse: boolean,
): (data: Uint8Array, label: number) => Buffer {
  const size = channels * height * width;
  const head: number[] = [];
  varintField(1, channels, head);
  varintField(2, height, head);
  varintField(3, width, head);
  varint((4 << 3) | 2, head);
  varint(size, head);
  const headBytes = Buffer.from(head);
  return (data, label) => {
    if (data.length !== size)
      throw new Error(`a ${channels}x${height}x${width} Datum needs ${size} bytes, not ${data.length}`);
    const tail: number[] = [];
    varintField(5, label, tail);
    if (encodedFalse) varintField(7, 0, tail);
    const out = Buffer.allocUnsafe(headBytes.length + size + tail.length);
    headBytes.copy(out, 0);
    out.set(data, headBytes.length);
    out.set(tail, headBytes.length + size);
    return out;
  };
}

/**
 * The mean image as `compute_image_mean` computes it: a float32 sum per pixel, one Datum at a time,
 * divided by the count in float32. Added in the database's key order the result is the tool's to
 * the bit; in another order it is still the same while every sum stays an exact float32 integer
 * (255 × count < 2^24, i.e. up to 65,793 images), because then no addition rounds. `exact`
 * sums in float64 (exact for any count) for callers that add out of key order: identical up to
 * that count, and beyond it the exact mean rounded once instead of the tool's drifting sum.
 */
export class MeanAccumulator {
  private readonly sums: Float32Array | Float64Array;
  count = 0;

  constructor(
    readonly channels: number,
    readonly height: number,
    readonly width: number,
    sums: 'float32' | 'exact' = 'float32',
  ) {
    this.sums =
      sums === 'exact' ? new Float64Array(channels * height * width) : new Float32Array(channels * height * width);
  }

  add(data: Uint8Array): void {
    const sums = this.sums;
    // A Float32Array store rounds the (exact) double sum to float32: what the tool's float += does.
    for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! + data[i]!;
    this.count++;
  }

  /** The BlobProto compute_image_mean writes (num 1, the shape, the packed float data). */
  blobProto(): Buffer {
    const mean = new Float32Array(this.sums.length);
    for (let i = 0; i < mean.length; i++) mean[i] = this.sums[i]! / this.count;
    const head: number[] = [];
    varintField(1, 1, head);
    varintField(2, this.channels, head);
    varintField(3, this.height, head);
    varintField(4, this.width, head);
    varint((5 << 3) | 2, head);
    varint(mean.byteLength, head);
    return Buffer.concat([Buffer.from(head), Buffer.from(mean.buffer, mean.byteOffset, mean.byteLength)]);
  }
}
