/**
 * Which layers `caffe train --weights=` copies. Caffe matches the weights' layers to the net's by
 * name (Net::CopyTrainedLayersFrom): a match is copied, a source layer the net lacks is ignored
 * (Caffe logs "Ignoring source layer"), a net layer the weights lack starts from its fillers. A
 * release build of Caffe logs the copies only at debug level, so the worker writes them into the
 * job's log itself. Only layer names and whether they hold blobs are read from the file.
 */
import { getAll, getScalar, isMessage, parsePrototxt } from '../../core/prototxt';

/** NetParameter fields (caffe.proto): 100 `layer` (LayerParameter), 2 V1 `layers` (V1LayerParameter). */
const NET_LAYER = 100;
const NET_V1_LAYERS = 2;
/** Name and blobs of each layer message: LayerParameter 1 and 7, V1LayerParameter 4 and 6. */
const LAYER_FIELDS = { [NET_LAYER]: { name: 1, blobs: 7 }, [NET_V1_LAYERS]: { name: 4, blobs: 6 } } as const;

function readVarint(buffer: Buffer, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buffer.length; i++) {
    const byte = buffer[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, next: i + 1 };
  }
  throw new Error('truncated varint');
}

/** The fields of one protobuf message, with the payload of length-delimited ones. */
function fieldsOf(buffer: Buffer): Array<{ field: number; payload?: Buffer }> {
  const fields: Array<{ field: number; payload?: Buffer }> = [];
  let at = 0;
  while (at < buffer.length) {
    const tag = readVarint(buffer, at);
    const field = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    at = tag.next;
    if (wire === 0) at = readVarint(buffer, at).next;
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = readVarint(buffer, at);
      fields.push({ field, payload: buffer.subarray(length.next, length.next + length.value) });
      at = length.next + length.value;
      continue;
    } else throw new Error(`unsupported wire type ${wire}`);
    fields.push({ field });
  }
  if (at > buffer.length) throw new Error('truncated message');
  return fields;
}

/** The layers of a binary NetParameter that hold learned blobs, in file order. */
export function layersWithBlobs(weights: Buffer): string[] {
  const names: string[] = [];
  for (const { field, payload } of fieldsOf(weights)) {
    const spec = LAYER_FIELDS[field as keyof typeof LAYER_FIELDS];
    if (!spec || !payload) continue;
    const layer = fieldsOf(payload);
    const name = layer.find((f) => f.field === spec.name)?.payload?.toString('utf8');
    if (name && layer.some((f) => f.field === spec.blobs)) names.push(name);
  }
  return names;
}

/** Layer types that hold learned blobs (V1 nets spell them in capitals: INNER_PRODUCT). */
const LEARNING_TYPES = /^(Convolution|Deconvolution|InnerProduct|BatchNorm|Scale|Bias|Embed|PReLU|LSTM|RNN)$/i;
const LEARNING_V1_TYPES = /^(CONVOLUTION|DECONVOLUTION|INNER_PRODUCT)$/;

/** The layers of a net prototxt by name, and whether their type learns parameters. */
export function netLayers(net: string): Array<{ name: string; learns: boolean }> {
  const msg = parsePrototxt(net);
  return [...getAll(msg, 'layer'), ...getAll(msg, 'layers')].flatMap((f) => {
    if (!isMessage(f.value)) return [];
    const type = getScalar(f.value, 'type') ?? '';
    return [
      { name: getScalar(f.value, 'name') ?? '', learns: LEARNING_TYPES.test(type) || LEARNING_V1_TYPES.test(type) },
    ];
  });
}

/**
 * Lines for the job's log: which layers the weights give the net, which of the net's layers have
 * none there (they start fresh, like a renamed last layer), and which of the weights go unused.
 */
export function describeWeightsCopy(source: string, weights: Buffer, net: string): string[] {
  let learned: string[];
  try {
    learned = layersWithBlobs(weights);
  } catch {
    return [`${source}: the layers cannot be listed (Caffe reads the file itself)`];
  }
  const layers = netLayers(net);
  const names = new Set(layers.map((l) => l.name));
  const copied = learned.filter((name) => names.has(name));
  const ignored = learned.filter((name) => !names.has(name));
  const fresh = [...new Set(layers.filter((l) => l.learns && !learned.includes(l.name)).map((l) => l.name))];
  const list = (items: string[]) => (items.length ? items.join(', ') : 'none');
  return [
    `${source}: copying trained layers ${list(copied)} (matched by name)`,
    ...(fresh.length ? [`${source}: starting fresh (no layer of that name in the weights): ${list(fresh)}`] : []),
    ...(ignored.length ? [`${source}: ignoring layers the net does not have: ${list(ignored)}`] : []),
  ];
}
