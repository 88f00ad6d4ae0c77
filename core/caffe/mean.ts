/**
 * The dataset's mean image: where a net asks for it (`mean_file`, which the service binds to the
 * dataset's own mean, rewrite.ts) and what it holds (Caffe's BlobProto, as compute_image_mean
 * writes it: num 1, channels, height, width, the float data channel by channel).
 */
import { getField, getMessage, type PField, type PMessage } from '../prototxt';
import { layerEntries } from './net-state';

/** Where a layer may name a mean file: transform_param, and the deprecated copies Caffe upgrades into it. */
const MEAN_FILE_PARAMS = ['transform_param', 'data_param', 'image_data_param'] as const;

/** The layer's `mean_file` fields (any of the places Caffe reads one from). */
export function meanFileFields(layer: PMessage): PField[] {
  return MEAN_FILE_PARAMS.flatMap(
    (name) => getMessage(layer, name)?.fields.filter((f) => f.name === 'mean_file') ?? [],
  );
}

/** The layer's first `mean_file` field, if any. */
export const meanFileField = (layer: PMessage): PField | undefined => meanFileFields(layer)[0];

/** Whether any layer of the net names a mean file (the job then needs the dataset's mean image). */
export function netUsesMeanFile(net: PMessage): boolean {
  return layerEntries(net).some((entry) => meanFileField(entry.value as PMessage) !== undefined);
}

/** The transform_param's `mean_value` field, if any (for locating messages). */
export const meanValueField = (layer: PMessage): PField | undefined =>
  getField(getMessage(layer, 'transform_param') ?? { fields: [] }, 'mean_value');

export interface MeanImage {
  channels: number;
  height: number;
  width: number;
  /** channels × height × width floats, channel-major (Caffe's layout; BGR for colour). */
  data: Float32Array;
}

/** The bytes are not a BlobProto holding one image. */
export class BlobProtoError extends Error {
  override name = 'BlobProtoError';
}

/**
 * Reads a BlobProto (caffe.proto: num 1, channels 2, height 3, width 4, data 5 — packed or not —,
 * shape 7 as BlobShape { repeated int64 dim = 1 }); other fields are skipped.
 */
export function readBlobProto(bytes: Uint8Array): MeanImage {
  const reader = new ProtoReader(bytes);
  const legacy: Record<number, number> = {};
  let dims: number[] | undefined;
  const floats: number[] = [];
  let packed: Float32Array | undefined;
  while (!reader.done()) {
    const [field, wire] = reader.tag();
    if (wire === 0 && field >= 1 && field <= 4) legacy[field] = reader.varint();
    else if (field === 5 && wire === 2) packed = reader.floats();
    else if (field === 5 && wire === 5) floats.push(reader.float());
    else if (field === 7 && wire === 2) dims = new ProtoReader(reader.bytes()).dims();
    else reader.skip(wire);
  }
  const data = packed ?? Float32Array.from(floats);
  // A 4-axis shape is (num, channels, height, width); fewer axes drop the leading ones.
  const shape = dims
    ? [1, 1, 1, 1, ...dims].slice(-4)
    : [legacy[1] ?? 1, legacy[2] ?? 0, legacy[3] ?? 0, legacy[4] ?? 0];
  const [num, channels, height, width] = shape as [number, number, number, number];
  if (num !== 1 || channels * height * width === 0)
    throw new BlobProtoError(`the mean is a ${shape.join('x')} blob, not one image`);
  if (data.length !== channels * height * width)
    throw new BlobProtoError(`the mean blob says ${channels}x${height}x${width} but holds ${data.length} values`);
  return { channels, height, width, data };
}

/** The mean of each channel of a mean image (B, G, R for colour), rounded to 4 decimals. */
export function channelMeans(image: MeanImage): number[] {
  const plane = image.height * image.width;
  return Array.from({ length: image.channels }, (_, c) => {
    let sum = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) sum += image.data[i]!;
    return Math.round((sum / plane) * 1e4) / 1e4;
  });
}

/** Just enough of protobuf's wire format for a BlobProto. */
class ProtoReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  done(): boolean {
    return this.offset >= this.data.length;
  }

  tag(): [number, number] {
    const tag = this.varint();
    return [Math.floor(tag / 8), tag % 8];
  }

  varint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.data[this.offset++];
      if (byte === undefined) throw new BlobProtoError('the mean blob is truncated');
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }

  bytes(): Uint8Array {
    const length = this.varint();
    if (this.offset + length > this.data.length) throw new BlobProtoError('the mean blob is truncated');
    const out = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  float(): number {
    if (this.offset + 4 > this.data.length) throw new BlobProtoError('the mean blob is truncated');
    const value = this.view.getFloat32(this.offset, true);
    this.offset += 4;
    return value;
  }

  floats(): Float32Array {
    const chunk = this.bytes();
    if (chunk.length % 4 !== 0) throw new BlobProtoError('the mean blob has a partial float');
    const out = new Float32Array(chunk.length / 4);
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }

  /** BlobShape's dims: repeated int64 dim = 1, packed or not. */
  dims(): number[] {
    const dims: number[] = [];
    while (!this.done()) {
      const [field, wire] = this.tag();
      if (field === 1 && wire === 0) dims.push(this.varint());
      else if (field === 1 && wire === 2) {
        const inner = new ProtoReader(this.bytes());
        while (!inner.done()) dims.push(inner.varint());
      } else this.skip(wire);
    }
    return dims;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.offset += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.offset += 4;
    else throw new BlobProtoError(`the mean blob has an unknown wire type ${wire}`);
  }
}
