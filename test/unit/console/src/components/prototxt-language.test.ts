import { StringStream } from '@codemirror/language';
import { type PrototxtState, prototxtParser, readToken } from '../../../../../console/src/components/prototxt-language';

/** Each line's tokens as [text, style], through the same token function CodeMirror calls. */
function tokens(text: string, state: PrototxtState = { depth: 0 }): [string, string][] {
  const out: [string, string][] = [];
  for (const line of text.split('\n')) {
    const stream = new StringStream(line, 2, 2);
    while (!stream.eol()) {
      stream.start = stream.pos;
      const style = readToken(stream, state);
      if (stream.pos === stream.start) throw new Error(`no progress at ${stream.pos} in ${line}`);
      if (style !== null) out.push([stream.current(), style]);
    }
  }
  return out;
}

describe('the prototxt highlighter', () => {
  it('tells field names from enum values, strings and numbers', () => {
    expect(tokens('  name: "conv1"  type: "Convolution"')).toEqual([
      ['name', 'propertyName'],
      [':', 'punctuation'],
      ['"conv1"', 'string'],
      ['type', 'propertyName'],
      [':', 'punctuation'],
      ['"Convolution"', 'string'],
    ]);
    expect(tokens('include { phase: TRAIN }')).toEqual([
      ['include', 'propertyName'],
      ['{', 'brace'],
      ['phase', 'propertyName'],
      [':', 'punctuation'],
      ['TRAIN', 'atom'],
      ['}', 'brace'],
    ]);
  });

  it('reads every number form protobuf allows', () => {
    const numbers = ['0.00390625', '-1', '1e-4', '.5', '0x1F', '2.5f', '-inf', 'nan'];
    for (const n of numbers) expect(tokens(`x: ${n}`)[2]).toEqual([n, 'number']);
    expect(tokens('shuffle: true')[2]).toEqual(['true', 'bool']);
  });

  it('ends a comment at the end of the line and keeps # inside a string', () => {
    expect(tokens('base_lr: 0.01 # the rate\nsource: "a#b" # x')).toEqual([
      ['base_lr', 'propertyName'],
      [':', 'punctuation'],
      ['0.01', 'number'],
      ['# the rate', 'comment'],
      ['source', 'propertyName'],
      [':', 'punctuation'],
      ['"a#b"', 'string'],
      ['# x', 'comment'],
    ]);
  });

  it('reads escaped quotes inside a string and marks an unterminated one invalid', () => {
    expect(tokens(String.raw`name: 'it\'s "quoted"'`)[2]).toEqual([String.raw`'it\'s "quoted"'`, 'string']);
    expect(tokens('name: "open')[2]).toEqual(['"open', 'invalid']);
  });

  it('names brackets and separators, and marks a stray character invalid', () => {
    expect(tokens('a < b: [1, 2]; > @').map(([, style]) => style)).toEqual([
      'propertyName',
      'angleBracket',
      'propertyName',
      'punctuation',
      'squareBracket',
      'number',
      'separator',
      'number',
      'squareBracket',
      'separator',
      'angleBracket',
      'invalid',
    ]);
  });

  it('indents by the open braces and brings a closing brace back one level', () => {
    const state = prototxtParser.startState!(2);
    tokens('layer {\n  convolution_param {', state);
    const cx = { unit: 2 } as Parameters<NonNullable<typeof prototxtParser.indent>>[2];
    expect(prototxtParser.indent!(state, '', cx)).toBe(4);
    expect(prototxtParser.indent!(state, '}', cx)).toBe(2);
    tokens('}}', state);
    expect(prototxtParser.indent!(state, '', cx)).toBe(0);
  });
});
