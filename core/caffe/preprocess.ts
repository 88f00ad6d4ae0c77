/**
 * The preprocessing a trained net expects, and the one implementation of it. Training sees images
 * as the dataset stored them (convert_imageset: decoded by OpenCV, BGR for colour, resized to the
 * dataset's shape) and then Caffe's DataTransformer in the TEST phase: centre crop, `(x - mean) *
 * scale`, no mirror. Caffe's example `classification` tool does neither the scale nor the crop the
 * same way, which is why inference has its own path (container/inference/).
 */
import { getAll, getField, getScalar, isMessage } from '../prototxt';
import { effectiveTransform } from './data-layers';
import { DeployDerivationError, deploySource, type ImageShape } from './deploy';
import type { MeanImage } from './mean';
import { parseProtoInt } from './solver-rules';

/**
 * Everything needed to turn a decoded image into the net's input; stored with the classifier and in the model bundle.
 */
export interface Preprocessing {
  /** The dataset's stored image shape: images are converted (grey/colour) and resized to it. */
  channels: number;
  height: number;
  width: number;
  /** Channel order of colour input, as OpenCV (and so convert_imageset) stores it. */
  channelOrder: 'BGR' | 'GRAY';
  /** Centre crop (a square of this side), as the TEST phase crops. */
  cropSize?: number;
  /** Per-channel mean subtracted before scaling (one value applies to every channel). */
  mean?: number[];
  /**
   * The dataset's mean image (a BlobProto of channels × height × width, the file named here in the
   * model bundle), subtracted pixel by pixel from the resized image before the crop and the
   * scale — what the net's `mean_file` does in Caffe's DataTransformer. Exclusive with `mean`.
   */
  meanFile?: typeof meanFileName;
  /** Multiplier applied after the mean is subtracted (transform_param.scale; 1 if unset). */
  scale: number;
}

/** The mean image's name in the model bundle and in `Preprocessing.meanFile`. */
export const meanFileName = 'mean.binaryproto';

/** Reads the transform of the data layer in the test net a classifier stands for (deploy.ts' deploySource). */
export function preprocessingFor(
  trainingNet: string,
  shape: ImageShape,
  options: { solver?: string } = {},
): Preprocessing {
  const { data } = deploySource(trainingNet, options.solver);
  const transform = effectiveTransform(data);
  const means = getAll(transform, 'mean_value').flatMap((f) => (isMessage(f.value) ? [] : [Number(f.value.text)]));
  if (means.length > 1 && means.length !== shape.channels)
    throw new DeployDerivationError(
      `transform_param has ${means.length} mean_value entries; the dataset's images have ${shape.channels} channels`,
    );
  const crop = parseProtoInt(getScalar(transform, 'crop_size') ?? '0') ?? 0;
  if (crop > Math.min(shape.height, shape.width))
    throw new DeployDerivationError(
      `transform_param.crop_size ${crop} is larger than the dataset's ${shape.width}x${shape.height} images`,
    );
  const scale = Number(getScalar(transform, 'scale') ?? '1');
  return {
    channels: shape.channels,
    height: shape.height,
    width: shape.width,
    channelOrder: shape.channels === 1 ? 'GRAY' : 'BGR',
    ...(crop > 0 ? { cropSize: crop } : {}),
    ...(means.length ? { mean: means } : {}),
    ...(getField(transform, 'mean_file') ? { meanFile: meanFileName } : {}),
    scale: Number.isFinite(scale) ? scale : 1,
  };
}

/** A decoded image: RGBA bytes, row-major (what the PNG and JPEG decoders give). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * The net's input for one image: channels x (crop or height) x (crop or width), float32, CHW.
 * `meanImage` is the dataset's mean image, needed when the preprocessing names a meanFile.
 */
export function toNetInput(image: RgbaImage, p: Preprocessing, meanImage?: MeanImage): Float32Array {
  const meanAt = meanImageLookup(p, meanImage);
  const pixels =
    image.width === p.width && image.height === p.height ? image : resizeBilinear(image, p.width, p.height);
  const outH = p.cropSize ?? p.height;
  const outW = p.cropSize ?? p.width;
  // Caffe's DataTransformer crops the centre at test time: offset (size - crop) / 2, rounded down.
  const top = Math.floor((p.height - outH) / 2);
  const left = Math.floor((p.width - outW) / 2);
  const out = new Float32Array(p.channels * outH * outW);
  for (let c = 0; c < p.channels; c++) {
    const mean = p.mean ? (p.mean.length === 1 ? p.mean[0]! : p.mean[c]!) : 0;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        const i = ((y + top) * p.width + (x + left)) * 4;
        const value = p.channels === 1 ? grey(pixels.data, i) : pixels.data[i + 2 - c]!; // BGR: channel 0 is blue
        // The DataTransformer reads the mean image at the pixel's place in the uncropped image.
        const subtract = meanAt ? meanAt[(c * p.height + y + top) * p.width + x + left]! : mean;
        out[(c * outH + y) * outW + x] = (value - subtract) * p.scale;
      }
    }
  }
  return out;
}

/** The mean image's data when the preprocessing subtracts one; of the dataset's shape (Caffe CHECKs the same). */
function meanImageLookup(p: Preprocessing, meanImage: MeanImage | undefined): Float32Array | undefined {
  if (!p.meanFile) return undefined;
  if (!meanImage) throw new Error("this preprocessing subtracts the dataset's mean image; pass it to toNetInput");
  if (meanImage.channels !== p.channels || meanImage.height !== p.height || meanImage.width !== p.width) {
    const [mean, images] = [meanImage, p].map((s) => `${s.channels}x${s.height}x${s.width}`);
    throw new Error(`the mean image is ${mean}, the images ${images}`);
  }
  return meanImage.data;
}

/** OpenCV's RGB→grey weights in its fixed-point form (cvtColor, 14 bits), so grey matches convert_imageset. */
function grey(data: Uint8Array, i: number): number {
  return (data[i]! * 4899 + data[i + 1]! * 9617 + data[i + 2]! * 1868 + 8192) >> 14;
}

/** Bilinear resize with pixel centres at +0.5 (OpenCV's INTER_LINEAR, which convert_imageset uses). */
export function resizeBilinear(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), image.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, image.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), image.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, image.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 4; c++) {
        const at = (yy: number, xx: number) => image.data[(yy * image.width + xx) * 4 + c]!;
        const v = (1 - wy) * ((1 - wx) * at(y0, x0) + wx * at(y0, x1)) + wy * ((1 - wx) * at(y1, x0) + wx * at(y1, x1));
        data[(y * width + x) * 4 + c] = Math.round(v);
      }
    }
  }
  return { width, height, data };
}

/** The k most probable labels, most probable first. */
export function topK(
  probabilities: ArrayLike<number>,
  labels: readonly string[],
  k: number,
): Array<{ label: string; probability: number }> {
  return Array.from(probabilities, (probability, index) => ({ label: labels[index] ?? String(index), probability }))
    .sort((a, b) => b.probability - a.probability)
    .slice(0, k);
}
