/**
 * The parsed form of a protobuf text-format document (a Caffe prototxt). It is schema-less:
 * fields keep their order and repetition exactly as written, so a rewrite only changes what
 * it means to change.
 */

export type ScalarKind = 'string' | 'number' | 'identifier';

/** A leaf value: `text` is the decoded string for strings and the raw token otherwise. */
export interface PScalar {
  kind: ScalarKind;
  text: string;
}

export interface PMessage {
  fields: PField[];
}

/**
 * One entry of a field. `line`/`column` (1-based) point at the field name in the source; a
 * field added by code rather than parsed has line 0, column 0.
 */
export interface PField {
  name: string;
  value: PScalar | PMessage;
  line: number;
  column: number;
}

/** Whether a field value is a nested message (as opposed to a scalar). */
export function isMessage(value: PScalar | PMessage): value is PMessage {
  return 'fields' in value;
}

/** The first entry named `name`, if any. */
export function getField(msg: PMessage, name: string): PField | undefined {
  return msg.fields.find((f) => f.name === name);
}

/** Every entry named `name`, in source order (a repeated field). */
export function getAll(msg: PMessage, name: string): PField[] {
  return msg.fields.filter((f) => f.name === name);
}

/** The text of the first entry named `name` when it is a scalar; undefined otherwise. */
export function getScalar(msg: PMessage, name: string): string | undefined {
  const field = getField(msg, name);
  return field && !isMessage(field.value) ? field.value.text : undefined;
}

/** The first entry named `name` when it is a message; undefined otherwise. */
export function getMessage(msg: PMessage, name: string): PMessage | undefined {
  const field = getField(msg, name);
  return field && isMessage(field.value) ? field.value : undefined;
}

/**
 * Sets `name` to one scalar: the first existing entry is replaced in place (so the output keeps
 * the author's field order) and any further entries are dropped; with none, it is appended.
 */
export function setScalar(msg: PMessage, name: string, kind: ScalarKind, text: string): PField {
  return setValue(msg, name, { kind, text });
}

/** Like setScalar but for any value, e.g. a nested message. */
export function setValue(msg: PMessage, name: string, value: PScalar | PMessage): PField {
  const index = msg.fields.findIndex((f) => f.name === name);
  if (index < 0) {
    const field: PField = { name, value, line: 0, column: 0 };
    msg.fields.push(field);
    return field;
  }
  const first = msg.fields[index] as PField;
  first.value = value;
  msg.fields = msg.fields.filter((f, i) => i <= index || f.name !== name);
  return first;
}

/** Removes every entry named `name`; returns how many were removed. */
export function removeField(msg: PMessage, name: string): number {
  const before = msg.fields.length;
  msg.fields = msg.fields.filter((f) => f.name !== name);
  return before - msg.fields.length;
}
