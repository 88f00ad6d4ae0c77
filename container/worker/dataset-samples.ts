/**
 * Writes a dataset's sample thumbnails and their index (core/dataset-samples.ts) from the images
 * its builder picked: a handful per class, within a budget of decoded pixels, so the build's cost
 * barely changes. An image that does not decode is left out (its class shows fewer samples); the
 * dataset builds all the same.
 */
import {
  buildSamplesIndex,
  sampleFileName,
  samplePixelBudget,
  withinPixelBudget,
  type WrittenSample,
} from '../../core/dataset-samples';
import { keys } from '../../core/objects';
import { logStep } from './formats/steps';
import { imageInfoOf } from './image-info';
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

/** The pixels decoding the image takes, from its header; undefined when the header is not one we read. */
function pixelsOf(image: SampleImage): number | undefined {
  if ('grey' in image) return image.width * image.height;
  const info = imageInfoOf(image.encoded);
  return info ? info.width * info.height : undefined;
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
  const picked = labels.map((label) => samples.get(label) ?? []);
  const kept = withinPixelBudget(
    picked.map((images) => images.map(pixelsOf)),
    samplePixelBudget,
  );
  const work = picked.flatMap((images, classIndex) =>
    images.slice(0, kept[classIndex]).map((image, position) => ({ classIndex, position, image })),
  );
  const written: WrittenSample[] = [];
  // One image at a time per lane, decoded between uploads: the LMDB uploads beside it keep moving.
  await inLanes(work, uploadsInFlight, async ({ classIndex, position, image }) => {
    const made = thumbnail(image);
    if (!made) return;
    const file = sampleFileName(classIndex, position);
    await uploadBytes(made.png, keys.datasetSample(tenantId, datasetId, file), 'image/png');
    written.push({ classIndex, file, width: made.width, height: made.height });
  });
  const index = buildSamplesIndex(labels, written);
  const indexKey = keys.datasetSamplesIndex(tenantId, datasetId);
  await uploadBytes(Buffer.from(JSON.stringify(index)), indexKey, 'application/json');
  return written.length;
}
