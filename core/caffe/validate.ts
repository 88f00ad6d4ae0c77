/**
 * Checks a submitted solver and net before anything is stored or queued, so that mistakes Caffe
 * would only report minutes into a Batch job come back at once with a line and column.
 * Syntax, then Caffe's schema (schema.ts), then the untrusted-input tables (untrusted.ts), then
 * rules: solver rules in solver-rules.ts, net rules here.
 */
import { CAFFE_LAYER_TYPES, checkSchema, type Located } from './schema';
import { planDataBinding } from './data-layers';
import { bothRuleKinds, describeState, layerEntries, solverStates } from './net-state';
import { meanFileField } from './mean';
import { at, intOf, readMaxIter, SOLVER_TYPES, solverRules, type Rule } from './solver-rules';
import { checkUntrusted } from './untrusted';
import {
  getAll,
  getField,
  getMessage,
  getScalar,
  isMessage,
  parsePrototxt,
  PrototxtSyntaxError,
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
export { findDataLayers, type DataLayer, type DataLayerKind } from './data-layers';
export { parseProtoInt, readMaxIter } from './solver-rules';

export const TRAIN_DATA_MISSING =
  'the net has no Data or ImageData layer for the TRAIN phase; Elastic Caffe binds the dataset to ' +
  'it (Data: its LMDB, ImageData: its images)';

/** The training net (the solver's train_state) needs a layer bound to the dataset; the hint names one left out. */
export function trainDataIssue(net: PMessage, solver: PMessage | undefined): Located | undefined {
  const layers = planDataBinding(net, solver);
  if (layers.some((d) => d.inTrainingNet)) return undefined;
  const first = layers[0];
  const state = describeState(solverStates(net, solver).train);
  const where = first && `${first.entry.line}:${first.entry.column}`;
  const hint = first ? ` (the ${first.kind} layer at ${where} is not in the training net, ${state})` : '';
  return { line: 1, column: 1, message: TRAIN_DATA_MISSING + hint };
}

const layerFormatRule: Rule = (net) => {
  const v1 = getField(net, 'layers');
  const v2 = getField(net, 'layer');
  if (!v1 || !v2) return [];
  // Caffe's upgrader refuses a net that mixes the V1 and current layer formats.
  return [
    at(
      v1,
      `the net mixes "layers" (V1 format, first at ${v1.line}:${v1.column}) and "layer" (first at ` +
        `${v2.line}:${v2.column}); use one`,
    ),
  ];
};

/** V2 layer types are free strings in the schema; Caffe's registry decides (V1 types are an enum). */
const layerTypeRule: Rule = (net) =>
  getAll(net, 'layer').flatMap((entry) => {
    const type = isMessage(entry.value) ? getField(entry.value, 'type') : undefined;
    if (!type || isMessage(type.value) || CAFFE_LAYER_TYPES.includes(type.value.text)) return [];
    return [
      at(
        type,
        `unknown layer type ${JSON.stringify(type.value.text)}; Caffe 1.0 knows ${CAFFE_LAYER_TYPES.join(', ')}`,
      ),
    ];
  });

/** Net::FilterNet CHECKs that a layer sets include or exclude rules, not both. */
const ruleKindsRule: Rule = (net) =>
  layerEntries(net).flatMap((entry) => {
    const exclude = bothRuleKinds(entry.value as PMessage);
    const message = 'a layer takes include rules or exclude rules, not both (Caffe refuses the net)';
    return exclude ? [at(exclude, message)] : [];
  });

/** The DataTransformer CHECKs that a layer has a mean_file or mean_value entries, not both. */
const meanKindsRule: Rule = (net) =>
  layerEntries(net).flatMap((entry) => {
    const layer = entry.value as PMessage;
    const value = getField(getMessage(layer, 'transform_param') ?? { fields: [] }, 'mean_value');
    const message = 'a layer takes mean_file or mean_value, not both (Caffe refuses the net)';
    return value && meanFileField(layer) ? [at(value, message)] : [];
  });

export { solverRules };
export const netRules: Rule[] = [layerFormatRule, layerTypeRule, ruleKindsRule, meanKindsRule];

const ROOT_TYPES = { solver: 'SolverParameter', net: 'NetParameter' } as const;

/**
 * Every problem found in a submitted solver and net, in source order; empty when both look
 * runnable. A syntax error stops that text's checks; otherwise the semantic rules, the
 * untrusted-input tables and Caffe's schema all run; the schema's word on a place only counts
 * when no rule said something more specific there. The net is read in the nets the solver
 * builds (its train_state and test_state), or in the default states when the solver does not parse.
 */
export function validateSolverAndNet(solver: string, net: string): ValidationIssue[] {
  const solverMsg = parseFor('solver', solver);
  const netMsg = parseFor('net', net);
  const solverIssues = 'issue' in solverMsg ? [solverMsg.issue] : check('solver', solverMsg.msg, solverRules);
  if ('issue' in netMsg) return [...solverIssues, netMsg.issue];
  const trainData = trainDataIssue(netMsg.msg, 'msg' in solverMsg ? solverMsg.msg : undefined);
  const netIssues = check('net', netMsg.msg, [...(trainData ? [() => [trainData]] : []), ...netRules]);
  return [...solverIssues, ...netIssues];
}

/** The issues as one readable line (`net 4:8: …; solver 1:1: …`), for an error's detail. */
export function describeIssues(issues: Array<Pick<ValidationIssue, 'field' | 'line' | 'column' | 'message'>>): string {
  return issues.map((i) => `${i.field} ${i.line}:${i.column}: ${i.message}`).join('; ');
}

function parseFor(field: InputName, text: string): { msg: PMessage } | { issue: ValidationIssue } {
  try {
    return { msg: parsePrototxt(text) };
  } catch (err) {
    if (!(err instanceof PrototxtSyntaxError)) throw err;
    return { issue: { field, line: err.line, column: err.column, message: err.message } };
  }
}

function check(field: InputName, msg: PMessage, rules: Rule[]): ValidationIssue[] {
  const root = ROOT_TYPES[field];
  // The rules come first: for the fields they know, their messages say more than the schema's.
  const specific = [...rules.flatMap((rule) => rule(msg)), ...checkUntrusted(msg, root)];
  const places = new Set(specific.map((i) => `${i.line}:${i.column}`));
  const schema = checkSchema(msg, root).filter((i) => !places.has(`${i.line}:${i.column}`));
  return [...specific, ...schema]
    .map((issue) => ({ field, ...issue }))
    .sort((a, b) => a.line - b.line || a.column - b.column);
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
  if ('issue' in maxIter)
    throw new CaffeInputError('solver', maxIter.issue.line, maxIter.issue.column, maxIter.issue.message);
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
