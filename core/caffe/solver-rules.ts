/**
 * Solver checks beyond the schema: settings Caffe accepts but then fails on (or silently trains
 * nothing with) — a missing lr_policy, a policy without the parameters its formula uses.
 */
import { getAll, getField, getScalar, isMessage, type PField, type PMessage } from '../prototxt';
import type { Located } from './schema';

/** A check over a parsed solver or net; it returns every problem it finds. */
export type Rule = (msg: PMessage) => Located[];

/** Caffe 1.0's solver types, and the old `solver_type` enum values that name them. */
export const SOLVER_TYPES: Readonly<Record<string, string>> = {
  SGD: 'SGD',
  NESTEROV: 'Nesterov',
  ADAGRAD: 'AdaGrad',
  RMSPROP: 'RMSProp',
  ADADELTA: 'AdaDelta',
  ADAM: 'Adam',
};

/**
 * Caffe 1.0's learning rate policies (SGDSolver::GetLearningRate) and the solver fields each
 * formula reads. Caffe has no defaults for gamma and power (0), so leaving one out trains with a
 * rate of 0 or base_lr forever; it stops at iteration 0 for an unknown policy.
 */
export const LR_POLICY_PARAMETERS: Readonly<Record<string, readonly string[]>> = {
  fixed: [],
  step: ['gamma', 'stepsize'],
  exp: ['gamma'],
  inv: ['gamma', 'power'],
  multistep: ['gamma', 'stepvalue'],
  poly: ['power'],
  sigmoid: ['gamma', 'stepsize'],
};
const LR_POLICIES = Object.keys(LR_POLICY_PARAMETERS);
const INT32_MAX = 2 ** 31 - 1;

/**
 * An integer as protobuf's text format reads it (decimal, 0x hex, or 0-led octal); undefined
 * for anything else, floats included, which Caffe rejects for its integer fields.
 */
export function parseProtoInt(text: string): number | undefined {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2] ?? '';
  const value = /^0[xX]/.test(digits)
    ? parseInt(digits, 16)
    : /^0./.test(digits)
      ? parseInt(digits, 8)
      : Number(digits);
  return m[1] ? -value : value;
}

/** Reads `max_iter`: a positive int32, set once. */
export function readMaxIter(solver: PMessage): { value: number } | { issue: Located } {
  const entries = getAll(solver, 'max_iter');
  const first = entries[0];
  if (!first)
    return { issue: { line: 1, column: 1, message: 'the solver must set max_iter (how many iterations to train)' } };
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
export function intOf(field: PField | undefined): number | undefined {
  if (!field || isMessage(field.value) || field.value.kind !== 'number') return undefined;
  return parseProtoInt(field.value.text);
}

/** A field's value as the user wrote it, for messages. */
function describeValue(field: PField): string {
  if (isMessage(field.value)) return 'a message';
  return field.value.kind === 'string'
    ? `the string ${JSON.stringify(field.value.text)}`
    : JSON.stringify(field.value.text);
}

/** Checks a string-valued enum-like field; Caffe reads these as strings, so they must be quoted. */
function oneOf(field: PField, known: readonly string[]): Located | undefined {
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
  const policy = getScalar(solver, 'lr_policy') ?? '';
  const missing = (LR_POLICY_PARAMETERS[policy] ?? []).filter((name) => !getField(solver, name));
  if (missing.length > 0) {
    return [
      at(
        field,
        `lr_policy "${policy}" needs ${missing.join(' and ')} (its formula uses ` +
          `${(LR_POLICY_PARAMETERS[policy] ?? []).join(', ')})`,
      ),
    ];
  }
  if (policy === 'step' || policy === 'sigmoid') {
    const stepsize = getField(solver, 'stepsize');
    const value = intOf(stepsize);
    if (value === undefined || value <= 0)
      return [at(stepsize ?? field, `lr_policy "${policy}" needs a positive stepsize (iterations between rate drops)`)];
  }
  if (policy === 'multistep') {
    const steps = getAll(solver, 'stepvalue');
    const values = steps.map(intOf);
    const bad = steps.find((_, i) => (values[i] ?? 0) <= (i === 0 ? 0 : (values[i - 1] ?? 0)));
    if (bad)
      return [at(bad, 'stepvalue entries must be positive and increasing (the iterations where the rate drops)')];
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
  const momentum = getField(solver, 'momentum');
  const isAdaGrad = getScalar(solver, 'type') === 'AdaGrad' || getScalar(solver, 'solver_type') === 'ADAGRAD';
  if (isAdaGrad && momentum && !isMessage(momentum.value) && Number(momentum.value.text) !== 0) {
    // AdaGradSolver's constructor CHECKs this and aborts.
    return [at(momentum, 'AdaGrad does not use momentum; remove it or set it to 0')];
  }
  return [];
};

/** Caffe builds one test net per test_iter; test_state, when given, must give each of them its state. */
const testStateRule: Rule = (solver) => {
  const states = getAll(solver, 'test_state');
  const iters = getAll(solver, 'test_iter').length;
  const first = states[0];
  if (!first || states.length === iters) return [];
  const why = 'Caffe builds one test net per test_iter and needs a test_state for each (or none)';
  return [at(first, `the solver has ${states.length} test_state and ${iters} test_iter; ${why}`)];
};

export const solverRules: Rule[] = [maxIterRule, lrPolicyRule, solverTypeRule, testStateRule];

export function at(field: PField, message: string): Located {
  return { line: field.line, column: field.column, message };
}
