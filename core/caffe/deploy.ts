/**
 * Derives a deploy (inference) net from a training net, so a user need not write one: the TEST
 * phase's layers, with the data layers replaced by an input of the dataset's shape, the softmax
 * loss replaced by a Softmax named "prob", and everything that needs labels (accuracy, other
 * losses) dropped. Works for current (`layer`, string types) and V1 (`layers`, enum types) nets.
 */
import {
  getAll,
  getField,
  getMessage,
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
import { parseProtoInt } from './validate';

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
}

const DATA_TYPES = new Set(['Data', 'ImageData', 'HDF5Data', 'MemoryData', 'WindowData', 'DummyData', 'Input', 'DATA', 'IMAGE_DATA', 'HDF5_DATA', 'MEMORY_DATA', 'WINDOW_DATA', 'DUMMY_DATA']);
const SOFTMAX_LOSS = new Set(['SoftmaxWithLoss', 'SOFTMAX_LOSS']);
const SOFTMAX = new Set(['Softmax', 'SOFTMAX']);
const LABEL_ONLY = new Set(['Accuracy', 'ACCURACY']);

/** Derives the deploy net; `shape` is the dataset's stored image shape (before any crop). */
export function deriveDeployNet(trainingNet: string, shape: ImageShape): DerivedDeploy {
  let net: PMessage;
  try {
    net = parsePrototxt(trainingNet);
  } catch (error) {
    if (error instanceof PrototxtSyntaxError) throw new DeployDerivationError(`the training net does not parse: ${error.message}`);
    throw error;
  }
  const v1 = getField(net, 'layers') !== undefined;
  const layerField = v1 ? 'layers' : 'layer';
  const testLayers = getAll(net, layerField).filter((entry) => isMessage(entry.value) && inTestPhase(entry.value as PMessage));

  const dataLayer = testLayers.find((entry) => DATA_TYPES.has(typeOf(entry)));
  if (!dataLayer) throw new DeployDerivationError('the training net has no data layer in the TEST phase to take the input shape from');
  const [input, label] = getAll(dataLayer.value as PMessage, 'top').map(scalarText);
  if (!input) throw new DeployDerivationError('the TEST data layer has no top blob');
  const crop = cropSize(dataLayer.value as PMessage);
  const inputShape = { channels: shape.channels, height: crop ?? shape.height, width: crop ?? shape.width };

  const kept: PField[] = [];
  let output: string | undefined;
  for (const entry of testLayers) {
    const layer = entry.value as PMessage;
    const type = typeOf(entry);
    if (DATA_TYPES.has(type) || LABEL_ONLY.has(type)) continue;
    const bottoms = getAll(layer, 'bottom').map(scalarText);
    if (SOFTMAX_LOSS.has(type)) {
      const scores = bottoms.find((b) => b !== label);
      if (!scores) throw new DeployDerivationError(`the softmax loss layer "${getScalar(layer, 'name') ?? ''}" has no score input`);
      kept.push(softmaxLayer(v1, scores));
      output = 'prob';
      continue;
    }
    // Every other layer that reads labels (other losses, label-aware layers) cannot run without them.
    if (label !== undefined && bottoms.includes(label)) continue;
    removeField(layer, 'include');
    removeField(layer, 'exclude');
    if (SOFTMAX.has(type)) output = scalarText(getAll(layer, 'top')[0]!);
    kept.push(entry);
  }
  if (!output) throw new DeployDerivationError('the training net has no SoftmaxWithLoss or Softmax layer to read class probabilities from; send a deploy net');

  const header: PField[] = [
    { name: 'input', value: { kind: 'string', text: input }, line: 0, column: 0 },
    { name: 'input_shape', value: { fields: ['1', inputShape.channels, inputShape.height, inputShape.width].map(dim) }, line: 0, column: 0 },
  ];
  const name = getField(net, 'name');
  const deploy: PMessage = { fields: [...(name ? [name] : []), ...header, ...kept] };
  return { net: printPrototxt(deploy), input, output, inputShape };
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

const dim = (value: number | string): PField => ({ name: 'dim', value: { kind: 'number', text: String(value) }, line: 0, column: 0 });

function typeOf(entry: PField): string {
  return isMessage(entry.value) ? (getScalar(entry.value, 'type') ?? '') : '';
}

function scalarText(field: PField): string {
  return isMessage(field.value) ? '' : field.value.text;
}

function cropSize(layer: PMessage): number | undefined {
  const text = getScalar(getMessage(layer, 'transform_param') ?? { fields: [] }, 'crop_size');
  const value = text === undefined ? undefined : parseProtoInt(text);
  return value && value > 0 ? value : undefined;
}

/** Caffe's include/exclude filter (Net::FilterNet) for the TEST phase at level 0 with no stages. */
function inTestPhase(layer: PMessage): boolean {
  const rules = (name: string) => getAll(layer, name).flatMap((f) => (isMessage(f.value) ? [f.value] : []));
  const met = (rule: PMessage) => {
    const phase = getScalar(rule, 'phase');
    return (phase === undefined || phase === 'TEST') && !getField(rule, 'stage') && (parseProtoInt(getScalar(rule, 'min_level') ?? '0') ?? 0) <= 0;
  };
  const includes = rules('include');
  if (includes.length > 0) return includes.some(met);
  return !rules('exclude').some(met);
}
