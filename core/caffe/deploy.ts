/**
 * Derives a deploy (inference) net from a training net, so a user need not write one. It starts
 * from the test net classification stands for (the solver's first test net that reads the testing
 * split, data-layers.ts), takes its head — the last SoftmaxWithLoss, or the loss or Softmax layer
 * the user names — and keeps exactly the layers that head's scores are computed from, with the
 * data layer replaced by an input of the dataset's shape and the softmax loss by a Softmax named
 * "prob". So auxiliary heads (GoogLeNet's loss1/loss2), accuracy and other label readers drop out.
 * Works for current (`layer`, string types) and V1 (`layers`, enum types) nets.
 */
import {
  getAll,
  getField,
  getScalar,
  isMessage,
  parsePrototxt,
  printPrototxt,
  PrototxtSyntaxError,
  removeField,
  setScalar,
  type PField,
  type PMessage,
} from '../prototxt';
import { bindingPlan, effectiveTransform } from './data-layers';
import { layersInState, solverStates, type NetState } from './net-state';
import { parseProtoInt } from './solver-rules';

/** The training net cannot be turned into a deploy net; the message says why. */
export class DeployDerivationError extends Error {
  override name = 'DeployDerivationError';
}

export interface ImageShape {
  channels: number;
  height: number;
  width: number;
}

export interface DerivedDeploy {
  /** The deploy net as prototxt. */
  net: string;
  /** The input blob's name (what the data layer's first top was called). */
  input: string;
  /** The blob holding class probabilities. */
  output: string;
  /** The input's shape (the crop size when the training net crops). */
  inputShape: ImageShape;
  /** The name of the layer the answer comes from (the head's loss or Softmax layer). */
  head: string;
}

export interface DeployOptions {
  /** The solver (prototxt): its test_state entries decide which test net classification stands for. */
  solver?: string;
  /** The head to answer from: a SoftmaxWithLoss or Softmax layer's name (default: the last SoftmaxWithLoss). */
  head?: string;
}

const DATA_TYPES = new Set([
  'Data',
  'ImageData',
  'HDF5Data',
  'MemoryData',
  'WindowData',
  'DummyData',
  'Input',
  'DATA',
  'IMAGE_DATA',
  'HDF5_DATA',
  'MEMORY_DATA',
  'WINDOW_DATA',
  'DUMMY_DATA',
]);
const SOFTMAX_LOSS = new Set(['SoftmaxWithLoss', 'SOFTMAX_LOSS']);
const SOFTMAX = new Set(['Softmax', 'SOFTMAX']);

/** The test net classification stands for, and its data layer (the one the input replaces). */
export interface DeploySource {
  net: PMessage;
  state: NetState;
  layers: PField[];
  data: PField;
  v1: boolean;
}

/** Parses the texts and finds the test net and its data layer; throws DeployDerivationError. */
export function deploySource(trainingNet: string, solverText?: string): DeploySource {
  const net = parse(trainingNet, 'training net');
  const solver = solverText === undefined ? undefined : parse(solverText, 'solver');
  const plan = bindingPlan(net, solver);
  // A solver without test nets: the default TEST state.
  const tests = plan.states.tests.length ? plan.states.tests : solverStates(net).tests;
  // The first test net that reads the testing split stands for unseen images; else the first one.
  const state = tests.find((s) => plan.layers.some((d) => d.side === 'testing' && d.states.includes(s))) ?? tests[0]!;
  const layers = layersInState(net, state);
  const data = layers.find((entry) => DATA_TYPES.has(typeOf(entry)));
  if (!data)
    throw new DeployDerivationError(
      'the training net has no data layer in the TEST phase to take the input shape from',
    );
  return { net, state, layers, data, v1: getField(net, 'layers') !== undefined };
}

/** Derives the deploy net; `shape` is the dataset's stored image shape (before any crop). */
export function deriveDeployNet(trainingNet: string, shape: ImageShape, options: DeployOptions = {}): DerivedDeploy {
  const { net, layers, data, v1 } = deploySource(trainingNet, options.solver);
  const [input, label] = tops(data);
  if (!input) throw new DeployDerivationError('the TEST data layer has no top blob');
  const crop = cropSize(data);
  const inputShape = { channels: shape.channels, height: crop ?? shape.height, width: crop ?? shape.width };

  const headIndex = chooseHead(layers, options.head);
  const headLayer = layers[headIndex]!.value as PMessage;
  const head = getScalar(headLayer, 'name') ?? '';
  let scores: string;
  let last: PField;
  if (SOFTMAX_LOSS.has(typeOf(layers[headIndex]!))) {
    const found = getAll(headLayer, 'bottom')
      .map(scalarText)
      .find((b) => b !== label);
    if (!found) throw new DeployDerivationError(`the softmax loss layer "${head}" has no score input`);
    scores = found;
    last = softmaxLayer(v1, scores);
  } else {
    scores = getAll(headLayer, 'bottom').map(scalarText)[0] ?? '';
    last = layers[headIndex]!;
  }
  const kept = [...ancestors(layers.slice(0, headIndex), scores, { input, label, head }), last];
  for (const entry of kept) {
    removeField(entry.value as PMessage, 'include');
    removeField(entry.value as PMessage, 'exclude');
  }
  const output = last === layers[headIndex] ? scalarText(getAll(headLayer, 'top')[0]!) : 'prob';

  const header: PField[] = [
    { name: 'input', value: { kind: 'string', text: input }, line: 0, column: 0 },
    {
      name: 'input_shape',
      value: { fields: ['1', inputShape.channels, inputShape.height, inputShape.width].map(dim) },
      line: 0,
      column: 0,
    },
  ];
  const name = getField(net, 'name');
  const deploy: PMessage = { fields: [...(name ? [name] : []), ...header, ...kept] };
  return { net: printPrototxt(deploy), input, output, inputShape, head };
}

/** The index of the head's layer among the test net's layers. */
function chooseHead(layers: PField[], named: string | undefined): number {
  const candidates = layers.flatMap((entry, index) =>
    SOFTMAX_LOSS.has(typeOf(entry)) || SOFTMAX.has(typeOf(entry)) ? [index] : [],
  );
  const nameOf = (index: number) => getScalar(layers[index]!.value as PMessage, 'name') ?? '';
  if (named !== undefined) {
    const found = candidates.find((index) => nameOf(index) === named);
    if (found !== undefined) return found;
    const known = candidates.map((index) => `"${nameOf(index)}"`).join(', ');
    throw new DeployDerivationError(
      `the TEST net has no SoftmaxWithLoss or Softmax layer named "${named}"${known ? `; its heads are ${known}` : ''}`,
    );
  }
  const losses = candidates.filter((index) => SOFTMAX_LOSS.has(typeOf(layers[index]!)));
  const chosen = losses.at(-1) ?? candidates.at(-1);
  if (chosen === undefined)
    throw new DeployDerivationError(
      'the training net has no SoftmaxWithLoss or Softmax layer to read class probabilities from; send a deploy net',
    );
  return chosen;
}

/**
 * The layers `blob` is computed from, in net order: walking back from the head, a layer is kept
 * when it writes a blob still needed, and then needs its own bottoms (an in-place layer keeps its
 * blob needed, so the layer that first wrote it is kept too). The data layer's image top is the
 * deploy net's input; needing its label means the head cannot run without labels.
 */
function ancestors(
  layers: PField[],
  blob: string,
  names: { input: string; label?: string | undefined; head: string },
): PField[] {
  const needed = new Set([blob]);
  const kept: PField[] = [];
  for (let i = layers.length - 1; i >= 0 && needed.size > 0; i--) {
    const entry = layers[i]!;
    const layer = entry.value as PMessage;
    const layerTops = tops(entry);
    if (!layerTops.some((t) => needed.has(t))) continue;
    if (DATA_TYPES.has(typeOf(entry))) {
      if (names.label !== undefined && needed.has(names.label))
        throw new DeployDerivationError(`the head "${names.head}" is computed from the labels; pick another head`);
      needed.delete(names.input);
      continue;
    }
    const bottoms = getAll(layer, 'bottom').map(scalarText);
    for (const top of layerTops) if (!bottoms.includes(top)) needed.delete(top);
    for (const bottom of bottoms) needed.add(bottom);
    kept.unshift(entry);
  }
  return kept;
}

function softmaxLayer(v1: boolean, bottom: string): PField {
  const layer: PMessage = { fields: [] };
  setScalar(layer, 'name', 'string', 'prob');
  if (v1) setScalar(layer, 'type', 'identifier', 'SOFTMAX');
  else setScalar(layer, 'type', 'string', 'Softmax');
  setScalar(layer, 'bottom', 'string', bottom);
  setScalar(layer, 'top', 'string', 'prob');
  return { name: v1 ? 'layers' : 'layer', value: layer, line: 0, column: 0 };
}

const dim = (value: number | string): PField => ({
  name: 'dim',
  value: { kind: 'number', text: String(value) },
  line: 0,
  column: 0,
});

function parse(text: string, what: string): PMessage {
  try {
    return parsePrototxt(text);
  } catch (error) {
    if (error instanceof PrototxtSyntaxError)
      throw new DeployDerivationError(`the ${what} does not parse: ${error.message}`);
    throw error;
  }
}

function typeOf(entry: PField): string {
  return isMessage(entry.value) ? (getScalar(entry.value, 'type') ?? '') : '';
}

const tops = (entry: PField): string[] => getAll(entry.value as PMessage, 'top').map(scalarText);

function scalarText(field: PField): string {
  return isMessage(field.value) ? '' : field.value.text;
}

function cropSize(entry: PField): number | undefined {
  const text = getScalar(effectiveTransform(entry), 'crop_size');
  const value = text === undefined ? undefined : parseProtoInt(text);
  return value && value > 0 ? value : undefined;
}
