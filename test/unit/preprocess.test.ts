import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';
import { preprocessingFor, resizeBilinear, toNetInput, topK } from '../../core/caffe/preprocess';
import { decodeImage, ImageDecodeError } from '../../core/caffe/preprocess-image';

const rgba = (width: number, height: number, pixel: (x: number, y: number) => [number, number, number]) => {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([...pixel(x, y), 255], (y * width + x) * 4);
  return { width, height, data };
};

describe('preprocessingFor', () => {
  it("reads the TEST data layer's scale, per-channel means and crop", () => {
    const net = `layer { type: "Data" top: "data" include { phase: TRAIN } transform_param { scale: 2 mirror: true } }
layer { type: "Data" top: "data" include { phase: TEST } transform_param { scale: 0.5 mean_value: 104 mean_value: 117 mean_value: 123 crop_size: 4 } }`;
    expect(preprocessingFor(net, { channels: 3, height: 6, width: 6 })).toEqual({ channels: 3, height: 6, width: 6, channelOrder: 'BGR', cropSize: 4, mean: [104, 117, 123], scale: 0.5 });
  });

  it('refuses mean_file: datasets have no mean image', () => {
    expect(() => preprocessingFor('layer { type: "Data" transform_param { mean_file: "m.binaryproto" } }', { channels: 1, height: 2, width: 2 })).toThrow(/mean_file/);
  });
});

describe('toNetInput', () => {
  it('scales grey pixels as Caffe does: (x - mean) * scale, CHW', () => {
    const image = rgba(2, 1, (x) => (x === 0 ? [0, 0, 0] : [255, 255, 255]));
    expect(Array.from(toNetInput(image, { channels: 1, height: 1, width: 2, channelOrder: 'GRAY', scale: 0.00390625 }))).toEqual([0, 255 * 0.00390625]);
  });

  it('orders colour channels BGR (as OpenCV stored them) and subtracts each channel mean', () => {
    const image = rgba(1, 1, () => [10, 20, 30]);
    expect(Array.from(toNetInput(image, { channels: 3, height: 1, width: 1, channelOrder: 'BGR', mean: [1, 2, 3], scale: 1 }))).toEqual([29, 18, 7]);
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
    expect(topK([0.1, 0.6, 0.3], ['a', 'b', 'c'], 2)).toEqual([{ label: 'b', probability: 0.6 }, { label: 'c', probability: expect.closeTo(0.3) }]);
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
