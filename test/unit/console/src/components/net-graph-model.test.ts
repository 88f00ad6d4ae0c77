import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PrototxtSyntaxError } from '../../../../../core/prototxt';
import {
  layerColor,
  layoutNet,
  type NetLayout,
  type NetModel,
  netModel,
  type PlacedShape,
} from '../../../../../console/src/components/net-graph-model';

const lenet = readFileSync(
  join(__dirname, '../../../../fixtures/caffe-examples/examples/mnist/lenet_train_test.prototxt'),
  'utf8',
);

/** Edges by names, e.g. "data -> conv1", so expectations read like the prototxt. */
function edgeNames(model: NetModel): string[] {
  const names = new Map<string, string>([
    ...model.layers.map((l) => [l.id, l.name] as const),
    ...model.blobs.map((b) => [b.id, b.name] as const),
  ]);
  return model.edges.map((e) => `${names.get(e.from)} -> ${names.get(e.to)}`);
}

describe('netModel', () => {
  it("takes LeNet's TRAIN layers and blobs, bottom → layer → top", () => {
    const model = netModel(lenet);
    expect(model.name).toBe('LeNet');
    expect(model.layers.map((l) => `${l.name} (${l.type})`)).toEqual([
      'mnist (Data)',
      'conv1 (Convolution)',
      'pool1 (Pooling)',
      'conv2 (Convolution)',
      'pool2 (Pooling)',
      'ip1 (InnerProduct)',
      'relu1 (ReLU)',
      'ip2 (InnerProduct)',
      'loss (SoftmaxWithLoss)',
    ]);
    expect(model.blobs.map((b) => b.name)).toEqual([
      'data',
      'label',
      'conv1',
      'pool1',
      'conv2',
      'pool2',
      'ip1',
      'ip2',
      'loss',
    ]);
    expect(edgeNames(model)).toEqual([
      'mnist -> data',
      'mnist -> label',
      'data -> conv1',
      'conv1 -> conv1',
      'conv1 -> pool1',
      'pool1 -> pool1',
      'pool1 -> conv2',
      'conv2 -> conv2',
      'conv2 -> pool2',
      'pool2 -> pool2',
      'pool2 -> ip1',
      'ip1 -> ip1',
      'ip1 -> relu1',
      'relu1 -> ip1',
      'ip1 -> ip2',
      'ip2 -> ip2',
      'ip2 -> loss',
      'label -> loss',
      'loss -> loss',
    ]);
  });

  it('marks ReLU, which reads and writes the same blob, as in-place and no other layer', () => {
    const model = netModel(lenet);
    expect(model.layers.filter((l) => l.inPlace).map((l) => l.name)).toEqual(['relu1']);
    expect(layerColor(model.layers.find((l) => l.name === 'relu1')!)).toBe('#90EE90');
  });

  it("takes the TEST phase's data layer and its accuracy layer instead", () => {
    const model = netModel(lenet, 'TEST');
    expect(model.layers.filter((l) => l.name === 'mnist')).toHaveLength(1);
    expect(model.layers.map((l) => l.name)).toContain('accuracy');
    expect(model.layers).toHaveLength(10);
  });

  it('reads legacy V1 `layers`, exclude rules, stage rules and top-level inputs', () => {
    const model = netModel(
      `input: "data"
       layers { name: "conv" type: CONVOLUTION bottom: "data" top: "conv" }
       layers { name: "drop" type: DROPOUT bottom: "conv" top: "conv" exclude { phase: TEST } }
       layers { name: "deploy-only" type: SOFTMAX bottom: "conv" top: "prob" include { stage: "deploy" } }
       layers { name: "fc" type: INNER_PRODUCT bottom: "conv" top: "fc" }`,
      'TRAIN',
    );
    expect(model.layers.map((l) => l.name)).toEqual(['conv', 'drop', 'fc']);
    expect(model.layers.map(layerColor)).toEqual(['#FF5050', '#90EE90', '#CC33FF']);
    expect(
      netModel('input: "data" layers { name: "drop" bottom: "data" top: "data" exclude { phase: TEST } }', 'TEST'),
    ).toMatchObject({ layers: [], blobs: [{ name: 'data' }] });
  });

  it('throws the parser’s positioned error for text that is no prototxt', () => {
    expect(() => netModel('layer { name: "a" ')).toThrow(PrototxtSyntaxError);
  });
});

function overlaps(a: PlacedShape, b: PlacedShape): boolean {
  return Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height;
}

function expectLaidOut(layout: NetLayout, model: NetModel): void {
  const ids = [...model.layers, ...model.blobs].map((n) => n.id).sort();
  expect(layout.shapes.map((s) => s.id).sort()).toEqual(ids);
  for (const shape of layout.shapes) {
    expect(Number.isFinite(shape.x) && Number.isFinite(shape.y)).toBe(true);
    // Inside the drawing.
    expect(shape.x - shape.width / 2).toBeGreaterThanOrEqual(0);
    expect(shape.y - shape.height / 2).toBeGreaterThanOrEqual(0);
    expect(shape.x + shape.width / 2).toBeLessThanOrEqual(layout.width);
    expect(shape.y + shape.height / 2).toBeLessThanOrEqual(layout.height);
  }
  const overlapping = layout.shapes.flatMap((a, i) =>
    layout.shapes.slice(i + 1).flatMap((b) => (overlaps(a, b) ? [`${a.id} overlaps ${b.id}`] : [])),
  );
  expect(overlapping).toEqual([]);
}

describe('layoutNet', () => {
  const model = netModel(lenet);

  it.each(['TB', 'LR'] as const)(
    'gives every LeNet node a position inside the drawing, none overlapping (%s)',
    (dir) => {
      expectLaidOut(layoutNet(model, dir), model);
    },
  );

  it('draws an in-place layer beside its blob, linked both ways, not in the flow', () => {
    const layout = layoutNet(model, 'TB');
    const shape = (id: string) => layout.shapes.find((s) => s.id === id)!;
    const ip1 = shape('blob:ip1');
    const relu1 = layout.shapes.find((s) => s.label === 'relu1 (ReLU)')!;
    expect(relu1.y).toBe(ip1.y);
    expect(relu1.x).toBeGreaterThan(ip1.x);
    const links = layout.edges.filter((e) => e.to === relu1.id || e.from === relu1.id);
    expect(links).toEqual([expect.objectContaining({ from: 'blob:ip1', twoWay: true })]);
    // The blob's own flow still runs ip1 (layer) → ip1 (blob) → ip2 (layer), above and below it.
    const flow = layout.edges.filter((e) => e.from === 'blob:ip1' || e.to === 'blob:ip1').filter((e) => !e.twoWay);
    expect(flow).toHaveLength(2);
    expect(shape('blob:ip2').y).toBeGreaterThan(ip1.y);
  });

  it('gives every edge a path from near its source to near its target', () => {
    const layout = layoutNet(model, 'TB');
    const byId = new Map(layout.shapes.map((s) => [s.id, s]));
    for (const edge of layout.edges) {
      expect(edge.points.length).toBeGreaterThanOrEqual(2);
      const from = byId.get(edge.from)!;
      const to = byId.get(edge.to)!;
      const first = edge.points[0]!;
      const last = edge.points[edge.points.length - 1]!;
      expect(Math.abs(first.x - from.x)).toBeLessThanOrEqual(from.width / 2 + 1);
      expect(Math.abs(last.x - to.x)).toBeLessThanOrEqual(to.width / 2 + 1);
    }
  });

  it('keeps several in-place layers on one blob apart from each other and from the rest', () => {
    const stacked = netModel(`
      layer { name: "data" type: "Input" top: "data" }
      layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" }
      layer { name: "bn" type: "BatchNorm" bottom: "conv" top: "conv" }
      layer { name: "scale" type: "Scale" bottom: "conv" top: "conv" }
      layer { name: "relu" type: "ReLU" bottom: "conv" top: "conv" }
      layer { name: "fc" type: "InnerProduct" bottom: "conv" top: "fc" }`);
    for (const dir of ['TB', 'LR'] as const) expectLaidOut(layoutNet(stacked, dir), stacked);
  });
});
