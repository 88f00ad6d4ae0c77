/**
 * Parser for protobuf text format as Caffe uses it (prototxt), without a schema: every field is
 * kept, in order, with its position, so later checks can point at the exact line and column.
 */
import { Lexer, PrototxtSyntaxError, type Token } from './lexer';
import type { PField, PMessage, PScalar } from './tree';

export { PrototxtSyntaxError } from './lexer';

/** Same limit as protobuf's default; it keeps hostile input from overflowing the stack. */
const MAX_DEPTH = 100;
const CLOSERS: Record<string, string> = { '{': '}', '<': '>', '[': ']' };
const NON_FINITE = /^-?(inf|infinity|nan)$/i;

interface Opening {
  bracket: string;
  line: number;
  column: number;
}

/** Parses prototxt text into a tree; throws PrototxtSyntaxError at the first problem. */
export function parsePrototxt(text: string): PMessage {
  return new Parser(text).parseDocument();
}

class Parser {
  private readonly lexer: Lexer;
  private tok: Token;
  /** Brackets opened and not yet closed, outermost first (for end-of-input messages). */
  private readonly open: Opening[] = [];

  constructor(text: string) {
    this.lexer = new Lexer(text);
    this.tok = this.lexer.next();
  }

  parseDocument(): PMessage {
    return this.parseFields(undefined);
  }

  private advance(): Token {
    const current = this.tok;
    this.tok = this.lexer.next();
    return current;
  }

  private isPunct(text: string): boolean {
    return this.tok.type === 'punct' && this.tok.text === text;
  }

  /** Fields until `closer` (consumed) or, at top level, the end of input. */
  private parseFields(closer: string | undefined): PMessage {
    const fields: PField[] = [];
    for (;;) {
      const t = this.tok;
      if (t.type === 'eof') {
        if (closer !== undefined) throw this.endOfInput();
        return { fields };
      }
      if (t.type === 'punct' && (t.text === '}' || t.text === '>')) {
        if (t.text === closer) {
          this.advance();
          return { fields };
        }
        throw this.wrongCloser(t);
      }
      if (t.type !== 'ident') throw this.error(t, `expected a field name, found ${describe(t)}`);
      this.advance();
      this.parseFieldBody(t, fields);
      if (this.isPunct(';') || this.isPunct(',')) this.advance();
    }
  }

  private parseFieldBody(nameTok: Token, into: PField[]): void {
    const name = nameTok.text;
    const add = (value: PScalar | PMessage) => into.push({ name, value, line: nameTok.line, column: nameTok.column });
    if (this.isPunct('{') || this.isPunct('<')) {
      add(this.parseMessage());
      return;
    }
    if (!this.isPunct(':')) {
      throw this.error(this.tok, `expected ":" or "{" after field name "${name}"`);
    }
    this.advance();
    if (this.isPunct('[')) {
      for (const value of this.parseList(name)) add(value);
      return;
    }
    add(this.parseValue(name));
  }

  /** A scalar or a nested message (the latter is what `name: { ... }` and list items allow). */
  private parseValue(name: string): PScalar | PMessage {
    if (this.isPunct('{') || this.isPunct('<')) return this.parseMessage();
    const t = this.tok;
    if (t.type === 'eof' && this.open.length > 0) throw this.endOfInput();
    if (t.type === 'string') {
      // Adjacent string literals concatenate, as in C.
      let text = this.advance().text;
      while (this.tok.type === 'string') text += this.advance().text;
      return { kind: 'string', text };
    }
    if (t.type === 'number') return { kind: 'number', text: this.advance().text };
    if (t.type === 'ident') {
      this.advance();
      return { kind: NON_FINITE.test(t.text) ? 'number' : 'identifier', text: t.text };
    }
    throw this.error(t, `expected a value for field "${name}", found ${describe(t)}`);
  }

  /** `[a, b, c]`: protobuf's shorthand for repeating the field once per item. */
  private parseList(name: string): Array<PScalar | PMessage> {
    const values: Array<PScalar | PMessage> = [];
    this.push(this.advance());
    if (!this.isPunct(']')) {
      for (;;) {
        values.push(this.parseValue(name));
        if (this.isPunct(',')) {
          this.advance();
          continue;
        }
        if (this.isPunct(']')) break;
        if (this.tok.type === 'eof') throw this.endOfInput();
        throw this.error(this.tok, `expected "," or "]" in the list for field "${name}", found ${describe(this.tok)}`);
      }
    }
    this.advance();
    this.open.pop();
    return values;
  }

  private parseMessage(): PMessage {
    const opener = this.advance();
    this.push(opener);
    const msg = this.parseFields(CLOSERS[opener.text]);
    this.open.pop();
    return msg;
  }

  private push(opener: Token): void {
    if (this.open.length >= MAX_DEPTH) {
      throw this.error(opener, `nesting deeper than ${MAX_DEPTH} levels`);
    }
    this.open.push({ bracket: opener.text, line: opener.line, column: opener.column });
  }

  private wrongCloser(t: Token): PrototxtSyntaxError {
    const inner = this.open[this.open.length - 1];
    if (!inner) return this.error(t, `unexpected "${t.text}"`);
    const expected = CLOSERS[inner.bracket] ?? '';
    return this.error(
      t,
      `expected "${expected}" to close "${inner.bracket}" opened at ${inner.line}:${inner.column}, found "${t.text}"`,
    );
  }

  private endOfInput(): PrototxtSyntaxError {
    const list = this.open.map((o) => `"${o.bracket}" opened at ${o.line}:${o.column}`).join(', ');
    return this.error(this.tok, `unexpected end of input: ${this.open.length} unclosed ${list}`);
  }

  private error(t: Token, message: string): PrototxtSyntaxError {
    return new PrototxtSyntaxError(t.line, t.column, message);
  }
}

function describe(t: Token): string {
  if (t.type === 'eof') return 'end of input';
  if (t.type === 'string') return `string ${JSON.stringify(t.text)}`;
  return `"${t.text}"`;
}
