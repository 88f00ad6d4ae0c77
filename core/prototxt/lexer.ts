/**
 * Tokenizer for protobuf text format. It is pulled one token at a time by the parser, so the
 * error reported is always the first one in the document, whichever stage finds it.
 */

/**
 * A syntax error at a 1-based line and column (columns count UTF-16 code units; a tab is 1).
 * The message carries no position, so callers can present line and column their own way.
 */
export class PrototxtSyntaxError extends Error {
  override name = 'PrototxtSyntaxError';
  constructor(
    readonly line: number,
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

export type TokenType = 'ident' | 'number' | 'string' | 'punct' | 'eof';

export interface Token {
  type: TokenType;
  /** Raw text, except for strings, where it is the decoded value. */
  text: string;
  line: number;
  column: number;
}

const PUNCT = new Set([':', '{', '}', '<', '>', '[', ']', ',', ';']);
const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /(?:0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[fF]?)/y;
const WORD_CHAR = /[A-Za-z0-9_.]/;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  '\\': 92,
  "'": 39,
  '"': 34,
  '?': 63,
};

/** Pull tokenizer over one document; `next()` yields tokens in order, then `eof` forever. */
export class Lexer {
  private pos = 0;
  private line = 1;
  private column = 1;

  constructor(private readonly src: string) {}

  /** The next token; throws PrototxtSyntaxError on text that is no token. */
  next(): Token {
    this.skipSpaceAndComments();
    const { line, column } = this;
    const ch = this.src[this.pos];
    if (ch === undefined) return { type: 'eof', text: '', line, column };
    if (PUNCT.has(ch)) {
      this.advance(1);
      return { type: 'punct', text: ch, line, column };
    }
    if (ch === '"' || ch === "'") return { type: 'string', text: this.readString(ch), line, column };
    const after = this.src[this.pos + 1] ?? '';
    if (isDigit(ch) || (ch === '.' && isDigit(after))) return this.readNumber('', line, column);
    if (ch === '-') return this.readNegative(line, column);
    const ident = this.match(IDENT);
    if (ident) {
      this.advance(ident.length);
      return { type: 'ident', text: ident, line, column };
    }
    throw new PrototxtSyntaxError(line, column, `unexpected character ${JSON.stringify(ch)}`);
  }

  private skipSpaceAndComments(): void {
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n' || ch === '\f' || ch === '\v') {
        this.advance(1);
      } else if (ch === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.advance(1);
      } else {
        return;
      }
    }
  }

  /** `-` belongs to the number it precedes; protobuf also allows `-inf` and `-nan`. */
  private readNegative(line: number, column: number): Token {
    this.advance(1);
    const ch = this.src[this.pos] ?? '';
    if (isDigit(ch) || (ch === '.' && isDigit(this.src[this.pos + 1] ?? ''))) return this.readNumber('-', line, column);
    const ident = this.match(IDENT);
    if (ident && /^(inf|infinity|nan)$/i.test(ident)) {
      this.advance(ident.length);
      return { type: 'number', text: `-${ident}`, line, column };
    }
    throw new PrototxtSyntaxError(line, column, 'expected a number after "-"');
  }

  private readNumber(sign: string, line: number, column: number): Token {
    const text = this.match(NUMBER) ?? '';
    const rest = this.src.slice(this.pos + text.length);
    if (rest[0] !== undefined && WORD_CHAR.test(rest[0])) {
      // `1abc`, `1.2.3`, `0x`: protobuf needs whitespace between a number and a word.
      const tail = /^[A-Za-z0-9_.]*/.exec(rest)?.[0] ?? '';
      throw new PrototxtSyntaxError(line, column, `invalid number "${sign}${text}${tail}"`);
    }
    this.advance(text.length);
    return { type: 'number', text: sign + text, line, column };
  }

  /**
   * Decodes a quoted string. Protobuf strings are bytes, so escapes produce bytes and the
   * whole is decoded as UTF-8 (invalid sequences become U+FFFD).
   */
  private readString(quote: string): string {
    const startLine = this.line;
    const startColumn = this.column;
    const unterminated = () => new PrototxtSyntaxError(startLine, startColumn, 'unterminated string');
    const bytes: number[] = [];
    this.advance(1);
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined || ch === '\n') throw unterminated();
      if (ch === quote) {
        this.advance(1);
        return decoder.decode(Uint8Array.from(bytes));
      }
      if (ch !== '\\') {
        // Keep surrogate pairs together so astral characters encode correctly.
        const cp = this.src.codePointAt(this.pos) ?? 0;
        const len = cp > 0xffff ? 2 : 1;
        bytes.push(...encoder.encode(this.src.slice(this.pos, this.pos + len)));
        this.advance(len);
        continue;
      }
      bytes.push(...this.readEscape(unterminated));
    }
  }

  private readEscape(unterminated: () => PrototxtSyntaxError): number[] {
    const { line, column } = this;
    const code = this.src[this.pos + 1];
    if (code === undefined || code === '\n') throw unterminated();
    const simple = SIMPLE_ESCAPES[code];
    if (simple !== undefined) {
      this.advance(2);
      return [simple];
    }
    const oct = /[0-7]{1,3}/y;
    oct.lastIndex = this.pos + 1;
    const octal = oct.exec(this.src)?.[0];
    if (octal) {
      const value = parseInt(octal, 8);
      if (value > 255) throw new PrototxtSyntaxError(line, column, `octal escape "\\${octal}" is above \\377`);
      this.advance(1 + octal.length);
      return [value];
    }
    const hexLength = code === 'x' || code === 'X' ? 2 : code === 'u' ? 4 : code === 'U' ? 8 : 0;
    if (hexLength > 0) {
      // \x takes one or two hex digits (as in C and protobuf); \u and \U take exactly 4 and 8.
      const hex = new RegExp(`[0-9a-fA-F]{${hexLength === 2 ? '1,2' : hexLength}}`, 'y');
      hex.lastIndex = this.pos + 2;
      const digits = hex.exec(this.src)?.[0];
      if (!digits) throw new PrototxtSyntaxError(line, column, `invalid escape sequence "\\${code}"`);
      const value = parseInt(digits, 16);
      if (hexLength === 2) {
        this.advance(2 + digits.length);
        return [value];
      }
      if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
        throw new PrototxtSyntaxError(line, column, `invalid Unicode escape "\\${code}${digits}"`);
      }
      this.advance(2 + digits.length);
      return [...encoder.encode(String.fromCodePoint(value))];
    }
    throw new PrototxtSyntaxError(line, column, `invalid escape sequence "\\${code}"`);
  }

  private match(re: RegExp): string | undefined {
    re.lastIndex = this.pos;
    return re.exec(this.src)?.[0];
  }

  private advance(n: number): void {
    for (let i = 0; i < n; i++) {
      if (this.src[this.pos] === '\n') {
        this.line++;
        this.column = 1;
      } else {
        this.column++;
      }
      this.pos++;
    }
  }
}

function isDigit(ch: string): boolean {
  return ch >= '0' && ch <= '9';
}
