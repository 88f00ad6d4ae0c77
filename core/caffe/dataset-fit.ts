/**
 * Checks a net against the dataset it will train on, for mistakes Caffe reports only minutes into
 * a job (or never: a label beyond the classifier's outputs is read out of bounds silently in a
 * release build). Each issue points at the field to change:
 *
 * - a crop_size larger than the dataset's images (the DataTransformer's CHECK);
 * - mean_value entries that are neither one nor one per channel of the dataset's images;
 * - a Slice of the data blob's channels the images do not have (nets that read image pairs
 *   stacked as channels, like Caffe's siamese example);
 * - a classification output (the num_output feeding a loss or accuracy that reads the labels)
 *   smaller than the dataset's label count. A larger one trains fine: it is a warning.
 */
import { getAll, getMessage, getScalar, isMessage, type PField, type PMessage } from '../prototxt';
import { bindingPlan, effectiveTransform } from './data-layers';
import { meanValueField } from './mean';
import { layersInState } from './net-state';
import type { Located } from './schema';
import { at, parseProtoInt } from './solver-rules';

/** What the checks need to know of a ready dataset. */
export interface DatasetFacts {
  channels: number;
  height: number;
  width: number;
  /** How many labels it has; undefined when it records none (a database used as uploaded). */
  labels?: number;
}

export interface FitReport {
  errors: Located[];
  warnings: Located[];
}

/** Layers that read class indices from their label bottom, per layer format. */
const LABEL_READERS = new Set([
  'SoftmaxWithLoss',
  'Accuracy',
  'MultinomialLogisticLoss',
  'InfogainLoss',
  'HingeLoss',
  'SOFTMAX_LOSS',
  'ACCURACY',
  'MULTINOMIAL_LOGISTIC_LOSS',
  'INFOGAIN_LOSS',
  'HINGE_LOSS',
]);
/** Layers whose num_output is the class count of what they produce, and where it is set. */
const OUTPUT_PARAMS: Readonly<Record<string, string>> = {
  InnerProduct: 'inner_product_param',
  Convolution: 'convolution_param',
  Deconvolution: 'convolution_param',
  INNER_PRODUCT: 'inner_product_param',
  CONVOLUTION: 'convolution_param',
  DECONVOLUTION: 'convolution_param',
};

/** Every issue of the net (parsed) on this dataset, errors and warnings apart; `solver` gives the nets' states. */
export function checkNetFitsDataset(net: PMessage, solver: PMessage | undefined, facts: DatasetFacts): FitReport {
  const errors: Located[] = [];
  const warnings: Located[] = [];
  const { states, layers: dataLayers } = bindingPlan(net, solver);
  for (const { entry, layer } of dataLayers) errors.push(...cropIssues(entry, facts), ...meanValueIssues(layer, facts));
  const { train, tests } = states;
  for (const state of [train, ...tests]) {
    const layers = layersInState(net, state).map((entry) => entry.value as PMessage);
    const data = dataLayers.filter((d) => layers.includes(d.layer));
    const tops = data.map((d) => scalarTexts(d.layer, 'top'));
    const dataBlobs = new Set(tops.flatMap((t) => t.slice(0, 1)));
    const labelBlobs = new Set(tops.flatMap((t) => t.slice(1, 2)));
    errors.push(...sliceIssues(layers, dataBlobs, facts));
    if (facts.labels !== undefined) {
      const report = outputIssues(layers, labelBlobs, facts.labels);
      errors.push(...report.errors);
      warnings.push(...report.warnings);
    }
  }
  return { errors: unique(errors), warnings: unique(warnings) };
}

function cropIssues(entry: PField, facts: DatasetFacts): Located[] {
  const fields = getAll(effectiveTransform(entry), 'crop_size').slice(0, 1);
  const side = Math.min(facts.height, facts.width);
  return fields.flatMap((field) => {
    const crop = intValue(field) ?? 0;
    if (crop <= side) return [];
    return [
      at(
        field,
        `crop_size ${crop} is larger than the dataset's ${facts.width}x${facts.height} images: ` +
          `use a crop_size of at most ${side}, ` +
          `or build a dataset with transform { width: ${crop}, height: ${crop} } or larger`,
      ),
    ];
  });
}

function meanValueIssues(layer: PMessage, facts: DatasetFacts): Located[] {
  const first = meanValueField(layer);
  const count = getAll(getMessage(layer, 'transform_param') ?? { fields: [] }, 'mean_value').length;
  if (!first || count === 1 || count === facts.channels) return [];
  const images = facts.channels === 1 ? '1 channel (grey)' : `${facts.channels} channels (BGR)`;
  const fix =
    facts.channels === 1
      ? 'give one mean_value, or build the dataset with transform { grayscale: false } for 3 channels'
      : `give 1 or ${facts.channels} mean_value entries (B, G, R)`;
  return [at(first, `${count} mean_value entries, but the dataset's images have ${images}: ${fix}`)];
}

/** Slice layers that cut the data blob's channels at points the images do not have. */
function sliceIssues(layers: PMessage[], dataBlobs: Set<string>, facts: DatasetFacts): Located[] {
  return layers.flatMap((layer) => {
    const type = getScalar(layer, 'type');
    if (type !== 'Slice' && type !== 'SLICE') return [];
    const bottom = scalarTexts(layer, 'bottom')[0];
    if (bottom === undefined || !dataBlobs.has(bottom)) return [];
    const param = getMessage(layer, 'slice_param') ?? { fields: [] };
    const axis = intValue(getAll(param, 'axis')[0]) ?? intValue(getAll(param, 'slice_dim')[0]) ?? 1;
    if (axis !== 1 && axis !== -3) return [];
    const points = getAll(param, 'slice_point');
    const last = points.at(-1);
    const tops = scalarTexts(layer, 'top').length;
    const fits = last
      ? (intValue(last) ?? 0) < facts.channels
      : facts.channels % Math.max(tops, 1) === 0 && facts.channels >= tops;
    if (fits) return [];
    const where = last ?? getAll(layer, 'slice_param')[0] ?? getAll(layer, 'type')[0]!;
    const images = `${facts.channels} channel${facts.channels === 1 ? '' : 's'}`;
    return [
      at(
        where,
        `the Slice layer "${getScalar(layer, 'name') ?? ''}" splits the data blob's channels into ${tops} parts, ` +
          `but the dataset's images have ${images}: this net reads images stacked as channels (e.g. pairs, ` +
          "like Caffe's siamese example), which Elastic Caffe's datasets do not hold; " +
          'train it on single images, or slice another axis',
      ),
    ];
  });
}

/** The num_output feeding each label reader, against the label count. */
function outputIssues(layers: PMessage[], labelBlobs: Set<string>, labels: number): FitReport {
  const report: FitReport = { errors: [], warnings: [] };
  layers.forEach((layer, index) => {
    if (!LABEL_READERS.has(getScalar(layer, 'type') ?? '')) return;
    const bottoms = scalarTexts(layer, 'bottom');
    const label = bottoms.find((b) => labelBlobs.has(b));
    const scores = bottoms.find((b) => b !== label);
    if (label === undefined || scores === undefined) return;
    const output = producedOutput(layers, index, scores);
    if (!output) return;
    const count = intValue(output) ?? 0;
    const reader = `the ${getScalar(layer, 'type')} layer "${getScalar(layer, 'name') ?? ''}"`;
    if (count < labels)
      report.errors.push(
        at(
          output,
          `num_output ${count} is less than the dataset's ${labels} labels: ` +
            `${reader} reads labels up to ${labels - 1} from it; set num_output to ${labels}`,
        ),
      );
    else if (count > labels)
      report.warnings.push(
        at(
          output,
          `num_output ${count} is more than the dataset's ${labels} labels: training works, ` +
            `and outputs ${labels}–${count - 1} never see a label (classify names them by their index)`,
        ),
      );
  });
  return report;
}

/**
 * The num_output field of the layer that produced `blob` for the layer at `before`, looking
 * through in-place layers (ReLU, Dropout: bottom and top the same blob); undefined when another
 * kind of layer produced it (a Pooling or Reshape, whose class count is not written down).
 */
function producedOutput(layers: PMessage[], before: number, blob: string): PField | undefined {
  for (let i = before - 1; i >= 0; i--) {
    const layer = layers[i]!;
    if (!scalarTexts(layer, 'top').includes(blob)) continue;
    const param = OUTPUT_PARAMS[getScalar(layer, 'type') ?? ''];
    if (param) return getAll(getMessage(layer, param) ?? { fields: [] }, 'num_output')[0];
    if (!scalarTexts(layer, 'bottom').includes(blob)) return undefined;
  }
  return undefined;
}

const scalarTexts = (msg: PMessage, name: string): string[] =>
  getAll(msg, name).flatMap((f) => (isMessage(f.value) ? [] : [f.value.text]));
const intValue = (field: PField | undefined): number | undefined =>
  field && !isMessage(field.value) ? parseProtoInt(field.value.text) : undefined;

/** One issue per place (a layer in several nets is checked once per net): the first found, the training net's. */
function unique(issues: Located[]): Located[] {
  const seen = new Set<string>();
  return issues
    .filter((i) => {
      const key = `${i.line}:${i.column}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
