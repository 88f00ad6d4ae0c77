/**
 * Caffe's own example and model-zoo solver + net pairs (test/fixtures/caffe-examples, BSD-2-Clause),
 * submitted unchanged against a dataset of a fitting shape: each is accepted (the siamese net,
 * which reads image pairs, is refused with the reason), rewritten so that no path of Caffe's tree
 * survives, and the classification nets give the deploy net Caffe itself ships, layer for layer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkNetFitsDataset, type DatasetFacts } from '../../../../core/caffe/dataset-fit';
import { deriveDeployNet } from '../../../../core/caffe/deploy';
import { preprocessingFor } from '../../../../core/caffe/preprocess';
import { rewriteForJob } from '../../../../core/caffe/rewrite';
import { validateSolverAndNet } from '../../../../core/caffe/validate';
import { getAll, getScalar, isMessage, parsePrototxt } from '../../../../core/prototxt';

const root = path.join(__dirname, '..', '..', '..', 'fixtures', 'caffe-examples');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

const grey28: DatasetFacts = { channels: 1, height: 28, width: 28, labels: 10 };
const colour32: DatasetFacts = { channels: 3, height: 32, width: 32, labels: 10 };
const colour256: DatasetFacts = { channels: 3, height: 256, width: 256, labels: 20 };

/** Every solver in the fixtures with its net (the solver's own `net:` path) and the dataset shape that fits it. */
const pairs = [
  'examples/mnist',
  'examples/siamese',
  'examples/cifar10',
  ...readdirSync(path.join(root, 'models')).map((m) => `models/${m}`),
].flatMap((dir) =>
  readdirSync(path.join(root, dir))
    .filter((file) => /solver.*\.prototxt$/.test(file))
    .map((file) => {
      const solver = read(path.join(dir, file));
      const net = getScalar(parsePrototxt(solver), 'net')!;
      const facts = dir.startsWith('models/') ? colour256 : dir === 'examples/cifar10' ? colour32 : grey28;
      return { name: `${dir}/${file}`, solver, netFile: net, net: read(net), facts };
    }),
);

const siamese = 'examples/siamese/mnist_siamese_solver.prototxt';
const imagenet = ['bvlc_reference_caffenet', 'bvlc_alexnet', 'bvlc_googlenet', 'finetune_flickr_style'];

test('the fixtures hold the 22 pairs the README lists', () => {
  expect(pairs).toHaveLength(22);
});

describe.each(pairs)('$name', ({ name, solver, net, netFile, facts }) => {
  test('is accepted unchanged against a dataset of a fitting shape, or refused with the reason', () => {
    expect(validateSolverAndNet(solver, net)).toEqual([]);
    const fit = checkNetFitsDataset(parsePrototxt(net), parsePrototxt(solver), facts);
    if (name === siamese) {
      expect(fit.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(
            /^the Slice layer "slice_pair" splits the data blob's channels into 2 parts, but the dataset's images /,
          ),
        }),
      ]);
      return;
    }
    expect(fit.errors).toEqual([]);
    // ImageNet nets have 1000 outputs on a 20-label dataset: accepted, with a warning per output layer.
    const imagenetOutputs = netFile.startsWith('models/') && !netFile.includes('flickr');
    expect(fit.warnings.map((w) => w.message.slice(0, 45))).toEqual(
      imagenetOutputs
        ? Array(netFile.includes('googlenet') ? 3 : 1).fill("num_output 1000 is more than the dataset's 20")
        : [],
    );
  });

  test("is rewritten so that no path of Caffe's tree survives", () => {
    const paths = {
      net: '/job/net.prototxt',
      snapshotPrefix: '/job/snap',
      trainSource: '/data/train',
      testSource: '/data/test',
      meanFile: '/data/mean.binaryproto',
    };
    const images = {
      training: { listFile: '/img/train.txt', rootFolder: '/img/train/' },
      testing: { listFile: '/img/test.txt', rootFolder: '/img/test/' },
      grayscale: facts.channels === 1,
    };
    const out = rewriteForJob({ solver, net, paths: { ...paths, images }, mode: 'CPU' });
    expect(out.net).not.toMatch(/examples\/|data\/ilsvrc12|data\/flickr_style/);
    expect(out.solver).not.toMatch(/examples\/|models\//);
    expect(out.solver).toMatch(/^net: "\/job\/net.prototxt"\n/);
    // CIFAR-10 full snapshots as HDF5; the service keeps Caffe's binary format.
    expect(out.solver).not.toContain('snapshot_format');
  });
});

describe("Caffe's classification nets give classifiers", () => {
  const byNet = (netFile: string) => pairs.find((p) => p.netFile === netFile)!;

  test.each(imagenet)("%s: the derived deploy net has the layers of Caffe's own deploy.prototxt", (model) => {
    const { solver, net, facts } = byNet(`models/${model}/train_val.prototxt`);
    const layers = (text: string) =>
      getAll(parsePrototxt(text), 'layer').flatMap((f) =>
        isMessage(f.value) && getScalar(f.value, 'type') !== 'Input'
          ? [`${getScalar(f.value, 'name')}:${getScalar(f.value, 'type')}`]
          : [],
      );
    const deploy = deriveDeployNet(net, facts, { solver });
    expect(layers(deploy.net)).toEqual(layers(read(`models/${model}/deploy.prototxt`)));
    expect(deploy.head).toBe(model === 'bvlc_googlenet' ? 'loss3/loss3' : 'loss');
    expect(deploy.inputShape).toEqual({
      channels: 3,
      height: model === 'bvlc_googlenet' ? 224 : 227,
      width: model === 'bvlc_googlenet' ? 224 : 227,
    });
  });

  test('the preprocessing repeats the TEST transform: the mean image, or mean values, and the crop', () => {
    const pre = (netFile: string) => {
      const { solver, net, facts } = byNet(netFile);
      return preprocessingFor(net, facts, { solver });
    };
    expect(pre('models/bvlc_alexnet/train_val.prototxt')).toMatchObject({
      meanFile: 'mean.binaryproto',
      cropSize: 227,
      scale: 1,
      channelOrder: 'BGR',
    });
    expect(pre('models/bvlc_googlenet/train_val.prototxt')).toMatchObject({ mean: [104, 117, 123], cropSize: 224 });
    expect(pre('examples/cifar10/cifar10_quick_train_test.prototxt')).toEqual({
      channels: 3,
      height: 32,
      width: 32,
      channelOrder: 'BGR',
      meanFile: 'mean.binaryproto',
      scale: 1,
    });
    expect(pre('examples/mnist/lenet_train_test.prototxt')).toEqual({
      channels: 1,
      height: 28,
      width: 28,
      channelOrder: 'GRAY',
      scale: 0.00390625,
    });
  });
});
