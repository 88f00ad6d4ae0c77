/**
 * Checks a submitted solver and net before anything is stored or queued, so that mistakes Caffe
 * would only report minutes into a Batch job come back at once with a line and column.
 * Checks are rules in two lists; schema validation (issue #3) adds rules rather than code paths.
 */
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

type Located = Omit<ValidationIssue, 'field'>;
/** A check over a parsed solver or net; it returns every problem it finds. */
export type Rule = (msg: PMessage) => Located[];

export const TRAIN_DATA_MISSING =
  "the net has no Data layer for the TRAIN phase; Elastic Caffe binds the dataset's LMDB to it";

/** Caffe 1.0's learning rate policies; with any other value (or none) it stops at iteration 0. */
const LR_POLICIES = ['fixed', 'step', 'exp', 'inv', 'multistep', 'poly', 'sigmoid'];
/** Caffe 1.0's solver types, and the old `solver_type` enum values that name them. */
const SOLVER_TYPES: Record<string, string> = {
  SGD: 'SGD', NESTEROV: 'Nesterov', ADAGRAD: 'AdaGrad', RMSPROP: 'RMSProp', ADADELTA: 'AdaDelta', ADAM: 'Adam',
};
const INT32_MAX = 2 ** 31 - 1;

/**
 * An integer as protobuf's text format reads it (decimal, 0x hex, or 0-led octal); undefined
 * for anything else, floats included, which Caffe rejects for its integer fields.
 */
export function parseProtoInt(text: string): number | undefined {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2] ?? '';
  const value = /^0[xX]/.test(digits) ? parseInt(digits, 16) : /^0./.test(digits) ? parseInt(digits, 8) : Number(digits);
  return m[1] ? -value : value;
}

/** Reads `max_iter`: a positive int32, set once. */
export function readMaxIter(solver: PMessage): { value: number } | { issue: Located } {
  const entries = getAll(solver, 'max_iter');
  const first = entries[0];
  if (!first) return { issue: { line: 1, column: 1, message: 'the solver must set max_iter (how many iterations to train)' } };
  const second = entries[1];
  if (second) {
    return { issue: at(second, `max_iter is set more than once (first at ${first.line}:${first.column})`) };
  }
  const value = intOf(first);
  if (value === undefined || value <= 0 || value > INT32_MAX) {
    return { issue: at(first, `max_iter must be a positive integer, got ${describeValue(first)}`) };
  }
  return { value };
}

/** A field's integer value; a quoted number is not one (protobuf rejects it for int fields). */
function intOf(field: PField | undefined): number | undefined {
  if (!field || isMessage(field.value) || field.value.kind !== 'number') return undefined;
  return parseProtoInt(field.value.text);
}

/** A field's value as the user wrote it, for messages. */
function describeValue(field: PField): string {
  if (isMessage(field.value)) return 'a message';
  return field.value.kind === 'string' ? `the string ${JSON.stringify(field.value.text)}` : JSON.stringify(field.value.text);
}

/** Checks a string-valued enum-like field; Caffe reads these as strings, so they must be quoted. */
function oneOf(field: PField, known: string[]): Located | undefined {
  const list = known.map((k) => `"${k}"`).join(', ');
  const value = field.value;
  if (isMessage(value) || !known.includes(value.text)) {
    return at(field, `${field.name} must be one of ${list}, got ${describeValue(field)}`);
  }
  if (value.kind !== 'string') return at(field, `${field.name} is a string: write ${field.name}: "${value.text}"`);
  return undefined;
}

const maxIterRule: Rule = (solver) => {
  const result = readMaxIter(solver);
  return 'issue' in result ? [result.issue] : [];
};

const lrPolicyRule: Rule = (solver) => {
  const field = getField(solver, 'lr_policy');
  if (!field) {
    const known = LR_POLICIES.map((p) => `"${p}"`).join(', ');
    return [{ line: 1, column: 1, message: `the solver must set lr_policy (one of ${known}); Caffe has no default` }];
  }
  const problem = oneOf(field, LR_POLICIES);
  if (problem) return [problem];
  if (getScalar(solver, 'lr_policy') === 'step') {
    const stepsize = getField(solver, 'stepsize');
    const value = intOf(stepsize);
    if (value === undefined || value <= 0) {
      return [at(stepsize ?? field, 'lr_policy "step" needs a positive stepsize (iterations between rate drops)')];
    }
  }
  return [];
};

const solverTypeRule: Rule = (solver) => {
  const type = getField(solver, 'type');
  const old = getField(solver, 'solver_type');
  if (type && old) return [at(old, 'set either type or the older solver_type, not both')];
  const problem = type && oneOf(type, Object.values(SOLVER_TYPES));
  if (problem) return [problem];
  if (old && (isMessage(old.value) || old.value.kind !== 'identifier' || SOLVER_TYPES[old.value.text] === undefined)) {
    return [at(old, `solver_type must be one of ${Object.keys(SOLVER_TYPES).join(', ')}, got ${describeValue(old)}`)];
  }
  return [];
};

const trainDataRule: Rule = (net) =>
  findDataLayers(net).some((d) => d.phases.train) ? [] : [{ line: 1, column: 1, message: TRAIN_DATA_MISSING }];

const layerFormatRule: Rule = (net) => {
  const v1 = getField(net, 'layers');
  const v2 = getField(net, 'layer');
  if (!v1 || !v2) return [];
  // Caffe's upgrader refuses a net that mixes the V1 and current layer formats.
  return [at(v1, `the net mixes "layers" (V1 format, first at ${v1.line}:${v1.column}) and "layer" (first at ${v2.line}:${v2.column}); use one`)];
};

export const solverRules: Rule[] = [maxIterRule, lrPolicyRule, solverTypeRule];
export const netRules: Rule[] = [trainDataRule, layerFormatRule];

/** Every problem found in a submitted solver and net; empty when both look runnable. */
export function validateSolverAndNet(solver: string, net: string): ValidationIssue[] {
  return [...check('solver', solver, solverRules), ...check('net', net, netRules)];
}

function check(field: InputName, text: string, rules: Rule[]): ValidationIssue[] {
  let msg: PMessage;
  try {
    msg = parsePrototxt(text);
  } catch (err) {
    if (err instanceof PrototxtSyntaxError) return [{ field, line: err.line, column: err.column, message: err.message }];
    throw err;
  }
  return rules.flatMap((rule) => rule(msg).map((issue) => ({ field, ...issue })));
}

export interface DataLayer {
  /** The `layer` (or V1 `layers`) entry itself. */
  entry: PField;
  layer: PMessage;
  phases: { train: boolean; test: boolean };
}

/** The net's Data layers (V1: DATA) and the phases each one is part of. */
export function findDataLayers(net: PMessage): DataLayer[] {
  const found: DataLayer[] = [];
  for (const entry of net.fields) {
    const wanted = entry.name === 'layer' ? 'Data' : entry.name === 'layers' ? 'DATA' : undefined;
    if (!wanted || !isMessage(entry.value) || getScalar(entry.value, 'type') !== wanted) continue;
    const layer = entry.value;
    found.push({ entry, layer, phases: { train: inPhase(layer, 'TRAIN'), test: inPhase(layer, 'TEST') } });
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

function at(field: PField, message: string): Located {
  return { line: field.line, column: field.column, message };
}
