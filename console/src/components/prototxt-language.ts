/**
 * Protobuf text format (Caffe prototxt) for CodeMirror 6 as a stream language: line by line, no grammar, which
 * is all a highlighter needs here (the service's parser reports the real errors). Field names are told from
 * enum values by what follows them: `name:` / `name {` is a field, `TRAIN` after a colon is a value.
 */
import { StreamLanguage, type StreamParser, type StringStream } from '@codemirror/language';

/** Open braces before this point, for the indentation of the next line. */
export interface PrototxtState {
  depth: number;
}

const NUMBER = /^-?(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[fF]?)/;
const NON_FINITE = /^-?(?:inf|infinity|nan)\b/i;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;
/** A field name is followed by its colon or its message's brace (on the same line, as everyone writes it). */
const FIELD_FOLLOWS = /^\s*[:{<]/;

/**
 * Reads one token and names its style (a @lezer/highlight tag name): comment, string, number, propertyName
 * (a field), atom (an enum value), bool, brace, angleBracket, squareBracket, punctuation, separator, invalid.
 */
export function readToken(stream: StringStream, state: PrototxtState): string | null {
  if (stream.eatSpace()) return null;
  const ch = stream.peek();
  if (ch === '#') {
    stream.skipToEnd();
    return 'comment';
  }
  if (ch === '"' || ch === "'") return readString(stream, ch);
  if (stream.match(NON_FINITE) || stream.match(NUMBER)) return 'number';
  const ident = stream.match(IDENT);
  if (ident) {
    if (stream.match(FIELD_FOLLOWS, false)) return 'propertyName';
    const word = stream.current();
    if (word === 'true' || word === 'false' || word === 'True' || word === 'False') return 'bool';
    return 'atom';
  }
  stream.next();
  switch (ch) {
    case '{':
      state.depth++;
      return 'brace';
    case '}':
      state.depth = Math.max(0, state.depth - 1);
      return 'brace';
    case '<':
      state.depth++;
      return 'angleBracket';
    case '>':
      state.depth = Math.max(0, state.depth - 1);
      return 'angleBracket';
    case '[':
    case ']':
      return 'squareBracket';
    case ':':
      return 'punctuation';
    case ',':
    case ';':
      return 'separator';
    default:
      return 'invalid';
  }
}

/** A quoted string up to its closing quote; an unterminated one runs to the end of the line and is invalid. */
function readString(stream: StringStream, quote: string): string {
  stream.next();
  let escaped = false;
  for (let ch = stream.next(); ch !== undefined; ch = stream.next()) {
    if (ch === quote && !escaped) return 'string';
    escaped = !escaped && ch === '\\';
  }
  return 'invalid';
}

export const prototxtParser: StreamParser<PrototxtState> = {
  name: 'prototxt',
  startState: () => ({ depth: 0 }),
  copyState: (state) => ({ depth: state.depth }),
  token: readToken,
  // A line starting with a closing brace goes back one level, like the lines of the message it closes.
  indent: (state, textAfter, cx) => Math.max(0, state.depth - (/^\s*[}>]/.test(textAfter) ? 1 : 0)) * cx.unit,
  languageData: { commentTokens: { line: '#' }, indentOnInput: /^\s*[}>]$/ },
};

/** The language for an editor: `EditorState.create({ extensions: [prototxt, …] })`. */
export const prototxt = StreamLanguage.define(prototxtParser);
