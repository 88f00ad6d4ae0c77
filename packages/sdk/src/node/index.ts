/**
 * @elastic-caffe/sdk/node — the client with Node's extras: `upload`, `train` and `classify` take
 * paths (a folder is packed as a plain tar on the fly) and streams, bytes go to storage through
 * node:http with exact lengths and progress, IAM signing with the default credential chain, and a
 * Cognito token cache on disk.
 */
import type { Readable } from 'node:stream';
import { ElasticCaffe as BaseClient, type ClientOptions } from '../client';
import type { ClassifyImage, ClassifyOptions, ImageResult } from '../classify';
import { blobSource, type ByteSource } from '../source';
import type { TrainData, TrainOptions, TrainResult } from '../train';
import type { Datafile, Model } from '../types';
import type { ModelUploadOptions, UploadOptions } from '../upload';
import { nodePut } from './put';
import { imagesFromPaths, pathSource, streamSource } from './sources';

export * from '../index';
export { fileSource, folderSource, imagesFromPaths, listFiles, pathSource, streamSource } from './sources';
export { nodePut } from './put';
export { iamAuth, type IamAuthOptions } from './iam';
export { fileTokenCache } from './token-cache';

/** Upload input in Node: a path (file or folder), a stream with its size, a Blob, or any ByteSource. */
export type NodeUploadInput =
  | string
  | { stream: Readable | AsyncIterable<Uint8Array>; size: number; name?: string }
  | Blob
  | ByteSource;

/** Data for `train` in Node: a path, or an id (`df_…`, `ds_…`), or a source. */
export type NodeTrainData = NodeUploadInput;

const isId = (text: string) => /^(df|ds)_[0-9a-z]{26}$/.test(text);
type StreamInput = { stream: Readable | AsyncIterable<Uint8Array>; size: number; name?: string };
const isStream = (input: NodeUploadInput): input is StreamInput =>
  typeof input === 'object' && !(input instanceof Blob) && 'stream' in input;

async function toSource(input: NodeUploadInput): Promise<ByteSource | Blob> {
  if (typeof input === 'string') return pathSource(input);
  if (isStream(input)) return streamSource(input.stream, input.size, input.name);
  return input;
}

export class ElasticCaffe extends BaseClient {
  constructor(options: ClientOptions) {
    super({ put: nodePut, ...options });
  }

  override async upload(input: NodeUploadInput, options: UploadOptions = {}): Promise<Datafile> {
    return super.upload(await toSource(input), isStream(input) ? { ...options, concurrency: 1 } : options);
  }

  /** A .caffemodel (a path, a stream or bytes) registered as a model and uploaded. */
  override async uploadModel(input: NodeUploadInput, options: ModelUploadOptions = {}): Promise<Model> {
    return super.uploadModel(await toSource(input), isStream(input) ? { ...options, concurrency: 1 } : options);
  }

  override async train(
    options: Omit<TrainOptions, 'data' | 'testData'> & { data: NodeTrainData; testData?: NodeTrainData },
  ): Promise<TrainResult> {
    const data = async (input: NodeTrainData): Promise<TrainData> => {
      if (typeof input === 'string' && isId(input)) return input;
      const source = await toSource(input);
      return source instanceof Blob ? blobSource(source) : source;
    };
    const { testData, ...rest } = options;
    return super.train({
      ...rest,
      data: await data(options.data),
      ...(testData ? { testData: await data(testData) } : {}),
    });
  }

  /** Images as paths (files, or folders of images) or ClassifyImages; one result per image, in order. */
  override async classify(
    classifierId: string,
    images: Array<string | ClassifyImage>,
    options?: ClassifyOptions,
  ): Promise<ImageResult[]> {
    const resolved: ClassifyImage[] = [];
    for (const image of images)
      resolved.push(...(typeof image === 'string' ? await imagesFromPaths([image]) : [image]));
    return super.classify(classifierId, resolved, options);
  }
}
