/**
 * The service's prototxt problems (1-based line and column, as problem+json `errors[]` carry them) as CodeMirror
 * lint diagnostics (document offsets). Positions are clamped to the document: the text may have been edited, or
 * the service may point past the end of a line or the end of the file ("unexpected end of input").
 */
import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { PrototxtProblem } from '../contracts';

/** A word, number or quoted string at the problem's column is underlined whole; anything else, one character. */
const TOKEN_AT = /^(?:"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'?|-?[A-Za-z0-9_.+-]+)/;

export function problemDiagnostics(doc: Text, problems: readonly PrototxtProblem[]): Diagnostic[] {
  return problems.map((problem) => {
    const lineNumber = clamp(Math.trunc(problem.line) || 1, 1, doc.lines);
    const line = doc.line(lineNumber);
    const column = clamp(Math.trunc(problem.column) || 1, 1, line.length + 1);
    const from = line.from + column - 1;
    const token = TOKEN_AT.exec(line.text.slice(column - 1))?.[0] ?? line.text.slice(column - 1, column);
    return { from, to: from + token.length, severity: 'error', message: problem.message, source: 'Elastic Caffe' };
  });
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
