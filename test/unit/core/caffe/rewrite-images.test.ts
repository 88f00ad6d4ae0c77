/** rewriteForJob binds ImageData layers to the dataset's extracted images and its preprocessing. */
import {
  NetRewriteError,
  netReadsImages,
  rewriteForJob,
  type JobImages,
  type RewriteInput,
} from '../../../../core/caffe/rewrite';
import { getAll, getMessage, isMessage, parsePrototxt, type PMessage } from '../../../../core/prototxt';

const SOLVER = 'max_iter: 30\nbase_lr: 0.01\n';
const NET = `name: "images"
layer { name: "data" type: "ImageData" top: "data" top: "label" include { phase: TRAIN }
  image_data_param { source: "/etc/passwd" batch_size: 10 shuffle: true new_height: 99 root_folder: "/" } }
layer { name: "data" type: "ImageData" top: "data" top: "label" include { phase: TEST }
  image_data_param { source: "test.txt" batch_size: 5 is_color: true } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "data" bottom: "label" top: "loss" }
`;
const IMAGES: JobImages = {
  training: { listFile: '/cache/train.tar.d/list.txt', rootFolder: '/cache/train.tar.d/images/' },
  testing: { listFile: '/cache/test.tar.d/list.txt', rootFolder: '/cache/test.tar.d/images/' },
  grayscale: true,
  resize: { width: 24, height: 32 },
};
const PATHS = {
  net: '/job/net.prototxt',
  snapshotPrefix: '/job/s',
  trainSource: '/data/train_lmdb',
  testSource: '/data/test_lmdb',
};
const input = (over: Partial<RewriteInput> = {}): RewriteInput => ({
  solver: SOLVER,
  net: NET,
  paths: { ...PATHS, images: IMAGES },
  mode: 'CPU',
  ...over,
});

/** Each layer's image_data_param as [name, text] pairs, in order. */
const imageParams = (net: string) =>
  getAll(parsePrototxt(net), 'layer').map((f) => {
    const param = getMessage(f.value as PMessage, 'image_data_param');
    return param?.fields.map((p) => [p.name, isMessage(p.value) ? '{…}' : p.value.text]);
  });

describe('rewriteForJob: ImageData layers', () => {
  test(
    "bind each phase to its side's list and folder, grey and " + 'resized as the dataset; batch_size and shuffle stay',
    () => {
      expect(imageParams(rewriteForJob(input()).net)).toEqual([
        [
          ['source', '/cache/train.tar.d/list.txt'],
          ['batch_size', '10'],
          ['shuffle', 'true'],
          ['new_height', '32'],
          ['root_folder', '/cache/train.tar.d/images/'],
          ['is_color', 'false'],
          ['new_width', '24'],
        ],
        [
          ['source', '/cache/test.tar.d/list.txt'],
          ['batch_size', '5'],
          ['is_color', 'false'],
          ['root_folder', '/cache/test.tar.d/images/'],
          ['new_height', '32'],
          ['new_width', '24'],
        ],
        undefined,
      ]);
    },
  );

  test('a colour dataset that was not resized: is_color true and any resize the net asks for removed', () => {
    const out = rewriteForJob(
      input({ paths: { ...PATHS, images: { ...IMAGES, grayscale: false, resize: undefined } } }),
    );
    expect(imageParams(out.net)[0]).toEqual([
      ['source', '/cache/train.tar.d/list.txt'],
      ['batch_size', '10'],
      ['shuffle', 'true'],
      ['root_folder', '/cache/train.tar.d/images/'],
      ['is_color', 'true'],
    ]);
  });

  test('creates image_data_param when absent; Data layers in the same net still get the LMDBs', () => {
    const net =
      'layer { name: "i" type: "ImageData" top: "data" }\nlayer { ' +
      'name: "d" type: "Data" top: "d2" include { phase: TEST } }\n';
    const out = parsePrototxt(rewriteForJob(input({ net })).net);
    const [image, data] = getAll(out, 'layer').map((f) => f.value as PMessage);
    expect(getMessage(image!, 'image_data_param')?.fields.map((f) => f.name)).toEqual([
      'source',
      'root_folder',
      'is_color',
      'new_height',
      'new_width',
    ]);
    expect(
      getMessage(data!, 'data_param')?.fields.map((f) => [f.name, isMessage(f.value) ? '' : f.value.text]),
    ).toEqual([
      ['source', '/data/test_lmdb'],
      ['backend', 'LMDB'],
    ]);
  });

  test('V1 IMAGE_DATA layers are bound the same way', () => {
    const net =
      'layers { name: "i" type: IMAGE_DATA top: "data" image_data_param { source: "x" } include { phase: TRAIN } }\n';
    const layer = getAll(parsePrototxt(rewriteForJob(input({ net })).net), 'layers')[0]?.value as PMessage;
    expect(getMessage(layer, 'image_data_param')?.fields.map((f) => f.name)).toEqual([
      'source',
      'root_folder',
      'is_color',
      'new_height',
      'new_width',
    ]);
  });

  test('without the images (a dataset that keeps none) an ImageData layer is a NetRewriteError at the layer', () => {
    let error: unknown;
    try {
      rewriteForJob(input({ paths: PATHS }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NetRewriteError);
    expect((error as NetRewriteError).message).toBe(
      'net 2:1: ImageData layers need a dataset that keeps its images (one built from image folders)',
    );
  });

  test('netReadsImages says whether the worker must fetch the images', () => {
    expect(netReadsImages(NET)).toBe(true);
    expect(netReadsImages('layers { type: IMAGE_DATA }')).toBe(true);
    expect(netReadsImages('layer { type: "Data" }')).toBe(false);
    expect(netReadsImages('layer { type: "ImageData"')).toBe(false);
  });
});
