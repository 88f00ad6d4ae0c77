/**
 * @elastic-caffe/sdk — the typed client of the Elastic Caffe API (Node ≥ 20 and browsers).
 * Node-only parts (paths and streams to upload, IAM signing with the default credential chain, a
 * token cache on disk) are in `@elastic-caffe/sdk/node`; Cognito sign-in in `@elastic-caffe/sdk/cognito`.
 */
export { ElasticCaffe, type ClientOptions, type RawAnswer } from './client';
export {
  ApiError,
  NetworkError,
  RecordFailedError,
  UploadError,
  isAbort,
  type FieldError,
  type Problem,
} from './errors';
export {
  bearerAuth,
  fetchLocalToken,
  jwtExpiry,
  localTokenAuth,
  needsRenewal,
  staticToken,
  type AuthProvider,
  type LocalToken,
  type LocalTokenOptions,
  type TokenCache,
} from './auth';
export {
  apiFetch,
  takesIdempotencyKey,
  type ResponseObserver,
  type RetryOptions,
  type TransportOptions,
} from './transport';
export { fetchPut, PutFailed, type PutRequest, type PutTransport } from './put';
export { blobSource, bytesSource, toBlob, type ByteSource, type Chunk } from './source';
export { tarSource, ustarHeader, type TarFile } from './tar';
export type { ModelUploadOptions, UploadOptions, UploadProgress } from './upload';
export { isFailure, isFinal, type WaitOptions } from './wait';
export type { TrainData, TrainEvent, TrainOptions, TrainResult, TrainSide } from './train';
export { classifyLimits, syncBatches, type ClassifyImage, type ClassifyOptions, type ImageResult } from './classify';
export type { LogWindow, Resources } from './resources';
export * from './types';
