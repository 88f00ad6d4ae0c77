import { Text } from '@codemirror/state';
import { problemDiagnostics } from '../../../../../console/src/components/prototxt-problems';

const doc = Text.of(['layer {', '  name: "conv1"', '  type: Convolutoin', '}']);
const at = (line: number, column: number) => problemDiagnostics(doc, [{ line, column, message: 'bad' }])[0]!;
const marked = (line: number, column: number) => {
  const d = at(line, column);
  return doc.sliceString(d.from, d.to);
};

describe('problemDiagnostics', () => {
  it('turns a 1-based line and column into an error at that document offset', () => {
    const d = at(3, 9);
    expect(d).toMatchObject({ from: doc.line(3).from + 8, severity: 'error', message: 'bad' });
  });

  it('underlines the whole word, number or string at the position', () => {
    expect(marked(3, 9)).toBe('Convolutoin');
    expect(marked(2, 9)).toBe('"conv1"');
    expect(marked(1, 7)).toBe('{');
  });

  it('clamps a position past the end of a line or of the document', () => {
    expect(at(1, 99)).toMatchObject({ from: doc.line(1).to, to: doc.line(1).to });
    expect(at(42, 1)).toMatchObject({ from: doc.line(4).from });
    expect(at(0, 0)).toMatchObject({ from: 0 });
    expect(problemDiagnostics(Text.of(['']), [{ line: 3, column: 3, message: 'end' }])).toEqual([
      expect.objectContaining({ from: 0, to: 0 }),
    ]);
  });
});
