/**
 * Turns a stored solver and net into the files one job runs: the Data layers read the job's
 * LMDBs, the ImageData layers the dataset's extracted images, every mean_file the dataset's mean
 * image, and the solver points at the job's net file and snapshot prefix — the `rewrite` rows of
 * untrusted.ts's PATH_FIELD_RULES. Its `reject` rows are refused here too. Everything else the
 * user wrote is kept as written. V1 nets (`layers { type: DATA }`) are rewritten the same way and
 * upgraded by Caffe itself when it reads the net (UpgradeNetAsNeeded).
 */
import {
  getMessage,
  getAll,
  parsePrototxt,
  printPrototxt,
  PrototxtSyntaxError,
  removeField,
  setScalar,
  setValue,
  type PMessage,
} from '../prototxt';
import { findDataLayers, planDataBinding } from './data-layers';
import { meanFileFields, netUsesMeanFile } from './mean';
import { layerEntries } from './net-state';
import { checkUntrusted } from './untrusted';
import { CaffeInputError, readMaxIter, trainDataIssue, type InputName } from './validate';

/** The net cannot be bound to the job's data (syntax error, or no TRAIN Data layer). */
export class NetRewriteError extends CaffeInputError {
  override name = 'NetRewriteError';
  constructor(line: number, column: number, reason: string) {
    super('net', line, column, reason);
  }
}

/** The solver cannot be run (syntax error, or max_iter missing or invalid). */
export class SolverRewriteError extends CaffeInputError {
  override name = 'SolverRewriteError';
  constructor(line: number, column: number, reason: string) {
    super('solver', line, column, reason);
  }
}

export interface JobPaths {
  /** Where the worker writes the rewritten net; the solver's `net` points here. */
  net: string;
  snapshotPrefix: string;
  trainSource: string;
  testSource: string;
  /** The database kind of both sources; LMDB unless the dataset kept its LevelDBs. */
  dataBackend?: 'LMDB' | 'LEVELDB';
  /** The dataset's extracted images; needed only when the net has ImageData layers. */
  images?: JobImages;
  /** The dataset's mean image (binaryproto); needed only when the net names a mean_file. */
  meanFile?: string;
}

/** One side's images: Caffe's ImageData reads `root_folder + <path>` for each `<path> <label>` line of `source`. */
export interface ImageSide {
  listFile: string;
  /** Ends with "/": Caffe concatenates it with each path as a plain string. */
  rootFolder: string;
}

export interface JobImages {
  training: ImageSide;
  testing: ImageSide;
  /** The dataset's preprocessing, so ImageData decodes and resizes the way convert_imageset did for the LMDBs. */
  grayscale: boolean;
  resize?: { width: number; height: number };
}

export interface RewriteInput {
  solver: string;
  net: string;
  paths: JobPaths;
  mode: 'CPU' | 'GPU';
  /**
   * NVIDIA Caffe only: BVLC Caffe 1.0 has no such field and rejects the solver if it is present,
   * so it is only ever written when asked for (and removed otherwise).
   */
  storeBlobsInOldFormat?: boolean;
  /**
   * Snapshot interval in iterations to write when the solver sets none. The worker does not use
   * it: it snapshots a solver without one by time (SIGHUP; core/topology.ts `checkpoints`).
   */
  snapshotIntervalDefault?: number;
}

export interface RewriteOutput {
  solver: string;
  net: string;
  maxIterations: number;
  /** The solver's `snapshot` interval in iterations; 0 when it sets none (Caffe then snapshots only at the end). */
  snapshotInterval: number;
}

/** Fields that name the net some other way than the `net` file we write. */
const NET_SOURCES = ['net', 'net_param', 'train_net', 'test_net', 'train_net_param', 'test_net_param'];

/** Rewrites a stored solver and net for one job; throws NetRewriteError or SolverRewriteError. */
export function rewriteForJob(input: RewriteInput): RewriteOutput {
  const net = parseFor('net', input.net);
  // Submit-time validation refuses these already; checking again here covers texts that never
  // went through it (fetched by URL, or stored before a rule existed), since this is what runs.
  const netRefusal = checkUntrusted(net, 'NetParameter')[0];
  if (netRefusal) throw new NetRewriteError(netRefusal.line, netRefusal.column, netRefusal.message);
  const solver = parseFor('solver', input.solver);
  bindDataLayers(net, solver, input.paths);
  bindMeanFiles(net, input.paths.meanFile);
  const solverRefusal = checkUntrusted(solver, 'SolverParameter')[0];
  if (solverRefusal) throw new SolverRewriteError(solverRefusal.line, solverRefusal.column, solverRefusal.message);
  const maxIter = readMaxIter(solver);
  if ('issue' in maxIter) {
    throw new SolverRewriteError(maxIter.issue.line, maxIter.issue.column, maxIter.issue.message);
  }
  for (const name of NET_SOURCES) removeField(solver, name);
  // `net` goes first, where Caffe's own examples put it, so the printed solver reads naturally.
  solver.fields.unshift({ name: 'net', value: { kind: 'string', text: input.paths.net }, line: 0, column: 0 });
  setScalar(solver, 'snapshot_prefix', 'string', input.paths.snapshotPrefix);
  setScalar(solver, 'solver_mode', 'identifier', input.mode);
  // Snapshots are the service's: it uploads, resumes from and serves Caffe's binary format
  // (`_iter_N.caffemodel`/`.solverstate`), so an HDF5 snapshot_format (CIFAR-10 full's) is dropped.
  removeField(solver, 'snapshot_format');
  if (input.storeBlobsInOldFormat) setScalar(solver, 'store_blobs_in_old_format', 'identifier', 'true');
  else removeField(solver, 'store_blobs_in_old_format');
  const interval = input.snapshotIntervalDefault;
  if (interval !== undefined && solver.fields.every((f) => f.name !== 'snapshot')) {
    if (!Number.isInteger(interval) || interval <= 0)
      throw new RangeError(`snapshotIntervalDefault must be a positive integer, got ${interval}`);
    setScalar(solver, 'snapshot', 'number', String(interval));
  }
  // protobuf's text format: the last of a repeated singular field wins.
  const snapshotField = getAll(solver, 'snapshot').at(-1)?.value;
  const snapshotInterval = snapshotField && 'text' in snapshotField ? Number(snapshotField.text) : 0;
  return {
    solver: printPrototxt(solver),
    net: printPrototxt(net),
    maxIterations: maxIter.value,
    snapshotInterval: Number.isFinite(snapshotInterval) ? snapshotInterval : 0,
  };
}

/** Whether the net has ImageData layers (the worker then fetches the dataset's images); false if it does not parse. */
export function netReadsImages(netText: string): boolean {
  const net = parseOrUndefined(netText);
  return net !== undefined && findDataLayers(net).some((d) => d.kind === 'ImageData');
}

/** Whether the net names a mean_file (the worker then fetches the dataset's mean image); false if it does not parse. */
export function netReadsMean(netText: string): boolean {
  const net = parseOrUndefined(netText);
  return net !== undefined && netUsesMeanFile(net);
}

function parseOrUndefined(text: string): PMessage | undefined {
  try {
    return parsePrototxt(text);
  } catch (err) {
    if (err instanceof PrototxtSyntaxError) return undefined;
    throw err;
  }
}

/**
 * Points every Data layer at the job's LMDB and every ImageData layer at the dataset's images of
 * the split data-layers.ts assigns it (the nets the solver's train_state and test_state build).
 */
function bindDataLayers(net: PMessage, solver: PMessage, paths: JobPaths): void {
  const missing = trainDataIssue(net, solver);
  if (missing) throw new NetRewriteError(missing.line, missing.column, missing.message);
  for (const { entry, layer, kind, side } of planDataBinding(net, solver)) {
    if (kind === 'ImageData') {
      if (!paths.images)
        throw new NetRewriteError(
          entry.line,
          entry.column,
          'ImageData layers need a dataset that keeps its images (one built from image folders)',
        );
      bindImageDataLayer(layer, paths.images, side);
      continue;
    }
    const dataParam = childMessage(layer, 'data_param');
    setScalar(dataParam, 'source', 'string', side === 'training' ? paths.trainSource : paths.testSource);
    setScalar(dataParam, 'backend', 'identifier', paths.dataBackend ?? 'LMDB');
  }
}

/** Every mean_file the net names becomes the dataset's mean image, as `source` becomes its data. */
function bindMeanFiles(net: PMessage, meanFile: string | undefined): void {
  for (const entry of layerEntries(net)) {
    for (const field of meanFileFields(entry.value as PMessage)) {
      const { line, column } = field;
      if (!meanFile) throw new NetRewriteError(line, column, 'the net names a mean_file, but the dataset has no mean');
      field.value = { kind: 'string', text: meanFile };
    }
  }
}

/**
 * Binds the list and folder, and decodes and resizes as the dataset did; batch_size, shuffle and the rest stay as
 * written.
 */
function bindImageDataLayer(layer: PMessage, images: JobImages, side: 'training' | 'testing'): void {
  const param = childMessage(layer, 'image_data_param');
  setScalar(param, 'source', 'string', images[side].listFile);
  setScalar(param, 'root_folder', 'string', images[side].rootFolder);
  setScalar(param, 'is_color', 'identifier', images.grayscale ? 'false' : 'true');
  if (images.resize) {
    setScalar(param, 'new_height', 'number', String(images.resize.height));
    setScalar(param, 'new_width', 'number', String(images.resize.width));
  } else {
    // The images all have the dataset's size already; a resize here would train on other pixels than classify sees.
    removeField(param, 'new_height');
    removeField(param, 'new_width');
  }
}

/** The layer's sub-message `name`, created empty when absent. */
function childMessage(layer: PMessage, name: string): PMessage {
  const existing = getMessage(layer, name);
  if (existing) return existing;
  const created: PMessage = { fields: [] };
  setValue(layer, name, created);
  return created;
}

function parseFor(field: InputName, text: string): PMessage {
  try {
    return parsePrototxt(text);
  } catch (err) {
    if (!(err instanceof PrototxtSyntaxError)) throw err;
    throw field === 'net'
      ? new NetRewriteError(err.line, err.column, err.message)
      : new SolverRewriteError(err.line, err.column, err.message);
  }
}
