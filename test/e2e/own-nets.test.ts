/**
 * "Bring your own net", end to end with real Caffe, on nets written for this test with the
 * features Caffe's own example and model-zoo nets use: a mean_file (bound to the dataset's mean),
 * stage-selected test nets (the solver's test_state), a test layer reading the training source,
 * three loss heads (GoogLeNet's layout), iter_size, a centre crop, and a display interval that
 * does not divide max_iter. The trained job is classified through the API, and Caffe's own test
 * outputs of its final weights prove the preprocessing: the loss and accuracy computed from the
 * classifier's probabilities over each split equal what Caffe logged for the test net bound to it.
 * Nets that cannot fit the dataset are refused at submit with line and column.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { extract as extractTar } from 'tar';
import { channelMeans, readBlobProto } from '../../core/caffe/mean';
import { ApiError, type ElasticCaffeClient } from '../support/client';
import { startTestCloud, type TestCloud } from '../support/cloud';
import { readyDatafile } from '../support/format-fixtures';
import { craftTar, type TarEntry } from '../support/tar-craft';

jest.setTimeout(10 * 60_000);

const LABELS = ['a-stripes', 'b-columns', 'c-checks'] as const;
const SIDE = 12;

interface Image {
  label: string;
  png: Buffer;
}

/** A seeded PRNG (mulberry32), so the images and so the test are the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Colour images whose class is a pattern (rows, columns, checks) in a random colour on a random background, noisy. */
function makeImages(perLabel: number, seed: number): Image[] {
  const rand = random(seed);
  const images: Image[] = [];
  for (let n = 0; n < perLabel; n++) {
    LABELS.forEach((label, k) => {
      const png = new PNG({
        width: SIDE,
        height: SIDE,
        colorType: 2,
        inputColorType: 2,
        inputHasAlpha: false,
        bitDepth: 8,
      });
      const fg = [0, 1, 2].map(() => 120 + Math.floor(rand() * 135));
      const bg = [0, 1, 2].map(() => Math.floor(rand() * 100));
      for (let y = 0; y < SIDE; y++) {
        for (let x = 0; x < SIDE; x++) {
          const on = k === 0 ? y % 4 < 2 : k === 1 ? x % 4 < 2 : (x + y) % 4 < 2;
          for (let c = 0; c < 3; c++) {
            const value = (on ? fg[c]! : bg[c]!) + Math.floor(rand() * 30) - 15;
            png.data[(y * SIDE + x) * 3 + c] = Math.max(0, Math.min(255, value));
          }
        }
      }
      images.push({ label, png: PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false }) });
    });
  }
  return images;
}

const archiveOf = (images: Image[]): Buffer => {
  const entries: TarEntry[] = LABELS.map((label) => ({ path: `${label}/`, type: 'directory' as const }));
  for (const [i, image] of images.entries()) {
    entries.push({ path: `${image.label}/${String(i).padStart(3, '0')}.png`, data: image.png });
  }
  return craftTar(entries, { gzip: true });
};

const training = makeImages(20, 1); // 60 images
const testing = makeImages(8, 2); // 24 images

/** Paths as a Caffe user has them: every one is rebound by the service. */
const dataLayer = (include: string, source: string, batch: number, mirror: boolean, crop = 10) => `layer {
  name: "data" type: "Data" top: "data" top: "label"
  include { ${include} }
  transform_param { mean_file: "/home/me/own/mean.binaryproto" crop_size: ${crop} scale: 0.0125 mirror: ${mirror} }
  data_param { source: "${source}" batch_size: ${batch} backend: LMDB }
}`;

/** Three heads on one trunk, like GoogLeNet: two auxiliary losses (weight 0.3) and the main one. */
const ownNet = (options: { crop?: number; mainOutputs?: number } = {}) => `name: "own-three-heads"
${dataLayer('phase: TRAIN', '/home/me/own/train_lmdb', 10, true, options.crop)}
${dataLayer('phase: TEST stage: "on-train"', '/home/me/own/train_lmdb', 60, false, options.crop)}
${dataLayer('phase: TEST stage: "on-test"', '/home/me/own/test_lmdb', 24, false, options.crop)}
layer { name: "conv" type: "Convolution" bottom: "data" top: "conv"
  convolution_param { num_output: 8 kernel_size: 3 weight_filler { type: "xavier" } } }
layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }
layer { name: "pool" type: "Pooling" bottom: "conv" top: "pool" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
layer { name: "aux1" type: "InnerProduct" bottom: "pool" top: "aux1"
  inner_product_param { num_output: 3 weight_filler { type: "xavier" } } }
layer { name: "loss1" type: "SoftmaxWithLoss" bottom: "aux1" bottom: "label" top: "loss1" loss_weight: 0.3 }
layer { name: "aux2" type: "InnerProduct" bottom: "pool" top: "aux2"
  inner_product_param { num_output: 3 weight_filler { type: "xavier" } } }
layer { name: "loss2" type: "SoftmaxWithLoss" bottom: "aux2" bottom: "label" top: "loss2" loss_weight: 0.3 }
layer { name: "fc" type: "InnerProduct" bottom: "pool" top: "fc"
  inner_product_param { num_output: 16 weight_filler { type: "xavier" } } }
layer { name: "fc_relu" type: "ReLU" bottom: "fc" top: "fc" }
layer { name: "main" type: "InnerProduct" bottom: "fc" top: "main"
  inner_product_param { num_output: ${options.mainOutputs ?? 3} weight_filler { type: "xavier" } } }
layer { name: "accuracy" type: "Accuracy" bottom: "main" bottom: "label" top: "accuracy" include { phase: TEST } }
layer { name: "loss3" type: "SoftmaxWithLoss" bottom: "main" bottom: "label" top: "loss3" }
`;

/** Each test net reads its whole split once (test_iter 1, batch = the split's size), at the end only. */
const ownSolver = `net: "/home/me/own/train_val.prototxt"
test_state { stage: "on-train" }
test_iter: 1
test_state { stage: "on-test" }
test_iter: 1
test_interval: 20
test_initialization: false
base_lr: 0.02
momentum: 0.9
lr_policy: "fixed"
iter_size: 2
display: 7
max_iter: 20
snapshot_prefix: "/home/me/own/snap"
solver_mode: GPU
`;

let tc: TestCloud;
let api: ElasticCaffeClient;
let colourId: string;
let trainFileId: string;

/** The 1-based numbers of the lines of `text` that contain `needle`. */
const linesWith = (text: string, needle: string): number[] =>
  text.split('\n').flatMap((line, i) => (line.includes(needle) ? [i + 1] : []));

interface Dataset {
  id: string;
  status: string;
  error?: string;
  shape?: { channels: number; height: number; width: number };
  mean?: { training: number[]; testing?: number[] };
}

async function dataset(body: Record<string, unknown>): Promise<Dataset> {
  const { id } = await api.request<{ id: string }>('POST', '/v1/datasets', body);
  return api.waitFor<Dataset>(`/v1/datasets/${id}`, (d) => d.status === 'ready' || d.status === 'failed', {
    timeoutMs: 5 * 60_000,
  });
}

beforeAll(async () => {
  tc = await startTestCloud();
  api = await tc.as('tenant-own-nets');
  const trainFile = await readyDatafile(api, 'own-train', archiveOf(training), 'image-folders');
  const testFile = await readyDatafile(api, 'own-test', archiveOf(testing), 'image-folders');
  trainFileId = trainFile.id;
  const colour = await dataset({
    name: 'own-colour',
    training: { datafileId: trainFile.id, splitPercentage: 0 },
    testing: { datafileId: testFile.id, splitPercentage: 0 },
    testingMean: true,
  });
  expect(colour.error).toBeUndefined();
  colourId = colour.id;
});
afterAll(async () => {
  await tc?.stop();
});

describe('the dataset mean', () => {
  it("records each split's per-channel mean and serves both mean images for download", async () => {
    const record = await api.request<Dataset>('GET', `/v1/datasets/${colourId}`);
    expect(record.shape).toEqual({ channels: 3, height: SIDE, width: SIDE });
    for (const split of ['training', 'testing'] as const) {
      const answer = await api.request<{ url: string; bytes: number; split: string; mean: number[] }>(
        'GET',
        `/v1/datasets/${colourId}/mean?split=${split}`,
      );
      const bytes = Buffer.from(await (await fetch(answer.url)).arrayBuffer());
      expect(bytes.length).toBe(answer.bytes);
      const image = readBlobProto(bytes);
      expect([image.channels, image.height, image.width]).toEqual([3, SIDE, SIDE]);
      expect(channelMeans(image)).toEqual(record.mean?.[split]);
      expect(answer.mean).toEqual(record.mean?.[split]);
    }
    expect(record.mean?.testing).not.toEqual(record.mean?.training);
  });
});

describe('a net with a mean_file, stage-selected test nets, three heads and iter_size', () => {
  let job: {
    id: string;
    status: string;
    error?: string;
    progress: { iteration: number; maxIterations: number; etaSeconds?: number; testOutputs: Record<string, number> };
  };

  beforeAll(async () => {
    const solver = await api.request<{ id: string; warnings?: unknown }>('POST', '/v1/solvers', {
      name: 'own',
      datasetId: colourId,
      solver: ownSolver,
      net: ownNet(),
    });
    expect(solver.warnings).toBeUndefined();
    const queued = await api.request<{ id: string }>('POST', '/v1/training-jobs', {
      solverId: solver.id,
      resources: { type: 'CPU' },
    });
    job = await api.waitFor(
      `/v1/training-jobs/${queued.id}`,
      (j: typeof job) => ['succeeded', 'failed', 'cancelled'].includes(j.status),
      { timeoutMs: 5 * 60_000 },
    );
  });

  it('trains to its end; the progress says the last iteration although display does not divide max_iter', () => {
    expect(job.error).toBeUndefined();
    expect(job.status).toBe('succeeded');
    expect(job.progress).toMatchObject({ iteration: 20, maxIterations: 20 });
    expect(job.progress.etaSeconds).toBeUndefined();
  });

  it("binds each test net to the split its layer means, with the dataset's mean image", async () => {
    const log = await api.request<string>('GET', `/v1/training-jobs/${job.id}/logs?limit=4194304`);
    // Test net #0 (on-train) reads the 60 training images, #1 (on-test) the 24 testing ones, each in one batch.
    expect(log).toMatch(/Iteration 20, Testing net \(#0\)/);
    expect(log).toMatch(/Iteration 20, Testing net \(#1\)/);
    expect(log).toMatch(/Loading mean file from: .*mean\.binaryproto/);
    expect(log).not.toContain('/home/me');
    expect(Object.keys(job.progress.testOutputs).sort()).toEqual([
      'accuracy',
      'accuracy#1',
      'loss1',
      'loss1#1',
      'loss2',
      'loss2#1',
      'loss3',
      'loss3#1',
    ]);
  });

  /** Classifies every image of a split (16 per call) and computes the loss and accuracy Caffe's test net computes. */
  async function scoreSplit(classifierId: string, images: Image[]): Promise<{ loss: number; accuracy: number }> {
    let loss = 0;
    let correct = 0;
    for (let start = 0; start < images.length; start += 16) {
      const batch = images.slice(start, start + 16);
      const answer = await api.request<{ results: Array<{ top: Array<{ label: string; probability: number }> }> }>(
        'POST',
        `/v1/classifiers/${classifierId}/classify`,
        {
          images: batch.map((image) => ({ base64: image.png.toString('base64') })),
          topK: LABELS.length,
        },
      );
      answer.results.forEach((result, i) => {
        const truth = result.top.find((t) => t.label === batch[i]!.label)!;
        loss -= Math.log(Math.max(truth.probability, 1.17549435e-38)); // SoftmaxWithLoss clamps at FLT_MIN
        if (result.top[0]!.label === batch[i]!.label) correct++;
      });
    }
    return { loss: loss / images.length, accuracy: correct / images.length };
  }

  it("classifies from the main head, preprocessed as in training: Caffe's test outputs, from the answers", async () => {
    const classifier = await api.request<{
      id: string;
      head: string;
      preprocessing: Record<string, unknown>;
      deploy: string;
    }>('POST', '/v1/classifiers', { trainingJobId: job.id });
    expect(classifier.head).toBe('loss3');
    expect(classifier.preprocessing).toEqual({
      channels: 3,
      height: SIDE,
      width: SIDE,
      channelOrder: 'BGR',
      cropSize: 10,
      meanFile: 'mean.binaryproto',
      scale: 0.0125,
    });
    expect(classifier.deploy).not.toMatch(/aux1|aux2|loss1|label/);
    const outputs = job.progress.testOutputs;
    const onTest = await scoreSplit(classifier.id, testing);
    expect(onTest.loss).toBeCloseTo(outputs['loss3#1']!, 3);
    expect(onTest.accuracy).toBeCloseTo(outputs['accuracy#1']!, 5);
    // The on-train test net named the training source, so it read the training split.
    const onTrain = await scoreSplit(classifier.id, training);
    expect(onTrain.loss).toBeCloseTo(outputs.loss3!, 3);
    expect(onTrain.accuracy).toBeCloseTo(outputs.accuracy!, 5);
  });

  it('answers from the head the request names', async () => {
    const classifier = await api.request<{ id: string; head: string; deploy: string }>('POST', '/v1/classifiers', {
      trainingJobId: job.id,
      head: 'loss1',
    });
    expect(classifier.head).toBe('loss1');
    expect(classifier.deploy).toContain('"aux1"');
    expect((await scoreSplit(classifier.id, testing)).loss).toBeCloseTo(job.progress.testOutputs['loss1#1']!, 3);
    await expect(
      api.request('POST', '/v1/classifiers', { trainingJobId: job.id, head: 'accuracy' }),
    ).rejects.toMatchObject({ status: 422 });
  });

  it('bundles the mean image and says in preprocessing.json how it is applied', async () => {
    const artifacts = await api.request<{ bundle: { url: string } | null }>(
      'GET',
      `/v1/training-jobs/${job.id}/artifacts`,
    );
    const dir = await mkdtemp(path.join(os.tmpdir(), 'own-bundle-'));
    try {
      const archive = path.join(dir, 'bundle.tar.gz');
      await writeFile(archive, Buffer.from(await (await fetch(artifacts.bundle!.url)).arrayBuffer()));
      await extractTar({ file: archive, cwd: dir });
      const preprocessing = JSON.parse(await readFile(path.join(dir, 'preprocessing.json'), 'utf8'));
      expect(preprocessing).toMatchObject({
        meanFile: 'mean.binaryproto',
        cropSize: 10,
        scale: 0.0125,
        head: 'loss3',
        output: 'prob',
      });
      const mean = readBlobProto(await readFile(path.join(dir, 'mean.binaryproto')));
      const record = await api.request<Dataset>('GET', `/v1/datasets/${colourId}`);
      expect(channelMeans(mean)).toEqual(record.mean?.training);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('nets that cannot fit the dataset are refused at submit, at the line to change', () => {
  const refusal = async (datasetId: string, net: string) => {
    const error = await api
      .request('POST', '/v1/solvers', { name: 'misfit', datasetId, solver: ownSolver, net })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const { status, body } = error as ApiError;
    expect(status).toBe(400);
    return (body as { errors: Array<{ field: string; line: number; column: number; message: string }> }).errors;
  };

  it('a crop larger than the images', async () => {
    const net = ownNet({ crop: 16 });
    const errors = await refusal(colourId, net);
    expect(errors.map((e) => e.line)).toEqual(linesWith(net, 'crop_size: 16'));
    expect(errors).toHaveLength(3);
    expect(errors[0]!.message).toMatch(
      /^crop_size 16 is larger than the dataset's 12x12 images: use a crop_size of at most 12/,
    );
  });

  it('a classification output smaller than the label count; a larger one is accepted with a warning', async () => {
    const narrow = ownNet({ mainOutputs: 2 });
    const errors = await refusal(colourId, narrow);
    expect(errors).toEqual([
      expect.objectContaining({
        field: 'net',
        line: linesWith(narrow, 'num_output: 2')[0],
        message: expect.stringContaining('set num_output to 3'),
      }),
    ]);
    const wide = ownNet({ mainOutputs: 10 });
    const solver = await api.request<{ warnings?: Array<{ line: number; message: string }> }>('POST', '/v1/solvers', {
      name: 'wide',
      datasetId: colourId,
      solver: ownSolver,
      net: wide,
    });
    expect(solver.warnings).toEqual([
      expect.objectContaining({
        field: 'net',
        line: linesWith(wide, 'num_output: 10')[0],
        message: expect.stringMatching(/^num_output 10 is more than the dataset's 3 labels: training works/),
      }),
    ]);
  });

  it('three mean_value entries for a grey dataset', async () => {
    const grey = await dataset({
      name: 'own-grey',
      training: { datafileId: trainFileId, splitPercentage: 0.8 },
      testing: { datafileId: trainFileId, splitPercentage: 0.2 },
      transform: { grayscale: true },
    });
    expect(grey.shape).toEqual({ channels: 1, height: SIDE, width: SIDE });
    const net = ownNet().replaceAll(
      'mean_file: "/home/me/own/mean.binaryproto"',
      'mean_value: 104 mean_value: 117 mean_value: 123',
    );
    const errors = await refusal(grey.id, net);
    expect(errors.map((e) => e.line)).toEqual(linesWith(net, 'mean_value: 104'));
    expect(errors).toHaveLength(3);
    expect(errors[0]!.message).toBe(
      "3 mean_value entries, but the dataset's images have 1 channel (grey): give one mean_value, " +
        'or build the dataset with transform { grayscale: false } for 3 channels',
    );
  });
});
