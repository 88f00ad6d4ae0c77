/**
 * A classifier's files on the local disk, where the inference server reads them: the deploy net
 * and the weights, downloaded from S3 once per host (Lambda's /tmp survives warm invocations);
 * and the mean image its preprocessing subtracts, read once per process. All are immutable for a
 * classifier id, so a file that exists is up to date.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createWriteStream } from 'node:fs';
import { access, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { s3 } from '../../core/aws/eager-clients';
import { config } from '../../core/config';
import { readBlobProto, type MeanImage } from '../../core/caffe/mean';
import { bucket } from '../../core/objects';
import type { Classifier } from '../../core/records/types';

/** INFERENCE_CACHE_DIR, default `<tmp>/elastic-caffe-inference`. */
const cacheRoot = (): string => config.inferenceCacheDir() ?? path.join(os.tmpdir(), 'elastic-caffe-inference');

const inFlight = new Map<string, Promise<ModelFiles>>();

export interface ModelFiles {
  deploy: string;
  weights: string;
}

/** The classifier's deploy net and weights as local files (concurrent callers share one download). */
export function modelFiles(classifier: Classifier): Promise<ModelFiles> {
  const existing = inFlight.get(classifier.id);
  if (existing) return existing;
  const loading = fetchModelFiles(classifier).finally(() => inFlight.delete(classifier.id));
  inFlight.set(classifier.id, loading);
  return loading;
}

const classifierDir = (classifier: Classifier): string =>
  path.join(cacheRoot(), classifier.tenantId.replace(/[^A-Za-z0-9_-]/g, '_'), classifier.id);

async function fetchModelFiles(classifier: Classifier): Promise<ModelFiles> {
  const dir = classifierDir(classifier);
  const files = { deploy: path.join(dir, 'deploy.prototxt'), weights: path.join(dir, 'weights.caffemodel') };
  if (await exists(files.weights)) return files;
  await mkdir(dir, { recursive: true });
  await writeFile(files.deploy, classifier.deploy);
  await fetchObject(classifier.weightsKey, files.weights);
  return files;
}

/** Downloads an object to `file`, which appears whole or not at all. */
async function fetchObject(key: string, file: string): Promise<void> {
  const object = await s3().send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
  const partial = `${file}.partial-${process.pid}`;
  await pipeline(object.Body as Readable, createWriteStream(partial));
  await rename(partial, file);
}

const meanImages = new Map<string, Promise<MeanImage>>();

/** The mean image the classifier's preprocessing subtracts (none: undefined); a failed read is not kept. */
export function meanImageOf(classifier: Classifier): Promise<MeanImage | undefined> {
  const key = classifier.preprocessing.meanFile ? classifier.meanKey : undefined;
  if (!key) return Promise.resolve(undefined);
  let loading = meanImages.get(classifier.id);
  if (!loading) {
    loading = (async () => {
      const file = path.join(classifierDir(classifier), 'mean.binaryproto');
      if (!(await exists(file))) {
        await mkdir(path.dirname(file), { recursive: true });
        await fetchObject(key, file);
      }
      return readBlobProto(await readFile(file));
    })();
    loading.catch(() => meanImages.delete(classifier.id));
    meanImages.set(classifier.id, loading);
  }
  return loading;
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
