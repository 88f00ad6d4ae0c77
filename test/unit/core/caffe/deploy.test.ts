import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { deriveDeployNet, DeployDerivationError } from '../../../../core/caffe/deploy';
import { getAll, getScalar, isMessage, parsePrototxt, type PMessage } from '../../../../core/prototxt';

const lenet = readFileSync(
  path.join(__dirname, '..', '..', '..', '..', 'examples', 'fashion-mnist-lenet', 'net.prototxt'),
  'utf8',
);
const grey28 = { channels: 1, height: 28, width: 28 };

const layersOf = (net: string, field = 'layer'): PMessage[] =>
  getAll(parsePrototxt(net), field).flatMap((f) => (isMessage(f.value) ? [f.value] : []));

describe('deriveDeployNet', () => {
  it('replaces LeNet data layers with an input of the dataset shape and the loss with Softmax "prob"', () => {
    const deploy = deriveDeployNet(lenet, grey28);
    expect(deploy).toMatchObject({ input: 'data', output: 'prob', inputShape: grey28 });
    const net = parsePrototxt(deploy.net);
    expect(getScalar(net, 'input')).toBe('data');
    const types = layersOf(deploy.net).map((l) => getScalar(l, 'type'));
    expect(types).not.toContain('Data');
    expect(types).not.toContain('Accuracy');
    expect(types).not.toContain('SoftmaxWithLoss');
    const prob = layersOf(deploy.net).at(-1)!;
    expect([
      getScalar(prob, 'type'),
      getScalar(prob, 'name'),
      getScalar(prob, 'bottom'),
      getScalar(prob, 'top'),
    ]).toEqual(['Softmax', 'prob', 'ip2', 'prob']);
    expect(deploy.net).toMatch(/input_shape \{\s*dim: 1\s*dim: 1\s*dim: 28\s*dim: 28\s*\}/);
    expect(deploy.net).not.toMatch(/include|phase|label/);
  });

  it('uses the crop size as the input size and keeps TEST-only layers, dropping TRAIN-only ones', () => {
    const net =
      `layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST } ` +
      `transform_param { crop_size: 24 } }
layer { name: "drop" type: "Dropout" bottom: "data" top: "data" include { phase: TRAIN } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }`;
    const deploy = deriveDeployNet(net, { channels: 3, height: 32, width: 32 });
    expect(deploy.inputShape).toEqual({ channels: 3, height: 24, width: 24 });
    expect(layersOf(deploy.net).map((l) => getScalar(l, 'name'))).toEqual(['ip', 'prob']);
  });

  it('derives a V1 net (layers, enum types)', () => {
    const v1 =
      `name: "old"
layers { name: "mnist" type: DATA top: "data" top: "label" data_param { source: "x" batch_size: 64 } ` +
      `transform_param { scale: 0.00390625 } }
layers { name: "ip1" type: INNER_PRODUCT bottom: "data" top: "ip1" inner_product_param { num_output: 10 } }
layers { name: "accuracy" type: ACCURACY bottom: "ip1" bottom: "label" top: "accuracy" include: { phase: TEST } }
layers { name: "loss" type: SOFTMAX_LOSS bottom: "ip1" bottom: "label" top: "loss" }`;
    const deploy = deriveDeployNet(v1, grey28);
    const layers = layersOf(deploy.net, 'layers');
    expect(layers.map((l) => getScalar(l, 'type'))).toEqual(['INNER_PRODUCT', 'SOFTMAX']);
    expect(deploy.output).toBe('prob');
  });

  it('refuses a net without softmax, naming the fix', () => {
    const net = `layer { name: "d" type: "Data" top: "data" top: "label" }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" }
layer { name: "loss" type: "EuclideanLoss" bottom: "ip" bottom: "label" }`;
    expect(() => deriveDeployNet(net, grey28)).toThrow(
      new DeployDerivationError(
        'the training net has no SoftmaxWithLoss or Softmax layer to read class probabilities from; send a deploy net',
      ),
    );
  });
});

describe('deriveDeployNet: heads and test nets', () => {
  // Three heads, like GoogLeNet's loss1/loss2/loss3: two auxiliary ones branch off the trunk.
  const threeHeads = `name: "heads"
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TRAIN } }
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST } transform_param { crop_size: 8 } }
layer { name: "trunk" type: "InnerProduct" bottom: "data" top: "trunk" inner_product_param { num_output: 16 } }
layer { name: "relu" type: "ReLU" bottom: "trunk" top: "trunk" }
layer { name: "aux1" type: "InnerProduct" bottom: "trunk" top: "aux1" inner_product_param { num_output: 3 } }
layer { name: "loss1" type: "SoftmaxWithLoss" bottom: "aux1" bottom: "label" top: "loss1" loss_weight: 0.3 }
layer { name: "aux2" type: "InnerProduct" bottom: "trunk" top: "aux2" inner_product_param { num_output: 3 } }
layer { name: "loss2" type: "SoftmaxWithLoss" bottom: "aux2" bottom: "label" top: "loss2" loss_weight: 0.3 }
layer { name: "top1" type: "Accuracy" bottom: "aux2" bottom: "label" top: "top1" include { phase: TEST } }
layer { name: "main" type: "InnerProduct" bottom: "trunk" top: "main" inner_product_param { num_output: 3 } }
layer { name: "loss3" type: "SoftmaxWithLoss" bottom: "main" bottom: "label" top: "loss3" }
`;
  const colour = { channels: 3, height: 10, width: 10 };
  const names = (net: string) => layersOf(net).map((l) => getScalar(l, 'name'));

  it('answers from the last loss: only the layers its scores come from are kept', () => {
    const deploy = deriveDeployNet(threeHeads, colour);
    expect(deploy).toMatchObject({ head: 'loss3', output: 'prob', inputShape: { channels: 3, height: 8, width: 8 } });
    expect(names(deploy.net)).toEqual(['trunk', 'relu', 'main', 'prob']);
  });

  it('answers from the head the user names; an unknown name lists the heads', () => {
    const aux = deriveDeployNet(threeHeads, colour, { head: 'loss1' });
    expect(names(aux.net)).toEqual(['trunk', 'relu', 'aux1', 'prob']);
    expect(() => deriveDeployNet(threeHeads, colour, { head: 'loss9' })).toThrow(
      new DeployDerivationError(
        'the TEST net has no SoftmaxWithLoss or Softmax layer named "loss9"; its heads are "loss1", "loss2", "loss3"',
      ),
    );
  });

  it("reads the solver's test states: the test net that reads the testing split stands for classification", () => {
    const net = `layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TRAIN }
  data_param { source: "train" } }
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST stage: "on-train" }
  data_param { source: "train" } transform_param { crop_size: 4 } }
layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST stage: "on-test" }
  data_param { source: "test" } transform_param { crop_size: 6 } }
layer { name: "ip" type: "InnerProduct" bottom: "data" top: "ip" inner_product_param { num_output: 3 } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip" bottom: "label" top: "loss" }
`;
    const solver =
      'test_iter: 1 test_state { stage: "on-train" } test_iter: 1 test_state { stage: "on-test" } ' + 'max_iter: 1';
    expect(deriveDeployNet(net, colour, { solver }).inputShape).toEqual({ channels: 3, height: 6, width: 6 });
    // Without the solver, the default TEST state has no stages: no data layer is in it.
    expect(() => deriveDeployNet(net, colour)).toThrow(/no data layer in the TEST phase/);
  });

  it('refuses a head computed from the labels', () => {
    const net = `layer { name: "d" type: "Data" top: "data" top: "label" }
layer { name: "emb" type: "Embed" bottom: "label" top: "emb" embed_param { num_output: 3 input_dim: 3 } }
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "emb" bottom: "data" top: "loss" }`;
    expect(() => deriveDeployNet(net, grey28)).toThrow(/is computed from the labels/);
  });
});
