import { checkNetFitsDataset, type DatasetFacts } from '../../../../core/caffe/dataset-fit';
import { parsePrototxt } from '../../../../core/prototxt';

const grey28: DatasetFacts = { channels: 1, height: 28, width: 28, labels: 10 };
const colour32: DatasetFacts = { channels: 3, height: 32, width: 32, labels: 10 };

const checkFit = (net: string, facts: DatasetFacts, solver?: string) =>
  checkNetFitsDataset(parsePrototxt(net), solver === undefined ? undefined : parsePrototxt(solver), facts);

const classifier = (transform: string, numOutput = 10) => `name: "c"
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TRAIN }
  transform_param { ${transform} } }
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST }
  transform_param { ${transform} } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip"
  inner_product_param { num_output: ${numOutput} } }
layer { name: "relu" type: "ReLU" bottom: "ip" top: "ip" }
layer { name: "acc" type: "Accuracy" bottom: "ip" bottom: "label" top: "acc" include { phase: TEST } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
`;

describe('checkNetFitsDataset', () => {
  test('a net that fits has no issues', () => {
    expect(checkFit(classifier('scale: 0.00390625 mean_value: 33'), grey28)).toEqual({ errors: [], warnings: [] });
    expect(
      checkFit(classifier('crop_size: 28 mean_value: 1 mean_value: 2 mean_value: 3'), {
        ...colour32,
        height: 28,
        width: 28,
      }),
    ).toEqual({ errors: [], warnings: [] });
  });

  test('a crop_size larger than the images, at the field, saying what to change', () => {
    expect(checkFit(classifier('crop_size: 227'), colour32).errors).toEqual([
      {
        line: 3,
        column: 21,
        message:
          "crop_size 227 is larger than the dataset's 32x32 images: use a crop_size of at most 32, or build a " +
          'dataset with transform { width: 227, height: 227 } or larger',
      },
      {
        line: 5,
        column: 21,
        message:
          "crop_size 227 is larger than the dataset's 32x32 images: use a crop_size of at most 32, or build a " +
          'dataset with transform { width: 227, height: 227 } or larger',
      },
    ]);
  });

  test('three mean_value entries on grey images; two on colour', () => {
    expect(checkFit(classifier('mean_value: 104 mean_value: 117 mean_value: 123'), grey28).errors[0]).toEqual({
      line: 3,
      column: 21,
      message:
        "3 mean_value entries, but the dataset's images have 1 channel (grey): give one mean_value, or build " +
        'the dataset with transform { grayscale: false } for 3 channels',
    });
    expect(checkFit(classifier('mean_value: 104 mean_value: 117'), colour32).errors[0]?.message).toBe(
      "2 mean_value entries, but the dataset's images have 3 channels (BGR): give 1 or 3 mean_value entries (B, G, R)",
    );
  });

  test('an output smaller than the label count is an error at its num_output; a larger one a warning', () => {
    expect(checkFit(classifier('scale: 1', 5), grey28)).toEqual({
      errors: [
        {
          line: 7,
          column: 25,
          message:
            'num_output 5 is less than the dataset\'s 10 labels: the SoftmaxWithLoss layer "loss" reads labels ' +
            'up to 9 from it; set num_output to 10',
        },
      ],
      warnings: [],
    });
    expect(checkFit(classifier('scale: 1', 1000), grey28)).toEqual({
      errors: [],
      warnings: [
        {
          line: 7,
          column: 25,
          message:
            "num_output 1000 is more than the dataset's 10 labels: training works, and outputs 10–999 never " +
            'see a label (classify names them by their index)',
        },
      ],
    });
    // Without a recorded label count (a database used as uploaded) there is nothing to compare.
    expect(checkFit(classifier('scale: 1', 5), { ...grey28, labels: undefined })).toEqual({ errors: [], warnings: [] });
  });

  test('an output the checks cannot read (a Pooling before the loss) is left alone', () => {
    const pool =
      'layer { name: "pool" type: "Pooling" bottom: "ip" top: "ip2" pooling_param { pool: AVE global_pooling: true } }';
    const net = classifier('scale: 1', 5)
      .replace('layer { name: "relu" type: "ReLU" bottom: "ip" top: "ip" }', pool)
      .replaceAll('bottom: "ip" bottom: "label"', 'bottom: "ip2" bottom: "label"');
    expect(checkFit(net, grey28).errors).toEqual([]);
  });

  test("a Slice of the data blob's channels the images do not have (Caffe's siamese pair data)", () => {
    const siamese = `layer { name: "pair_data" type: "Data" top: "pair_data" top: "sim" }
layer { name: "slice_pair" type: "Slice" bottom: "pair_data" top: "data" top: "data_p"
  slice_param { slice_dim: 1 slice_point: 1 } }
`;
    expect(checkFit(siamese, grey28).errors).toEqual([
      {
        line: 3,
        column: 30,
        message:
          'the Slice layer "slice_pair" splits the data blob\'s channels into 2 parts, but the dataset\'s ' +
          "images have 1 channel: this net reads images stacked as channels (e.g. pairs, like Caffe's siamese " +
          "example), which Elastic Caffe's datasets do not hold; train it on single images, or slice another " +
          'axis',
      },
    ]);
    expect(checkFit(siamese, colour32).errors).toEqual([]);
    expect(checkFit(siamese.replace('slice_dim: 1', 'axis: 2'), grey28).errors).toEqual([]);
  });

  test('each test net is checked in its own state; the same issue is reported once', () => {
    const net = `layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TRAIN } }
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST stage: "a" } }
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST stage: "b" } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" include { stage: "b" }
  inner_product_param { num_output: 4 } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" exclude { stage: "b" }
  inner_product_param { num_output: 10 } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
`;
    const solver = 'test_iter: 1 test_state { stage: "a" } test_iter: 1 test_state { stage: "b" } max_iter: 1';
    expect(checkFit(net, grey28, solver).errors.map((e) => [e.line, e.message.slice(0, 14)])).toEqual([
      [5, 'num_output 4 i'],
    ]);
    // Without the solver no net has stage b: nothing reads that output.
    expect(checkFit(net, grey28).errors).toEqual([]);
  });
});
