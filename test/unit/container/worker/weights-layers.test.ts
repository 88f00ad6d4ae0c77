/** Which layers a fine-tune copies, read from a binary NetParameter crafted here byte by byte. */
import { describeWeightsCopy, layersWithBlobs } from '../../../../container/worker/weights-layers';

const varint = (value: number): Buffer => {
  const bytes: number[] = [];
  while (value >= 0x80) {
    bytes.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  bytes.push(value);
  return Buffer.from(bytes);
};
const bytesField = (field: number, payload: Buffer) =>
  Buffer.concat([varint(field * 8 + 2), varint(payload.length), payload]);
/** A LayerParameter (field 100 of NetParameter): name (1) and, when it learns, one BlobProto (7). */
const layer = (name: string, blobs: boolean) =>
  bytesField(
    100,
    Buffer.concat([bytesField(1, Buffer.from(name)), ...(blobs ? [bytesField(7, Buffer.from([0x2a, 0x00]))] : [])]),
  );
/** A V1LayerParameter (field 2 of NetParameter): name (4), blobs (6). */
const v1Layer = (name: string) =>
  bytesField(2, Buffer.concat([bytesField(4, Buffer.from(name)), bytesField(6, Buffer.alloc(0))]));

const net = `name: "n"
layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 4 dim: 4 } } }
layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1"
  convolution_param { num_output: 2 kernel_size: 3 } }
layer { name: "relu1" type: "ReLU" bottom: "conv1" top: "conv1" }
layer { name: "fc_new" type: "InnerProduct" bottom: "conv1" top: "fc_new" inner_product_param { num_output: 3 } }
`;

describe('layersWithBlobs', () => {
  it('lists the layers that hold learned blobs, in file order, in either format', () => {
    const weights = Buffer.concat([
      bytesField(1, Buffer.from('zoo')),
      layer('data', false),
      layer('conv1', true),
      layer('fc8', true),
    ]);
    expect(layersWithBlobs(weights)).toEqual(['conv1', 'fc8']);
    expect(layersWithBlobs(Buffer.concat([v1Layer('conv1')]))).toEqual(['conv1']);
  });

  it('refuses a file cut short', () => {
    const whole = layer('conv1', true);
    expect(() => layersWithBlobs(whole.subarray(0, whole.length - 3))).toThrow(/truncated/);
  });
});

describe('describeWeightsCopy', () => {
  it('names the copied layers, the ones that start fresh, and the ones the net lacks', () => {
    const weights = Buffer.concat([layer('conv1', true), layer('fc8', true)]);
    expect(describeWeightsCopy('weights of model md_1', weights, net)).toEqual([
      'weights of model md_1: copying trained layers conv1 (matched by name)',
      'weights of model md_1: starting fresh (no layer of that name in the weights): fc_new',
      'weights of model md_1: ignoring layers the net does not have: fc8',
    ]);
  });

  it('says so when the file cannot be listed (Caffe then reports it)', () => {
    expect(describeWeightsCopy('w', Buffer.from([0x0a, 0xff]), net)).toEqual([
      'w: the layers cannot be listed (Caffe reads the file itself)',
    ]);
  });
});
