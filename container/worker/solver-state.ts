/**
 * Caffe's `.solverstate` (a binary SolverState protobuf) names the weights file it goes with by
 * absolute path (`learned_net`), and `caffe train --snapshot=` loads the weights from there. That
 * path was in another attempt's scratch directory, so resuming rewrites it to where this worker
 * put the weights. Only top-level fields are read; everything else is copied byte for byte.
 */

/** SolverState field numbers (caffe.proto): 1 iter, 2 learned_net, 3 history, 4 current_step. */
const LEARNED_NET = 2;
const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

function readVarint(buffer: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buffer.length; i++) {
    const byte = buffer[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, next: i + 1 };
  }
  throw new Error('the solver state is truncated (a varint runs off the end)');
}

function writeVarint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** The top-level fields of a protobuf message as [field number, raw bytes including the tag]. */
function topLevelFields(buffer: Buffer): Array<{ field: number; raw: Buffer; payload?: Buffer }> {
  const fields: Array<{ field: number; raw: Buffer; payload?: Buffer }> = [];
  let at = 0;
  while (at < buffer.length) {
    const start = at;
    const tag = readVarint(buffer, at);
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    at = tag.next;
    let payload: Buffer | undefined;
    if (wire === WIRE.varint) at = readVarint(buffer, at).next;
    else if (wire === WIRE.fixed64) at += 8;
    else if (wire === WIRE.fixed32) at += 4;
    else if (wire === WIRE.bytes) {
      const length = readVarint(buffer, at);
      payload = buffer.subarray(length.next, length.next + length.value);
      at = length.next + length.value;
    } else throw new Error(`the solver state has an unsupported wire type ${wire}`);
    if (at > buffer.length) throw new Error('the solver state is truncated');
    fields.push({ field, raw: buffer.subarray(start, at), ...(payload ? { payload } : {}) });
  }
  return fields;
}

/** Throws unless the bytes are a whole protobuf message at the top level (a file cut short fails). */
export function checkProtobufMessage(bytes: Buffer): void {
  if (!bytes.length) throw new Error('the file is empty');
  topLevelFields(bytes);
}

/** The `learned_net` path a solver state names, if any. */
export function learnedNetOf(state: Buffer): string | undefined {
  return topLevelFields(state)
    .find((f) => f.field === LEARNED_NET)
    ?.payload?.toString('utf8');
}

/** The solver state with `learned_net` set to `weightsFile`. */
export function withLearnedNet(state: Buffer, weightsFile: string): Buffer {
  const kept = topLevelFields(state)
    .filter((f) => f.field !== LEARNED_NET)
    .map((f) => f.raw);
  const path = Buffer.from(weightsFile, 'utf8');
  return Buffer.concat([...kept, writeVarint(LEARNED_NET * 8 + WIRE.bytes), writeVarint(path.length), path]);
}
