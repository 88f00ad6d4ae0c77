/**
 * A net prototxt as a graph of layers and blobs, drawn the way Caffe's `draw_net.py` draws it (python/caffe/draw.py):
 * layers are boxes coloured by type, blobs are grey octagons, edges run bottom blob → layer → top blob, and an
 * in-place layer (one bottom, one top, the same blob, e.g. ReLU) is a green box beside the blob it rewrites.
 * Pure: text in, positioned shapes out; the component only turns them into SVG.
 */
import dagre from '@dagrejs/dagre';
import { getAll, getScalar, isMessage, parsePrototxt, type PMessage } from '../../../core/prototxt';

export type Phase = 'TRAIN' | 'TEST';
export type Direction = 'TB' | 'LR';

export interface LayerNode {
  readonly kind: 'layer';
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly bottoms: readonly string[];
  readonly tops: readonly string[];
  /** One bottom and one top, the same blob: drawn beside that blob instead of in the flow. */
  readonly inPlace: boolean;
}
export interface BlobNode {
  readonly kind: 'blob';
  readonly id: string;
  readonly name: string;
}
export interface NetEdge {
  readonly from: string;
  readonly to: string;
}
export interface NetModel {
  readonly name: string | undefined;
  readonly layers: readonly LayerNode[];
  readonly blobs: readonly BlobNode[];
  /** Caffe's edges: bottom blob → layer and layer → top blob (both ways for an in-place layer). */
  readonly edges: readonly NetEdge[];
}

export const blobId = (name: string) => `blob:${name}`;

/** The layers of `phase` (include/exclude rules as Caffe applies them to a net state with no stages, level 0). */
export function netModel(prototxt: string, phase: Phase = 'TRAIN'): NetModel {
  const net = parsePrototxt(prototxt);
  const layers: LayerNode[] = [];
  const blobs = new Map<string, BlobNode>();
  const edges: NetEdge[] = [];
  const addBlob = (name: string) => {
    if (!blobs.has(name)) blobs.set(name, { kind: 'blob', id: blobId(name), name });
    return blobId(name);
  };
  // Deploy nets declare their inputs at the top level (`input: "data"`) or as Input layers.
  for (const input of strings(net, 'input')) addBlob(input);
  // `layers` is the legacy (V1) field; a net has one or the other, in file order.
  const entries = net.fields.filter((f) => (f.name === 'layer' || f.name === 'layers') && isMessage(f.value));
  entries.forEach((field, index) => {
    const layer = field.value as PMessage;
    if (!inPhase(layer, phase)) return;
    const name = getScalar(layer, 'name') ?? `layer ${index + 1}`;
    const bottoms = strings(layer, 'bottom');
    const tops = strings(layer, 'top');
    const id = `layer:${index}:${name}`;
    const inPlace = bottoms.length === 1 && tops.length === 1 && bottoms[0] === tops[0];
    layers.push({ kind: 'layer', id, name, type: getScalar(layer, 'type') ?? '?', bottoms, tops, inPlace });
    for (const bottom of bottoms) edges.push({ from: addBlob(bottom), to: id });
    for (const top of tops) edges.push({ from: id, to: addBlob(top) });
  });
  return { name: getScalar(net, 'name'), layers, blobs: [...blobs.values()], edges };
}

function strings(msg: PMessage, name: string): string[] {
  return getAll(msg, name).flatMap((f) => (isMessage(f.value) ? [] : [f.value.text]));
}

function inPhase(layer: PMessage, phase: Phase): boolean {
  const rules = (name: string) => getAll(layer, name).flatMap((f) => (isMessage(f.value) ? [f.value] : []));
  const includes = rules('include');
  if (includes.length > 0) return includes.some((rule) => ruleMatches(rule, phase));
  return !rules('exclude').some((rule) => ruleMatches(rule, phase));
}

/** Caffe's StateMeetsRule for the state {phase, level 0, no stages}. */
function ruleMatches(rule: PMessage, phase: Phase): boolean {
  const rulePhase = getScalar(rule, 'phase');
  if (rulePhase !== undefined && rulePhase !== phase) return false;
  if (getAll(rule, 'stage').length > 0) return false;
  const minLevel = Number(getScalar(rule, 'min_level') ?? '0');
  const maxLevel = Number(getScalar(rule, 'max_level') ?? '0');
  return minLevel <= 0 && maxLevel >= 0;
}

/** draw.py's colours (choose_color_by_layertype, NEURON_LAYER_STYLE, BLOB_STYLE); all pass 4.5:1 with black text. */
const COLORS = {
  convolution: '#FF5050',
  pooling: '#FF9900',
  innerProduct: '#CC33FF',
  other: '#6495ED',
  inPlace: '#90EE90',
  blob: '#E0E0E0',
};

/** A layer's fill: by type, legacy V1 enum spellings (INNER_PRODUCT) included. */
export function layerColor(layer: Pick<LayerNode, 'type' | 'inPlace'>): string {
  if (layer.inPlace) return COLORS.inPlace;
  const type = layer.type.replace(/_/g, '').toLowerCase();
  if (type === 'convolution' || type === 'deconvolution') return COLORS.convolution;
  if (type === 'pooling') return COLORS.pooling;
  if (type === 'innerproduct') return COLORS.innerProduct;
  return COLORS.other;
}

export interface PlacedShape {
  readonly id: string;
  readonly kind: 'layer' | 'blob';
  readonly label: string;
  readonly fill: string;
  /** Centre. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}
export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { x: number; y: number }[];
  /** The link between a blob and a layer drawn beside it (an in-place layer): read and written both. */
  readonly twoWay: boolean;
}
export interface NetLayout {
  readonly width: number;
  readonly height: number;
  readonly shapes: readonly PlacedShape[];
  readonly edges: readonly PlacedEdge[];
}

/** Text metrics without a DOM: 12px sans-serif averages under 7px a character; boxes err on the wide side. */
const CHAR_WIDTH = 7;
const LAYER_HEIGHT = 32;
const BLOB_HEIGHT = 30;
/** Between a blob and the in-place layers beside it, and between those layers. */
const BESIDE_GAP = 30;

export const layerLabel = (layer: LayerNode) => `${layer.name} (${layer.type})`;
const layerWidth = (layer: LayerNode) => layerLabel(layer).length * CHAR_WIDTH + 20;
const blobWidth = (blob: BlobNode) => Math.max(blob.name.length * CHAR_WIDTH + 30, 60);

/**
 * Lays the graph out with dagre. In-place layers are not nodes of their own: their blob's node is made large
 * enough to hold them on both sides (so the blob stays at its centre, where dagre's edges end) and they are
 * placed in that room afterwards, to the right of the blob (top-to-bottom) or under it (left-to-right).
 */
export function layoutNet(model: NetModel, direction: Direction = 'TB'): NetLayout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: direction, nodesep: 24, ranksep: 36, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  const beside = besideLayers(model);
  const horizontal = direction === 'TB';
  for (const blob of model.blobs) {
    const attached = beside.get(blob.id) ?? [];
    const extent = attached.reduce(
      (sum, layer) => sum + BESIDE_GAP + (horizontal ? layerWidth(layer) : LAYER_HEIGHT),
      0,
    );
    g.setNode(
      blob.id,
      horizontal
        ? { width: blobWidth(blob) + 2 * extent, height: Math.max(BLOB_HEIGHT, attached.length ? LAYER_HEIGHT : 0) }
        : { width: Math.max(blobWidth(blob), ...attached.map(layerWidth)), height: BLOB_HEIGHT + 2 * extent },
    );
  }
  const flowLayers = model.layers.filter((layer) => !layer.inPlace);
  for (const layer of flowLayers) g.setNode(layer.id, { width: layerWidth(layer), height: LAYER_HEIGHT });
  const inFlow = new Set(flowLayers.map((layer) => layer.id));
  for (const edge of model.edges) {
    if (inFlow.has(edge.from) || inFlow.has(edge.to)) g.setEdge(edge.from, edge.to);
  }
  dagre.layout(g);

  const shapes: PlacedShape[] = [];
  const edges: PlacedEdge[] = [];
  for (const layer of flowLayers) {
    const node = g.node(layer.id);
    shapes.push(layerShape(layer, node.x!, node.y!));
  }
  for (const blob of model.blobs) {
    const node = g.node(blob.id);
    const blobShape: PlacedShape = {
      id: blob.id,
      kind: 'blob',
      label: blob.name,
      fill: COLORS.blob,
      x: node.x!,
      y: node.y!,
      width: blobWidth(blob),
      height: BLOB_HEIGHT,
    };
    shapes.push(blobShape);
    let previous = blobShape;
    for (const layer of beside.get(blob.id) ?? []) {
      const shape = horizontal
        ? layerShape(layer, previous.x + previous.width / 2 + BESIDE_GAP + layerWidth(layer) / 2, node.y!)
        : layerShape(layer, node.x!, previous.y + previous.height / 2 + BESIDE_GAP + LAYER_HEIGHT / 2);
      shapes.push(shape);
      edges.push({ from: blob.id, to: layer.id, points: facing(previous, shape, horizontal), twoWay: true });
      previous = shape;
    }
  }
  for (const e of g.edges()) {
    edges.push({ from: e.v, to: e.w, points: g.edge(e).points ?? [], twoWay: false });
  }
  const graph = g.graph();
  return { width: graph.width ?? 0, height: graph.height ?? 0, shapes, edges };
}

/** In-place layers by the blob they rewrite, in net order. */
function besideLayers(model: NetModel): Map<string, LayerNode[]> {
  const byBlob = new Map<string, LayerNode[]>();
  for (const layer of model.layers) {
    if (!layer.inPlace) continue;
    const id = blobId(layer.tops[0]!);
    byBlob.set(id, [...(byBlob.get(id) ?? []), layer]);
  }
  return byBlob;
}

function layerShape(layer: LayerNode, x: number, y: number): PlacedShape {
  const label = layerLabel(layer);
  return {
    id: layer.id,
    kind: 'layer',
    label,
    fill: layerColor(layer),
    x,
    y,
    width: layerWidth(layer),
    height: LAYER_HEIGHT,
  };
}

/** The short segment between two shapes side by side (or one above the other), edge to edge. */
function facing(a: PlacedShape, b: PlacedShape, horizontal: boolean): { x: number; y: number }[] {
  return horizontal
    ? [
        { x: a.x + a.width / 2, y: a.y },
        { x: b.x - b.width / 2, y: b.y },
      ]
    : [
        { x: a.x, y: a.y + a.height / 2 },
        { x: b.x, y: b.y - b.height / 2 },
      ];
}
