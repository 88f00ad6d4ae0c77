import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { preprocessingFor, resizeBilinear, toNetInput, topK } from '../../../../core/caffe/preprocess';
import { decodeImage, ImageDecodeError } from '../../../../core/caffe/preprocess-image';
import { BlobProtoError, channelMeans, readBlobProto } from '../../../../core/caffe/mean';

const rgba = (width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) => {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...pixel(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
};

describe('preprocessingFor', () => {
  it("reads the TEST data layer's scale, per-channel means and crop", () => {
    const net =
      `layer { type: "Data" top: "data" include { phase: TRAIN } transform_param { scale: 2 mirror: true } }
layer { type: "Data" top: "data" include { phase: TEST } ` +
      `transform_param { scale: 0.5 mean_value: 104 mean_value: 117 mean_value: 123 crop_size: 4 } }`;
    expect(preprocessingFor(net, { channels: 3, height: 6, width: 6 })).toEqual({
      channels: 3,
      height: 6,
      width: 6,
      channelOrder: 'BGR',
      cropSize: 4,
      mean: [104, 117, 123],
      scale: 0.5,
    });
  });

  it("a mean_file means the dataset's mean image, whatever path the net names", () => {
    const net = 'layer { type: "Data" top: "data" transform_param { mean_file: "/x/mean.binaryproto" scale: 0.5 } }';
    const grey2 = { channels: 1, height: 2, width: 2 };
    const expected = { ...grey2, channelOrder: 'GRAY', meanFile: 'mean.binaryproto', scale: 0.5 };
    expect(preprocessingFor(net, grey2)).toEqual(expected);
  });

  it('V1 nets: the deprecated data_param copies of crop_size, scale and mean_file apply (Caffe upgrades them)', () => {
    const v1 =
      'layers { type: DATA top: "data" data_param { crop_size: 2 scale: 0.25 mean_file: "m" } ' +
      'transform_param { scale: 1 } }';
    const colour4 = { channels: 3, height: 4, width: 4 };
    expect(preprocessingFor(v1, colour4)).toMatchObject({ cropSize: 2, scale: 0.25, meanFile: 'mean.binaryproto' });
    // A current-format layer's data_param copies are ignored by Caffe, and so here.
    const v2 = 'layer { type: "Data" top: "data" data_param { crop_size: 2 scale: 0.25 } }';
    expect(preprocessingFor(v2, colour4)).toEqual({ ...colour4, channelOrder: 'BGR', scale: 1 });
  });
});

describe('toNetInput', () => {
  it('scales grey pixels as Caffe does: (x - mean) * scale, CHW', () => {
    const image = rgba(2, 1, (x) => (x === 0 ? [0, 0, 0] : [255, 255, 255]));
    expect(
      Array.from(toNetInput(image, { channels: 1, height: 1, width: 2, channelOrder: 'GRAY', scale: 0.00390625 })),
    ).toEqual([0, 255 * 0.00390625]);
  });

  it('orders colour channels BGR (as OpenCV stored them) and subtracts each channel mean', () => {
    const image = rgba(1, 1, () => [10, 20, 30]);
    expect(
      Array.from(
        toNetInput(image, { channels: 3, height: 1, width: 1, channelOrder: 'BGR', mean: [1, 2, 3], scale: 1 }),
      ),
    ).toEqual([29, 18, 7]);
  });

  it('crops the centre, offset rounded down like the DataTransformer', () => {
    const image = rgba(5, 5, (x, y) => [y * 5 + x, 0, 0]);
    const input = toNetInput(image, { channels: 3, height: 5, width: 5, channelOrder: 'BGR', cropSize: 2, scale: 1 });
    // Red is channel 2; offset (5 - 2) / 2 = 1.
    expect(Array.from(input.subarray(8, 12))).toEqual([6, 7, 11, 12]);
  });

  it('converts colour to grey with OpenCV weights', () => {
    const image = rgba(1, 1, () => [255, 0, 0]);
    expect(toNetInput(image, { channels: 1, height: 1, width: 1, channelOrder: 'GRAY', scale: 1 })[0]).toBe(76);
  });
});

describe('resizeBilinear', () => {
  it('halves a 2x2 block to its average and keeps a constant image constant', () => {
    const image = rgba(2, 2, (x, y) => [x * 100 + y * 50, 7, 7]);
    const small = resizeBilinear(image, 1, 1);
    expect(Array.from(small.data)).toEqual([75, 7, 7, 255]);
  });
});

describe('topK', () => {
  it('answers the k most probable labels, most probable first', () => {
    expect(topK([0.1, 0.6, 0.3], ['a', 'b', 'c'], 2)).toEqual([
      { label: 'b', probability: 0.6 },
      { label: 'c', probability: expect.closeTo(0.3) },
    ]);
  });
});

describe('decodeImage', () => {
  it('decodes PNG and JPEG to RGBA', () => {
    const png = new PNG({ width: 3, height: 2 });
    png.data.fill(200);
    expect(decodeImage(PNG.sync.write(png))).toMatchObject({ width: 3, height: 2 });
    const jpg = jpeg.encode({ width: 4, height: 4, data: Buffer.alloc(64, 128) }, 90).data;
    const decoded = decodeImage(Buffer.from(jpg));
    expect([decoded.width, decoded.height, Math.abs(decoded.data[0]! - 128) < 3]).toEqual([4, 4, true]);
  });

  it('refuses bytes that are no image, and a truncated PNG', () => {
    expect(() => decodeImage(Buffer.from('hello'))).toThrow(new ImageDecodeError('not a PNG or JPEG image'));
    const png = PNG.sync.write(new PNG({ width: 8, height: 8 }));
    expect(() => decodeImage(png.subarray(0, 40))).toThrow(ImageDecodeError);
  });
});

describe('the mean image (mean_file)', () => {
  const blobProto = (channels: number, height: number, width: number, values: number[]) => {
    const floats = Buffer.from(new Float32Array(values).buffer);
    const head = [0x08, 1, 0x10, channels, 0x18, height, 0x20, width, 0x2a, floats.length];
    return Buffer.concat([Buffer.from(head), floats]);
  };

  it('reads a BlobProto as compute_image_mean writes it, and its per-channel means', () => {
    const mean = readBlobProto(blobProto(2, 1, 2, [1, 2, 10, 20.5]));
    expect([mean.channels, mean.height, mean.width, Array.from(mean.data)]).toEqual([2, 1, 2, [1, 2, 10, 20.5]]);
    expect(channelMeans(mean)).toEqual([1.5, 15.25]);
  });

  it('reads the newer shape field and unpacked floats too; refuses a blob that is not one image', () => {
    // shape { dim: 1 dim: 1 dim: 1 dim: 2 } then data as two unpacked floats (wire type 5).
    const shape = Buffer.from([0x3a, 8, 0x08, 1, 0x08, 1, 0x08, 1, 0x08, 2]);
    const float = (v: number) => Buffer.concat([Buffer.from([0x2d]), Buffer.from(new Float32Array([v]).buffer)]);
    expect(Array.from(readBlobProto(Buffer.concat([shape, float(3), float(4)])).data)).toEqual([3, 4]);
    const short = blobProto(3, 2, 2, [1]);
    expect(() => readBlobProto(short)).toThrow(new BlobProtoError('the mean blob says 3x2x2 but holds 1 values'));
    expect(() => readBlobProto(Buffer.from([0x08, 2, 0x10, 1, 0x18, 1, 0x20, 1]))).toThrow(/not one image/);
  });

  it("is subtracted at each pixel's place in the uncropped image, before the scale (the DataTransformer)", () => {
    const image = rgba(4, 4, (x, y) => [0, 0, 100 + y * 4 + x]); // blue channel 100..115
    const meanData = Array.from({ length: 16 }, (_, i) => i); // mean pixel i at (i / 4, i % 4)
    const p = {
      ...{ channels: 3, height: 4, width: 4, channelOrder: 'BGR' as const },
      ...{ cropSize: 2, meanFile: 'mean.binaryproto' as const, scale: 0.5 },
    };
    const mean = { channels: 3, height: 4, width: 4, data: new Float32Array([...meanData, ...meanData, ...meanData]) };
    const input = toNetInput(image, p, mean);
    // The crop starts at (1, 1): blue pixels 105, 106, 109, 110 minus means 5, 6, 9, 10, halved.
    expect(Array.from(input.subarray(0, 4))).toEqual([50, 50, 50, 50]);
    expect(() => toNetInput(image, p)).toThrow(/pass it to toNetInput/);
    const wrong = { ...mean, height: 2, data: new Float32Array(24) };
    expect(() => toNetInput(image, p, wrong)).toThrow('the mean image is 3x2x4, the images 3x4x4');
  });
});
