/**
 * Checks a submitted solver and net before anything is stored or queued, so that mistakes Caffe
 * would only report minutes into a Batch job come back at once with a line and column.
 * Syntax, then Caffe's schema (schema.ts), then the untrusted-input tables (untrusted.ts), then
 * rules: solver rules in solver-rules.ts, net rules here.
 */
import { CAFFE_LAYER_TYPES, checkSchema } from './schema';
import { at, intOf, parseProtoInt, readMaxIter, SOLVER_TYPES, solverRules, type Rule } from './solver-rules';
import { checkUntrusted } from './untrusted';
import {
  getAll,
  getField,
  getScalar,
  isMessage,
  parsePrototxt,
  PrototxtSyntaxError,
  type PField,
  type PMessage,
} from '../prototxt';

export type InputName = 'solver' | 'net';

export interface ValidationIssue {
  field: InputName;
  line: number;
  column: number;
  message: string;
}

/** A problem located in the solver or net; the message says where, too. */
export class CaffeInputError extends Error {
  override name = 'CaffeInputError';
  constructor(
    readonly field: InputName,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${field} ${line}:${column}: ${reason}`);
  }
}

export type { Rule } from './solver-rules';
export { parseProtoInt, readMaxIter } from './solver-rules';

export const TRAIN_DATA_MISSING =
  "the net has no Data or ImageData layer for the TRAIN phase; Elastic Caffe binds the dataset to it (Data: its LMDB, ImageData: its images)";

const trainDataRule: Rule = (net) =>
  findDataLayers(net).some((d) => d.phases.train) ? [] : [{ line: 1, column: 1, message: TRAIN_DATA_MISSING }];

const layerFormatRule: Rule = (net) => {
  const v1 = getField(net, 'layers');
  const v2 = getField(net, 'layer');
  if (!v1 || !v2) return [];
  // Caffe's upgrader refuses a net that mixes the V1 and current layer formats.
  return [at(v1, `the net mixes "layers" (V1 format, first at ${v1.line}:${v1.column}) and "layer" (first at ${v2.line}:${v2.column}); use one`)];
};

/** V2 layer types are free strings in the schema; Caffe's registry decides (V1 types are an enum). */
const layerTypeRule: Rule = (net) =>
  getAll(net, 'layer').flatMap((entry) => {
    const type = isMessage(entry.value) ? getField(entry.value, 'type') : undefined;
    if (!type || isMessage(type.value) || CAFFE_LAYER_TYPES.includes(type.value.text)) return [];
    return [at(type, `unknown layer type ${JSON.stringify(type.value.text)}; Caffe 1.0 knows ${CAFFE_LAYER_TYPES.join(', ')}`)];
  });

export { solverRules };
export const netRules: Rule[] = [trainDataRule, layerFormatRule, layerTypeRule];

const ROOT_TYPES = { solver: 'SolverParameter', net: 'NetParameter' } as const;

/**
 * Every problem found in a submitted solver and net, in source order; empty when both look
 * runnable. A syntax error stops that text's checks; otherwise the semantic rules, the
 * untrusted-input tables and Caffe's schema all run; the schema's word on a place only counts
 * when no rule said something more specific there.
 */
export function validateSolverAndNet(solver: string, net: string): ValidationIssue[] {
  return [...check('solver', solver, solverRules), ...check('net', net, netRules)];
}

/** The issues as one readable line (`net 4:8: …; solver 1:1: …`), for an error's detail. */
export function describeIssues(issues: Array<Pick<ValidationIssue, 'field' | 'line' | 'column' | 'message'>>): string {
  return issues.map((i) => `${i.field} ${i.line}:${i.column}: ${i.message}`).join('; ');
}

function check(field: InputName, text: string, rules: Rule[]): ValidationIssue[] {
  let msg: PMessage;
  try {
    msg = parsePrototxt(text);
  } catch (err) {
    if (err instanceof PrototxtSyntaxError) return [{ field, line: err.line, column: err.column, message: err.message }];
    throw err;
  }
  const root = ROOT_TYPES[field];
  // The rules come first: for the fields they know, their messages say more than the schema's.
  const specific = [...rules.flatMap((rule) => rule(msg)), ...checkUntrusted(msg, root)];
  const places = new Set(specific.map((i) => `${i.line}:${i.column}`));
  const schema = checkSchema(msg, root).filter((i) => !places.has(`${i.line}:${i.column}`));
  return [...specific, ...schema].map((issue) => ({ field, ...issue })).sort((a, b) => a.line - b.line || a.column - b.column);
}

/** The layer types the service binds to a dataset: Data reads its LMDBs, ImageData its images. */
export type DataLayerKind = 'Data' | 'ImageData';

export interface DataLayer {
  /** The `layer` (or V1 `layers`) entry itself. */
  entry: PField;
  layer: PMessage;
  kind: DataLayerKind;
  phases: { train: boolean; test: boolean };
}

/** Type names per layer format: V2 `layer` strings, V1 `layers` enum values. */
const DATA_LAYER_KINDS: Readonly<Record<string, Readonly<Record<string, DataLayerKind>>>> = {
  layer: { Data: 'Data', ImageData: 'ImageData' },
  layers: { DATA: 'Data', IMAGE_DATA: 'ImageData' },
};

/** The net's Data and ImageData layers (V1: DATA, IMAGE_DATA) and the phases each one is part of. */
export function findDataLayers(net: PMessage): DataLayer[] {
  const found: DataLayer[] = [];
  for (const entry of net.fields) {
    if (!isMessage(entry.value)) continue;
    const kind = DATA_LAYER_KINDS[entry.name]?.[getScalar(entry.value, 'type') ?? ''];
    if (!kind) continue;
    const layer = entry.value;
    found.push({ entry, layer, kind, phases: { train: inPhase(layer, 'TRAIN'), test: inPhase(layer, 'TEST') } });
  }
  return found;
}

/**
 * Caffe's include/exclude filtering (Net::FilterNet) for the default net state of a phase:
 * level 0 and no stages, which is what a solver without train_state/test_state gives.
 */
function inPhase(layer: PMessage, phase: 'TRAIN' | 'TEST'): boolean {
  const rules = (name: string) => getAll(layer, name).flatMap((f) => (isMessage(f.value) ? [f.value] : []));
  const includes = rules('include');
  if (includes.length > 0) return includes.some((r) => ruleMet(r, phase));
  return !rules('exclude').some((r) => ruleMet(r, phase));
}

function ruleMet(rule: PMessage, phase: string): boolean {
  const rulePhase = getScalar(rule, 'phase');
  if (rulePhase !== undefined && rulePhase !== phase) return false;
  if (getField(rule, 'stage')) return false;
  const min = getScalar(rule, 'min_level');
  const max = getScalar(rule, 'max_level');
  if (min !== undefined && (parseProtoInt(min) ?? 0) > 0) return false;
  if (max !== undefined && (parseProtoInt(max) ?? 0) < 0) return false;
  return true;
}

export interface SolverSummary {
  maxIterations: number;
  /** Caffe's solver type name, e.g. "SGD" or "Adam". */
  type: string;
  testInterval?: number;
  snapshot?: number;
  display?: number;
}

/** The solver settings the API shows and schedules by; throws CaffeInputError if unusable. */
export function summarizeSolver(solver: string): SolverSummary {
  let msg: PMessage;
  try {
    msg = parsePrototxt(solver);
  } catch (err) {
    if (err instanceof PrototxtSyntaxError) throw new CaffeInputError('solver', err.line, err.column, err.message);
    throw err;
  }
  const maxIter = readMaxIter(msg);
  if ('issue' in maxIter) throw new CaffeInputError('solver', maxIter.issue.line, maxIter.issue.column, maxIter.issue.message);
  const summary: SolverSummary = { maxIterations: maxIter.value, type: solverType(msg) };
  const int = (name: string) => intOf(getField(msg, name));
  const testInterval = int('test_interval');
  const snapshot = int('snapshot');
  const display = int('display');
  if (testInterval !== undefined) summary.testInterval = testInterval;
  if (snapshot !== undefined) summary.snapshot = snapshot;
  if (display !== undefined) summary.display = display;
  return summary;
}

function solverType(solver: PMessage): string {
  const type = getScalar(solver, 'type');
  if (type !== undefined) return type;
  const old = getScalar(solver, 'solver_type');
  if (old === undefined) return 'SGD';
  return SOLVER_TYPES[old] ?? old;
}

