/**
 * Solvers and nets are untrusted input that Caffe runs next to the worker's credentials. Caffe
 * reads and writes whatever files they name, so every field that names a file is either rewritten
 * by the service (core/caffe/rewrite.ts points it inside the job's own directory) or rejected, and
 * layers that run code or touch files the service cannot supply are rejected. The rules are tables,
 * so reviewing them means reading them; a unit test proves every string field in Caffe's schema is
 * classified here.
 */
import { getScalar, isMessage, type PMessage } from '../prototxt';
import { visitTyped, type Located } from './schema';

export interface PathFieldRule {
  action: 'reject' | 'rewrite';
  /** Why, as the user reads it in the 400 (reject) or the docs (rewrite). */
  why: string;
}

const MEAN_FILE: PathFieldRule = {
  action: 'rewrite',
  why: "bound to the dataset's mean image (its training split's, by compute_image_mean), whatever path the net names",
};
const NOT_BOUND = (what: string): PathFieldRule => ({
  action: 'reject',
  why: `${what} names a file on the worker; the service binds only Data and ImageData layers to the dataset`,
});

/** `MessageType.field` → what happens to it. Keys are caffe.proto names (see caffe-schema.json). */
export const PATH_FIELD_RULES: Readonly<Record<string, PathFieldRule>> = {
  'SolverParameter.net': {
    action: 'rewrite',
    why: "the service writes the request's net into the job directory and points the solver at it",
  },
  'SolverParameter.train_net': { action: 'rewrite', why: "replaced by the request's net" },
  'SolverParameter.test_net': { action: 'rewrite', why: "replaced by the request's net" },
  'SolverParameter.snapshot_prefix': {
    action: 'rewrite',
    why: "snapshots go to the job's own directory and then to S3",
  },
  'SolverParameter.net_param': {
    action: 'reject',
    why: 'an inline net would be replaced; send the net in the request\'s "net" field',
  },
  'SolverParameter.train_net_param': {
    action: 'reject',
    why: 'an inline net would be replaced; send the net in the request\'s "net" field',
  },
  'SolverParameter.test_net_param': {
    action: 'reject',
    why: 'an inline net would be replaced; send the net in the request\'s "net" field',
  },
  'SolverParameter.weights': {
    action: 'reject',
    why: 'weights name files on the worker; fine-tuning from a model is not supported yet',
  },
  'DataParameter.source': { action: 'rewrite', why: "bound to the dataset's LMDB for the layer's phase" },
  'DataParameter.mean_file': MEAN_FILE,
  'TransformationParameter.mean_file': MEAN_FILE,
  'ImageDataParameter.mean_file': MEAN_FILE,
  'WindowDataParameter.mean_file': NOT_BOUND('window_data_param.mean_file'),
  'ImageDataParameter.source': {
    action: 'rewrite',
    why: "bound to the list file of the dataset's images for the layer's phase",
  },
  'ImageDataParameter.root_folder': {
    action: 'rewrite',
    why: "bound to the folder the dataset's images for the layer's phase are extracted to",
  },
  'HDF5DataParameter.source': NOT_BOUND('hdf5_data_param.source'),
  'HDF5OutputParameter.file_name': { action: 'reject', why: 'hdf5_output_param.file_name writes a file on the worker' },
  'WindowDataParameter.source': NOT_BOUND('window_data_param.source'),
  'WindowDataParameter.root_folder': NOT_BOUND('window_data_param.root_folder'),
  'InfogainLossParameter.source': {
    action: 'reject',
    why: 'infogain_loss_param.source reads a file on the worker; give the infogain matrix as a third bottom instead',
  },
  'V1LayerParameter.layer': {
    action: 'reject',
    why: 'the V0 layer format (layers { layer { … } }) is not supported, and it names files (source, meanfile)',
  },
};

/**
 * String fields that name no file (blob, layer and stage names, enum-like strings, Python layer
 * settings whose layer type is rejected anyway). Listed so a new path field in a newer schema
 * fails the classification test instead of slipping through.
 */
export const NON_PATH_STRING_FIELDS: readonly string[] = [
  'FillerParameter.type',
  'LayerParameter.name',
  'LayerParameter.type',
  'LayerParameter.bottom',
  'LayerParameter.top',
  'NetParameter.name',
  'NetParameter.input',
  'NetState.stage',
  'NetStateRule.stage',
  'NetStateRule.not_stage',
  'ParamSpec.name',
  'PythonParameter.module',
  'PythonParameter.layer',
  'PythonParameter.param_str',
  'SolverParameter.lr_policy',
  'SolverParameter.regularization_type',
  'SolverParameter.type',
  'V1LayerParameter.bottom',
  'V1LayerParameter.top',
  'V1LayerParameter.name',
  'V1LayerParameter.param',
  'WindowDataParameter.crop_mode',
];

/** Layer types (V2 names) refused whatever their fields say, and why. */
export const REJECTED_LAYER_TYPES: Readonly<Record<string, string>> = {
  Python: "Python layers run arbitrary code next to the worker's credentials and are not allowed",
  HDF5Data:
    "HDF5Data layers read HDF5 files the service does not supply; use a Data layer (it reads the dataset's LMDB)",
  HDF5Output: 'HDF5Output layers write files on the worker and are not allowed',
  WindowData:
    "WindowData layers read window files the service does not supply; use a Data layer (it reads the dataset's LMDB)",
};

/** V1 (`layers { type: … }`) enum names of the rejected types. */
const V1_NAMES: Readonly<Record<string, string>> = {
  HDF5_DATA: 'HDF5Data',
  HDF5_OUTPUT: 'HDF5Output',
  WINDOW_DATA: 'WindowData',
};

/**
 * Every field or layer of a solver (`SolverParameter`) or net (`NetParameter`) that the service
 * refuses to run. Rewritten fields are not issues: rewriteForJob replaces them.
 */
export function checkUntrusted(msg: PMessage, type: 'SolverParameter' | 'NetParameter'): Located[] {
  const issues: Located[] = [];
  visitTyped(msg, type, (field, { ownerType }) => {
    const where = { line: field.line, column: field.column };
    const rule = PATH_FIELD_RULES[`${ownerType}.${field.name}`];
    if (rule?.action === 'reject') issues.push({ ...where, message: `${field.name} is not allowed: ${rule.why}` });
    const isLayer = ownerType === 'NetParameter' && (field.name === 'layer' || field.name === 'layers');
    if (!isLayer || !isMessage(field.value)) return;
    const written = getScalar(field.value, 'type');
    const layerType = field.name === 'layers' ? V1_NAMES[written ?? ''] : written;
    const reason = REJECTED_LAYER_TYPES[layerType ?? ''];
    if (reason) issues.push({ ...where, message: `layer type "${written}": ${reason}` });
  });
  return issues;
}
