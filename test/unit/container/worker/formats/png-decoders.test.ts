/**
 * The stream import's PNG decoder threads (container/worker/formats/png-decoders.ts): whatever
 * thread finishes first, answers come back in call order (the import relies on it for key order),
 * they equal the main thread's own decoding, and a bad image is named, not lost.
 */
import { PNG } from 'pngjs';
import { decodePlainPng, PngDecoders, type Decoded } from '../../../../../container/worker/formats/png-decoders';

jest.setTimeout(60_000);

function greyPng(seed: number, width: number, height: number): Buffer {
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = Buffer.from(Array.from({ length: width * height }, (_, i) => (seed * 31 + i * 7) & 0xff));
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

const shape = { width: 6, height: 5, channels: 1 };
const images = Array.from({ length: 700 }, (_, i) => greyPng(i, shape.width, shape.height));
// Image 321 cut short: a problem in the middle of a batch.
images[321] = images[321]!.subarray(0, 40);

describe('PngDecoders', () => {
  it.each([0, 1, 3])('with %i threads answers every image in call order, as decodePlainPng does', async (threads) => {
    const decoders = new PngDecoders(threads);
    try {
      const order: number[] = [];
      const answers = await Promise.all(
        images.map((bytes, i) =>
          decoders.decode(bytes, shape).then((decoded) => {
            order.push(i);
            return decoded;
          }),
        ),
      );
      expect(order).toEqual(images.map((_, i) => i));
      const expected: Decoded[] = images.map((bytes) => decodePlainPng(bytes, shape));
      expect(answers).toEqual(expected);
      expect(answers[321]).toEqual({ problem: 'is a corrupt or truncated PNG (it does not decode)' });
      expect(answers[0]).toEqual({ pixels: Buffer.from(Array.from({ length: 30 }, (_, i) => (i * 7) & 0xff)) });
    } finally {
      await decoders.close();
    }
  });

  it('gives grey as three planes when colour is asked for', async () => {
    const decoders = new PngDecoders(1);
    try {
      const decoded = await decoders.decode(images[2]!, { ...shape, channels: 3 });
      const grey = (decodePlainPng(images[2]!, shape) as { pixels: Buffer }).pixels;
      expect(decoded).toEqual({ pixels: Buffer.concat([grey, grey, grey]) });
    } finally {
      await decoders.close();
    }
  });
});
