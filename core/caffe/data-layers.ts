/**
 * The net's data layers and which split of the dataset each one reads. The service binds every
 * Data and ImageData layer to the dataset (rewrite.ts), so it decides the split the way a Caffe
 * user's paths meant it:
 *
 * 1. a layer in the training net (the solver's `train_state`) reads the training split;
 * 2. a layer that names the same source as a training-net layer reads the training split too
 *    (Caffe's MNIST autoencoder tests "on train" with a TEST layer naming the training LMDB);
 * 3. every other layer reads the testing split.
 *
 * Layers no net of the run uses are bound as well, so no path the user wrote survives.
 */
import { getMessage, getScalar, isMessage, type PField, type PMessage } from '../prototxt';
import { layerEntries, layerInState, solverStates, type NetState, type SolverStates } from './net-state';

/** The layer types the service binds to a dataset: Data reads its LMDBs, ImageData its images. */
export type DataLayerKind = 'Data' | 'ImageData';

export interface DataLayer {
  /** The `layer` (or V1 `layers`) entry itself. */
  entry: PField;
  layer: PMessage;
  kind: DataLayerKind;
  /** Whether the layer is in the default TRAIN and TEST nets (level 0, no stages). */
  phases: { train: boolean; test: boolean };
}

export type Side = 'training' | 'testing';

export interface BoundDataLayer extends DataLayer {
  side: Side;
  /** Part of the training net (the solver's train_state). */
  inTrainingNet: boolean;
  /** The nets of the run the layer is part of (none: bound anyway, never read). */
  states: NetState[];
}

/** Type names per layer format: V2 `layer` strings, V1 `layers` enum values. */
const DATA_LAYER_KINDS: Readonly<Record<string, Readonly<Record<string, DataLayerKind>>>> = {
  layer: { Data: 'Data', ImageData: 'ImageData' },
  layers: { DATA: 'Data', IMAGE_DATA: 'ImageData' },
};

const DEFAULT_TRAIN: NetState = { phase: 'TRAIN', level: 0, stages: [] };
const DEFAULT_TEST: NetState = { phase: 'TEST', level: 0, stages: [] };

/** The kind of a layer entry the service binds, if it is one. */
export function dataLayerKind(entry: PField): DataLayerKind | undefined {
  if (!isMessage(entry.value)) return undefined;
  return DATA_LAYER_KINDS[entry.name]?.[getScalar(entry.value, 'type') ?? ''];
}

/** The net's Data and ImageData layers (V1: DATA, IMAGE_DATA), and whether each is in the default TRAIN/TEST nets. */
export function findDataLayers(net: PMessage): DataLayer[] {
  return layerEntries(net).flatMap((entry) => {
    const kind = dataLayerKind(entry);
    if (!kind) return [];
    const layer = entry.value as PMessage;
    return [
      {
        entry,
        layer,
        kind,
        phases: { train: layerInState(layer, DEFAULT_TRAIN), test: layerInState(layer, DEFAULT_TEST) },
      },
    ];
  });
}

/** The source a data layer names as written (data_param or image_data_param), if any. */
export function writtenSource(layer: PMessage): string | undefined {
  const param = getMessage(layer, 'data_param') ?? getMessage(layer, 'image_data_param');
  const source = param && getScalar(param, 'source');
  return source ? source : undefined;
}

/** Every data layer with the split it reads (see the rules above); `solver` undefined means the default states. */
export function planDataBinding(net: PMessage, solver?: PMessage): BoundDataLayer[] {
  return bindingPlan(net, solver).layers;
}

/** The plan with the states it was made for (BoundDataLayer.states holds these very objects). */
export function bindingPlan(net: PMessage, solver?: PMessage): { states: SolverStates; layers: BoundDataLayer[] } {
  const states = solverStates(net, solver);
  const { train } = states;
  const all = [train, ...states.tests];
  const layers = findDataLayers(net).map((d) => ({ ...d, states: all.filter((s) => layerInState(d.layer, s)) }));
  const trainSources = new Set(
    layers.filter((d) => d.states.includes(train)).flatMap((d) => writtenSource(d.layer) ?? []),
  );
  const bound = layers.map((d): BoundDataLayer => {
    const source = writtenSource(d.layer);
    const inTrainingNet = d.states.includes(train);
    const training = inTrainingNet || (source !== undefined && trainSources.has(source));
    return { ...d, inTrainingNet, side: training ? 'training' : 'testing' };
  });
  return { states, layers: bound };
}

/** The fields Caffe's V1 upgrade moves from data_param/image_data_param into transform_param. */
const DEPRECATED_TRANSFORM_FIELDS = new Set(['scale', 'mean_file', 'crop_size', 'mirror']);

/**
 * The transform_param Caffe applies to a data layer entry. For V1 layers (`layers`) Caffe's
 * upgrade moves the deprecated data_param/image_data_param copies of scale, mean_file, crop_size
 * and mirror into it, overriding; current layers ignore those copies.
 */
export function effectiveTransform(entry: PField): PMessage {
  const layer = entry.value as PMessage;
  const transform = getMessage(layer, 'transform_param') ?? { fields: [] };
  if (entry.name !== 'layers') return transform;
  const deprecated = ['data_param', 'image_data_param'].flatMap(
    (name) => getMessage(layer, name)?.fields.filter((f) => DEPRECATED_TRANSFORM_FIELDS.has(f.name)) ?? [],
  );
  return { fields: [...deprecated, ...transform.fields] };
}
