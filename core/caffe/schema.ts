/**
 * Checks a parsed prototxt against Caffe's own schema (caffe.proto, compiled into
 * caffe-schema.json by scripts/gen-caffe-schema.ts) the way protobuf's text parser would: unknown
 * fields, values of the wrong kind, unknown enum values and singular fields set twice are errors,
 * so a net Caffe would refuse is refused on submit, at the same line and column.
 */
import { isMessage, type PField, type PMessage, type PScalar } from '../prototxt';
import schemaJson from './caffe-schema.json';

export interface SchemaField {
  kind: string;
  repeated?: boolean;
  /** Message or enum type name (without the `caffe.` package). */
  type?: string;
}

interface CaffeSchema {
  messages: Record<string, Record<string, SchemaField>>;
  enums: Record<string, Record<string, number>>;
}

export const caffeSchema: CaffeSchema = schemaJson;

/**
 * The layer types Caffe 1.0 (Debian's 1.0.0+git20180821 CPU build, the one the worker runs)
 * registers, as its "Unknown layer type" error lists them. The GPU image must register the same.
 */
export const CAFFE_LAYER_TYPES: readonly string[] = [
  'AbsVal',
  'Accuracy',
  'ArgMax',
  'BNLL',
  'BatchNorm',
  'BatchReindex',
  'Bias',
  'Clip',
  'Concat',
  'ContrastiveLoss',
  'Convolution',
  'Crop',
  'Data',
  'Deconvolution',
  'Dropout',
  'DummyData',
  'ELU',
  'Eltwise',
  'Embed',
  'EuclideanLoss',
  'Exp',
  'Filter',
  'Flatten',
  'HDF5Data',
  'HDF5Output',
  'HingeLoss',
  'Im2col',
  'ImageData',
  'InfogainLoss',
  'InnerProduct',
  'Input',
  'LRN',
  'LSTM',
  'LSTMUnit',
  'Log',
  'MVN',
  'MemoryData',
  'MultinomialLogisticLoss',
  'PReLU',
  'Parameter',
  'Pooling',
  'Power',
  'Python',
  'RNN',
  'ReLU',
  'Reduction',
  'Reshape',
  'SPP',
  'Scale',
  'Sigmoid',
  'SigmoidCrossEntropyLoss',
  'Silence',
  'Slice',
  'Softmax',
  'SoftmaxWithLoss',
  'Split',
  'Swish',
  'TanH',
  'Threshold',
  'Tile',
  'WindowData',
];

/** Where a problem is; the caller adds which input (solver or net) it is in. */
export interface Located {
  line: number;
  column: number;
  message: string;
}

/** Where a field sits: the message holding it, that message's type, and its schema entry (none: unknown). */
export interface FieldContext {
  owner: PMessage;
  ownerType: string;
  spec: SchemaField | undefined;
}

/** Calls `visit` for every field of `msg` and its nested messages, read as type `type`, in source order. */
export function visitTyped(msg: PMessage, type: string, visit: (field: PField, ctx: FieldContext) => void): void {
  const fields = caffeSchema.messages[type];
  for (const field of msg.fields) {
    const spec = fields?.[field.name];
    visit(field, { owner: msg, ownerType: type, spec });
    if (spec?.kind === 'message' && spec.type && isMessage(field.value)) visitTyped(field.value, spec.type, visit);
  }
}

/** Every schema problem in `msg`, read as a `type` (e.g. "NetParameter"). */
export function checkSchema(msg: PMessage, type: string): Located[] {
  const issues: Located[] = [];
  const seen = new Map<PMessage, Map<string, PField>>();
  visitTyped(msg, type, (field, { owner, ownerType, spec }) => {
    if (!spec) {
      issues.push(at(field, `unknown field "${field.name}" in ${ownerType}${suggest(field.name, ownerType)}`));
      return;
    }
    if (!spec.repeated) {
      const earlier = seen.get(owner) ?? new Map<string, PField>();
      seen.set(owner, earlier);
      const first = earlier.get(field.name);
      if (first)
        issues.push(
          at(
            field,
            `${field.name} is set more than once (first at ${first.line}:${first.column}); it is not a repeated field`,
          ),
        );
      else earlier.set(field.name, field);
    }
    const problem = kindProblem(field, spec);
    if (problem) issues.push(at(field, problem));
  });
  return issues;
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};
const BOOLS = ['true', 'false', 't', 'f', 'True', 'False', '1', '0'];
const NON_FINITE = /^-?(inf|infinity|nan)$/i;

/** Why a value does not fit its field's kind, as protobuf's text parser would refuse it. */
function kindProblem(field: PField, spec: SchemaField): string | undefined {
  const value = field.value;
  if (spec.kind === 'message') {
    return isMessage(value)
      ? undefined
      : `${field.name} is a message (${spec.type}): write ${field.name} { … }, not a value`;
  }
  if (isMessage(value)) return `${field.name} is a single value (${kindName(spec)}), not a message`;
  const shown = show(value);
  switch (spec.kind) {
    case 'string':
    case 'bytes':
      return value.kind === 'string' ? undefined : `${field.name} is a string: write ${field.name}: "${value.text}"`;
    case 'float':
      if (
        value.kind === 'number' &&
        (NON_FINITE.test(value.text) || !Number.isNaN(Number(value.text.replace(/[fF]$/, ''))))
      )
        return undefined;
      return `${field.name} must be a number, got ${shown}`;
    case 'bool':
      return value.kind !== 'string' && BOOLS.includes(value.text)
        ? undefined
        : `${field.name} must be true or false, got ${shown}`;
    case 'enum': {
      const values = caffeSchema.enums[spec.type ?? ''] ?? {};
      if (value.kind === 'identifier' && value.text in values) return undefined;
      const number = value.kind === 'number' ? toBigInt(value.text) : undefined;
      if (number !== undefined && Object.values(values).some((v) => BigInt(v) === number)) return undefined;
      return `${field.name} must be one of ${Object.keys(values).join(', ')} (unquoted), got ${shown}`;
    }
    default: {
      const range = INT_RANGES[spec.kind];
      if (!range) return undefined;
      const number = value.kind === 'number' ? toBigInt(value.text) : undefined;
      if (number === undefined) return `${field.name} must be an integer, got ${shown}`;
      if (number < range[0] || number > range[1])
        return `${field.name} is out of range for ${spec.kind}: ${value.text}`;
      return undefined;
    }
  }
}

/** An integer as protobuf's text format reads it (decimal, 0x hex, 0-led octal); undefined otherwise. */
function toBigInt(text: string): bigint | undefined {
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9]\d*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2] ?? '';
  const value = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits);
  return m[1] ? -value : value;
}

function kindName(spec: SchemaField): string {
  return spec.kind === 'enum' ? `enum ${spec.type}` : spec.kind;
}

function show(value: PScalar): string {
  return value.kind === 'string' ? `the string ${JSON.stringify(value.text)}` : JSON.stringify(value.text);
}

/** ` (did you mean "x"?)` for a near miss among the message's field names, else nothing. */
function suggest(name: string, type: string): string {
  const known = Object.keys(caffeSchema.messages[type] ?? {});
  const best = known.map((k) => ({ k, d: distance(name.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
  return best && best.d <= (name.length < 4 ? 2 : Math.max(2, Math.floor(name.length / 3)))
    ? ` (did you mean "${best.k}"?)`
    : '';
}

function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        (row[j] ?? 0) + 1,
        (next[j - 1] ?? 0) + 1,
        (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

function at(field: PField, message: string): Located {
  return { line: field.line, column: field.column, message };
}
