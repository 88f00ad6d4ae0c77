/**
 * Generates core/caffe/caffe-schema.json, the compact form of Caffe's own `caffe.proto` that
 * submit-time validation checks prototxt against, so the service needs no protobuf at runtime.
 *
 * Source: Debian bullseye's `python3-caffe` (the same Caffe build the worker runs) ships
 * `caffe_pb2.py`, whose `serialized_pb` is the compiled FileDescriptorProto of caffe.proto
 * (Debian does not ship caffe.proto itself). Get it with the private apt setup of
 * local/caffe/install.ts, or any bullseye machine:
 *
 *   apt-get download python3-caffe && dpkg -x python3-caffe_*.deb /tmp/py
 *   npx tsx scripts/gen-caffe-schema.ts /tmp/py/usr/lib/python3/dist-packages/caffe/proto/caffe_pb2.py
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** FieldDescriptorProto.Type numbers → the value kinds the text format distinguishes. */
const KINDS: Record<number, string> = {
  1: 'float',
  2: 'float',
  3: 'int64',
  4: 'uint64',
  5: 'int32',
  6: 'uint64',
  7: 'uint32',
  8: 'bool',
  9: 'string',
  11: 'message',
  12: 'bytes',
  13: 'uint32',
  14: 'enum',
  15: 'int32',
  16: 'int64',
  17: 'int32',
  18: 'int64',
};

interface WireField {
  num: number;
  value: bigint | Uint8Array;
}

/** Decodes one protobuf message into (field number, raw value) pairs, in order. */
function decode(buf: Uint8Array): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++];
      if (byte === undefined) throw new Error('truncated varint');
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const num = key >> 3;
    switch (key & 7) {
      case 0:
        out.push({ num, value: varint() });
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2: {
        const len = Number(varint());
        out.push({ num, value: buf.subarray(pos, pos + len) });
        pos += len;
        break;
      }
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
  return out;
}

const text = (v: WireField['value']) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v));
const bytes = (v: WireField['value']) => {
  if (!(v instanceof Uint8Array)) throw new Error('expected a length-delimited field');
  return v;
};

interface SchemaField {
  kind: string;
  repeated?: true;
  /** Message or enum type name, without the `caffe.` package. */
  type?: string;
}

const messages: Record<string, Record<string, SchemaField>> = {};
const enums: Record<string, Record<string, number>> = {};

function readEnum(buf: Uint8Array, scope: string): void {
  const fields = decode(buf);
  const name = scope + text(fields.find((f) => f.num === 1)!.value);
  const values: Record<string, number> = {};
  for (const f of fields.filter((f) => f.num === 2)) {
    const v = decode(bytes(f.value));
    const number = BigInt.asIntN(32, v.find((x) => x.num === 2)?.value as bigint);
    values[text(v.find((x) => x.num === 1)!.value)] = Number(number);
  }
  enums[name] = values;
}

function readMessage(buf: Uint8Array, scope: string): void {
  const fields = decode(buf);
  const name = scope + text(fields.find((f) => f.num === 1)!.value);
  const out: Record<string, SchemaField> = {};
  for (const f of fields) {
    if (f.num === 2) {
      const d = decode(bytes(f.value));
      const get = (n: number) => d.find((x) => x.num === n)?.value;
      const kind = KINDS[Number(get(5))];
      if (!kind) throw new Error(`${name}: unsupported field type ${String(get(5))}`);
      const field: SchemaField = { kind };
      if (Number(get(4)) === 3) field.repeated = true;
      const typeName = get(6);
      if (typeName !== undefined) field.type = text(typeName).replace(/^\.caffe\./, '');
      out[text(get(1)!)] = field;
    } else if (f.num === 3) {
      readMessage(bytes(f.value), `${name}.`);
    } else if (f.num === 4) {
      readEnum(bytes(f.value), `${name}.`);
    }
  }
  messages[name] = out;
}

/** The bytes of a Python bytes literal (`b'...'`) with its escapes. */
function pythonBytes(literal: string): Uint8Array {
  const out: number[] = [];
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11 };
  for (let i = 0; i < literal.length; i++) {
    const ch = literal[i]!;
    if (ch !== '\\') {
      out.push(ch.charCodeAt(0));
      continue;
    }
    const next = literal[i + 1]!;
    if (next === 'x') {
      out.push(parseInt(literal.slice(i + 2, i + 4), 16));
      i += 3;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(literal.slice(i + 1))?.[0];
    if (octal) {
      out.push(parseInt(octal, 8));
      i += octal.length;
      continue;
    }
    const code = simple[next];
    if (code === undefined) throw new Error(`unknown escape \\${next}`);
    out.push(code);
    i += 1;
  }
  return Uint8Array.from(out);
}

const source = process.argv[2];
if (!source) throw new Error('usage: gen-caffe-schema.ts <caffe_pb2.py>');
const literal = /serialized_pb=b'((?:[^'\\]|\\.)*)'/.exec(readFileSync(source, 'utf8'))?.[1];
if (literal === undefined) throw new Error(`no serialized_pb in ${source}`);
for (const f of decode(pythonBytes(literal))) {
  if (f.num === 4) readMessage(bytes(f.value), '');
  if (f.num === 5) readEnum(bytes(f.value), '');
}
const target = path.join(__dirname, '..', 'core', 'caffe', 'caffe-schema.json');
const sorted = <T>(o: Record<string, T>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(
  target,
  `${JSON.stringify({
    source: 'Debian bullseye python3-caffe 1.0.0+git20180821.99bd997-8 (caffe_pb2.py)',
    messages: sorted(messages),
    enums: sorted(enums),
  })}\n`,
);
console.log(
  `${Object.keys(messages).length} messages, ${Object.keys(enums).length} enums → ` +
    path.relative(process.cwd(), target),
);
