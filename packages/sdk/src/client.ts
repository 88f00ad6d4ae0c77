/**
 * The Elastic Caffe client: typed resource methods for every operation (`client.trainingJobs.get`)
 * and the helpers a user would otherwise write (upload, waitFor, watch, followLogs, train, classify).
 * Browser-safe; `@elastic-caffe/sdk/node` extends it with paths, streams and IAM.
 */
import createClient, { type Client } from 'openapi-fetch';
import { classify, type ClassifyImage, type ClassifyOptions, type ImageResult } from './classify';
import type { paths } from './generated/openapi';
import { fetchPut, type PutTransport } from './put';
import { resources, type Resources } from './resources';
import { blobSource, type ByteSource } from './source';
import { train, type TrainOptions, type TrainResult } from './train';
import { apiFetch, type TransportOptions } from './transport';
import type { WorkRecord } from './types';
import { upload, uploadModel, type ModelUploadOptions, type UploadOptions } from './upload';
import { followLogs, waitFor, watch, type WaitOptions } from './wait';
import type { Datafile, Model } from './types';

export interface ClientOptions extends TransportOptions {
  /** The API's base URL, without `/v1` (e.g. http://127.0.0.1:3000). */
  endpoint: string;
  /** How bytes go to presigned storage URLs (default: fetch with Blob bodies). */
  put?: PutTransport;
}

/** A raw answer of `request()`: status, headers and the parsed body (JSON or text). */
export interface RawAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

export class ElasticCaffe {
  readonly endpoint: string;
  /** The openapi-fetch client, typed from the OpenAPI document, for anything the methods do not cover. */
  readonly api: Client<paths>;
  readonly datafiles: Resources['datafiles'];
  readonly datasets: Resources['datasets'];
  readonly solvers: Resources['solvers'];
  readonly trainingJobs: Resources['trainingJobs'];
  readonly classifiers: Resources['classifiers'];
  readonly classifyJobs: Resources['classifyJobs'];
  readonly models: Resources['models'];
  readonly sweeps: Resources['sweeps'];
  readonly admin: Resources['admin'];
  protected readonly resources: Resources;
  protected readonly put: PutTransport;
  private readonly fetch: (request: Request) => Promise<Response>;

  constructor(options: ClientOptions) {
    this.endpoint = options.endpoint.replace(/\/+$/, '');
    this.fetch = apiFetch(options);
    this.api = createClient<paths>({ baseUrl: this.endpoint, fetch: this.fetch });
    this.resources = resources(this.api);
    ({
      datafiles: this.datafiles,
      datasets: this.datasets,
      solvers: this.solvers,
      trainingJobs: this.trainingJobs,
    } = this.resources);
    ({ classifiers: this.classifiers, classifyJobs: this.classifyJobs, admin: this.admin } = this.resources);
    this.models = this.resources.models;
    this.sweeps = this.resources.sweeps;
    this.put = options.put ?? fetchPut(options.fetch);
  }

  /** Registers a datafile and uploads the source (multipart and resumable above the service's threshold). */
  upload(source: ByteSource | Blob, options: UploadOptions = {}): Promise<Datafile> {
    return upload(
      { api: this.resources, put: this.put },
      source instanceof Blob ? blobSource(source) : source,
      options,
    );
  }

  /** Registers a model and uploads its .caffemodel (multipart and resumable like `upload`); Caffe then checks it. */
  uploadModel(source: ByteSource | Blob, options: ModelUploadOptions = {}): Promise<Model> {
    return uploadModel(
      { api: this.resources, put: this.put },
      source instanceof Blob ? blobSource(source) : source,
      options,
    );
  }

  /** Polls the record until it is ready, succeeded, failed or cancelled; returns the final record. */
  waitFor<R extends WorkRecord>(record: R | string, options?: WaitOptions<R>): Promise<R> {
    return waitFor(this.resources, record, options);
  }

  /** Yields the training job each time it changes, the final record last. */
  watch(jobId: string, options?: { intervalMs?: number; signal?: AbortSignal }) {
    return watch(this.resources, jobId, options);
  }

  /** Yields Caffe's log lines; with `follow` (default) until the job ends. */
  followLogs(
    jobId: string,
    options?: { offset?: number; signal?: AbortSignal; follow?: boolean },
  ): AsyncGenerator<string> {
    return followLogs(this.resources, jobId, options);
  }

  /** Data → datafile(s) → dataset → solver → training job, followed to its end. */
  train(options: TrainOptions): Promise<TrainResult> {
    return train({ api: this.resources, put: this.put }, options);
  }

  /** Any number of images; one result per image, in input order. */
  classify(classifierId: string, images: ClassifyImage[], options?: ClassifyOptions): Promise<ImageResult[]> {
    return classify({ api: this.resources, put: this.put }, classifierId, images, options);
  }

  /**
   * Any call by method and path (e.g. `/v1/training-jobs`), through the same auth and retries; never
   * throws for a status.
   */
  async request<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<RawAnswer<T>> {
    const headers = new Headers(options.headers);
    if (options.body !== undefined) headers.set('content-type', 'application/json');
    const response = await this.fetch(
      new Request(`${this.endpoint}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      }),
    );
    const text = await response.text();
    const body = (response.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return { status: response.status, headers: response.headers, body: body as T };
  }
}
