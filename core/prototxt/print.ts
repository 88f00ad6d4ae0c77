/**
 * Canonical printer for the prototxt tree: one field per line, 2-space indent, `name: value` for
 * scalars and `name {` … `}` for messages. Comments are not kept (the tree has none).
 */
import { isMessage, type PMessage, type PScalar } from './tree';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[fF]?|inf|infinity|nan)$/i;

/** Prints a tree as prototxt text that parses back to an equal tree (positions aside). */
export function printPrototxt(msg: PMessage): string {
  const lines: string[] = [];
  printFields(msg, '', lines);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function printFields(msg: PMessage, indent: string, out: string[]): void {
  for (const field of msg.fields) {
    // Trees can be built by code, so names and raw tokens are checked rather than trusted: an
    // unchecked identifier could otherwise smuggle extra fields into the output.
    if (!NAME.test(field.name)) throw new Error(`cannot print field name ${JSON.stringify(field.name)}`);
    if (isMessage(field.value)) {
      out.push(`${indent}${field.name} {`);
      printFields(field.value, `${indent}  `, out);
      out.push(`${indent}}`);
    } else {
      out.push(`${indent}${field.name}: ${formatScalar(field.value, field.name)}`);
    }
  }
}

/** The text-format spelling of one scalar (quoted and escaped for strings). */
export function formatScalar(value: PScalar, fieldName = '?'): string {
  switch (value.kind) {
    case 'string':
      return quote(value.text);
    case 'number':
      if (!NUMBER.test(value.text))
        throw new Error(`field "${fieldName}": ${JSON.stringify(value.text)} is not a number`);
      return value.text;
    case 'identifier':
      if (!NAME.test(value.text))
        throw new Error(`field "${fieldName}": ${JSON.stringify(value.text)} is not an identifier`);
      return value.text;
  }
}

/**
 * Double-quotes a string with C escapes. Control characters use 3-digit octal so a following
 * digit can never be read as part of the escape; other characters (including non-ASCII) are
 * written as they are, which protobuf reads back as UTF-8.
 */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
