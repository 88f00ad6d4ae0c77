/**
 * `upload(source)`: registers a datafile and sends its bytes straight to storage — one presigned
 * PUT, or above the service's threshold a multipart upload with parts in parallel, each retried,
 * and resumable after an interruption (`{ resume: datafileId }` asks the API which parts are
 * missing and sends only those).
 */
import { ApiError, UploadError, isAbort } from './errors';
import type { PutTransport } from './put';
import { PutFailed } from './put';
import type { Resources } from './resources';
import { backoffMs, sleep } from './sleep';
import type { ByteSource } from './source';
import type { CreateDatafile, CreateModel, Datafile, Model, MultipartUpload } from './types';

export interface UploadProgress {
  /** Bytes the service has (parts stored before a resume count). */
  sentBytes: number;
  totalBytes: number;
  /** The datafile's id (the model's, for a model upload). */
  datafileId: string;
}

export interface UploadOptions {
  /** The datafile's name (default: the source's name). */
  name?: string;
  /** Default `image-folders`. */
  format?: CreateDatafile['format'];
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
  /** Continue the multipart upload of this datafile: only the parts it lacks are sent. */
  resume?: string;
  /** Parts sent at once (default 4). */
  concurrency?: number;
  /** Tries per part or single PUT (default 5). */
  attempts?: number;
}

export interface UploadContext {
  api: Resources;
  put: PutTransport;
}

/** Retries a PUT on network errors and 5xx (and 403, a presigned URL that expired: `refresh` renews it). */
async function withRetries(
  attempts: number,
  signal: AbortSignal | undefined,
  send: () => Promise<void>,
  refresh?: () => Promise<void>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      const status = error instanceof PutFailed ? error.status : undefined;
      const retriable = status === undefined || status >= 500 || status === 403 || status === 408 || status === 429;
      if (isAbort(error) || signal?.aborted || !retriable || attempt + 1 >= attempts) throw error;
      await sleep(backoffMs(attempt, 500, 8000), signal);
      if (status === 403 && refresh) await refresh();
    }
  }
}

type PutInstructions = { method: 'PUT'; url: string; headers: Record<string, string> };

/** What bytes are uploaded to: a datafile or a model (the same presigned and multipart machinery). */
interface UploadTarget<R> {
  create(sizeBytes: number): Promise<{ id: string; upload?: MultipartUpload | PutInstructions | null }>;
  get(id: string): Promise<R & { id: string; sizeBytes?: number }>;
  uploadStatus(id: string): Promise<MultipartUpload>;
  complete(id: string): Promise<R>;
  delete(id: string): Promise<void>;
}

/** Registers a datafile and uploads the source to it. */
export function upload(context: UploadContext, source: ByteSource, options: UploadOptions = {}): Promise<Datafile> {
  const { datafiles } = context.api;
  const target: UploadTarget<Datafile> = {
    create: (sizeBytes) =>
      datafiles.create({
        name: options.name ?? source.name ?? 'upload',
        format: options.format ?? 'image-folders',
        sizeBytes,
      }),
    get: datafiles.get,
    uploadStatus: datafiles.uploadStatus,
    complete: datafiles.complete,
    delete: datafiles.delete,
  };
  return uploadTo(context, target, source, options);
}

export interface ModelUploadOptions extends Omit<UploadOptions, 'format'> {
  /** The deploy net, labels and preprocessing to register with the weights. */
  model?: Omit<CreateModel, 'name' | 'sizeBytes' | 'url' | 'trainingJobId' | 'iteration'>;
}

/** Registers a model and uploads its .caffemodel; the service then checks the weights with Caffe. */
export function uploadModel(
  context: UploadContext,
  source: ByteSource,
  options: ModelUploadOptions = {},
): Promise<Model> {
  const { models } = context.api;
  const target: UploadTarget<Model> = {
    create: (sizeBytes) =>
      models.create({ ...options.model, name: options.name ?? source.name ?? 'model', sizeBytes }) as ReturnType<
        UploadTarget<Model>['create']
      >,
    get: models.get,
    uploadStatus: models.uploadStatus,
    complete: models.complete,
    delete: models.delete,
  };
  return uploadTo(context, target, source, options);
}

async function uploadTo<R>(
  context: UploadContext,
  target: UploadTarget<R>,
  source: ByteSource,
  options: UploadOptions,
): Promise<R> {
  const progress = { sentBytes: 0, totalBytes: source.size, datafileId: '' };
  const report = (bytes: number) => {
    progress.sentBytes += bytes;
    options.onProgress?.({ ...progress });
  };
  let instructions: MultipartUpload | PutInstructions;
  if (options.resume) {
    const datafile = await target.get(options.resume);
    if (datafile.sizeBytes !== source.size)
      throw new UploadError(
        `${options.resume} was started with ${datafile.sizeBytes} bytes, ` +
          `but this source has ${source.size}: it is not the same file`,
        options.resume,
        true,
      );
    progress.datafileId = datafile.id;
    instructions = await target.uploadStatus(options.resume);
  } else {
    const created = await target.create(source.size);
    progress.datafileId = created.id;
    if (!('upload' in created) || !created.upload)
      throw new UploadError(`the API gave ${created.id} no upload instructions`, created.id, false);
    instructions = created.upload;
  }
  const datafileId = progress.datafileId;
  if (instructions.method === 'multipart') progress.sentBytes = storedBytes(instructions, source.size);
  options.onProgress?.({ ...progress });
  const attempts = options.attempts ?? 5;
  try {
    if (instructions.method === 'PUT') {
      const { url, headers } = instructions;
      let sentThisTry = 0;
      await withRetries(attempts, options.signal, async () => {
        report(-sentThisTry); // a retry sends the bytes again
        sentThisTry = 0;
        await context.put({
          url,
          headers,
          body: source.read(0, source.size),
          length: source.size,
          onBytes: (n) => {
            sentThisTry += n;
            report(n);
          },
          ...(options.signal ? { signal: options.signal } : {}),
        });
      });
      return await target.get(datafileId);
    }
    await sendParts(context, target, source, datafileId, instructions, options, report);
    return await target.complete(datafileId);
  } catch (error) {
    const multipart = instructions.method === 'multipart';
    // Nothing resumable is left behind.
    if (!multipart && !options.resume) await target.delete(datafileId).catch(() => undefined);
    if (error instanceof ApiError) throw error;
    const how = multipart ? `; the parts already stored stay: resume with { resume: '${datafileId}' }` : '';
    throw new UploadError(
      `the upload of ${datafileId} stopped: ${(error as Error).message}${how}`,
      datafileId,
      multipart,
      error,
    );
  }
}

/** Bytes of the parts the service already has (after a resume). */
const storedBytes = (upload: MultipartUpload, size: number): number =>
  upload.uploadedParts.reduce(
    (sum, n) => sum + Math.min(n * upload.partSizeBytes, size) - (n - 1) * upload.partSizeBytes,
    0,
  );

/** Sends the missing parts, `concurrency` at a time; `report` takes bytes sent (negative: taken back for a retry). */
async function sendParts<R>(
  context: UploadContext,
  target: UploadTarget<R>,
  source: ByteSource,
  datafileId: string,
  first: MultipartUpload,
  options: UploadOptions,
  report: (n: number) => void,
): Promise<void> {
  const { partSizeBytes } = first;
  const range = (partNumber: number) =>
    [(partNumber - 1) * partSizeBytes, Math.min(partNumber * partSizeBytes, source.size)] as const;
  let instructions = first;
  // The API lists at most 1000 missing parts at a time; ask again until none is missing.
  while (instructions.parts.length) {
    const urls = new Map(instructions.parts.map((p) => [p.partNumber, p.url]));
    const queue = [...urls.keys()];
    const refresh = async () => {
      for (const p of (await target.uploadStatus(datafileId)).parts) urls.set(p.partNumber, p.url);
    };
    // One part failing for good stops the others (and the caller's signal stops them all).
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const worker = async () => {
      for (let partNumber = queue.shift(); partNumber !== undefined; partNumber = queue.shift()) {
        const [start, end] = range(partNumber);
        let sentThisTry = 0;
        const send = async () => {
          report(-sentThisTry);
          sentThisTry = 0;
          const body = source.read(start, end);
          const onBytes = (n: number) => {
            sentThisTry += n;
            report(n);
          };
          await context.put({ url: urls.get(partNumber)!, headers: {}, body, length: end - start, onBytes, signal });
        };
        await withRetries(options.attempts ?? 5, signal, send, refresh).catch((error: unknown) => {
          stop.abort(error);
          throw error;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, worker));
    instructions = await target.uploadStatus(datafileId);
  }
}
