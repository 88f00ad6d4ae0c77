/**
 * Writes a dataset's sample thumbnails and their index (core/dataset-samples.ts) from the images
 * its builder picked: a handful per class, so the build's cost barely changes. An image that does
 * not decode is left out (its class shows fewer samples); the dataset builds all the same.
 */
import { buildSamplesIndex, sampleFileName, type WrittenSample } from '../../core/dataset-samples';
import { keys } from '../../core/objects';
import { logStep } from './formats/steps';
import { thumbnail, type SampleImage } from './thumbnails';
import { uploadBytes } from './transfer';

/** PutObjects in flight at once: the thumbnails are small, so latency, not bandwidth, sets the time. */
const uploadsInFlight = 8;

/** Runs `work` on every item, at most `lanes` at a time. */
async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
}

/**
 * Makes and uploads the thumbnails of `samples` (label → the images picked for it, in order), then
 * the index listing every label. Returns how many thumbnails it wrote.
 */
export async function writeDatasetSamples(
  tenantId: string,
  datasetId: string,
  labels: readonly string[],
  samples: ReadonlyMap<string, readonly SampleImage[]>,
): Promise<number> {
  logStep('sample thumbnails');
  const pending: Array<WrittenSample & { png: Buffer }> = [];
  for (const [classIndex, label] of labels.entries()) {
    let position = 0;
    for (const image of samples.get(label) ?? []) {
      const made = thumbnail(image);
      if (!made) continue;
      pending.push({ classIndex, file: sampleFileName(classIndex, position++), ...made });
    }
  }
  await inLanes(pending, uploadsInFlight, (sample) =>
    uploadBytes(sample.png, keys.datasetSample(tenantId, datasetId, sample.file), 'image/png'),
  );
  const index = buildSamplesIndex(labels, pending);
  const indexKey = keys.datasetSamplesIndex(tenantId, datasetId);
  await uploadBytes(Buffer.from(JSON.stringify(index)), indexKey, 'application/json');
  return pending.length;
}
