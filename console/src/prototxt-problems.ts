/** A refused solver's complaints, sorted to the editor they belong to (the net's or the solver's). */
import { ApiError } from '@elastic-caffe/sdk';
import type { PrototxtProblem } from './contracts';

/** The API's `errors[]` with a line, split by the text they are about (`net` or `solver`). */
export function problemsByField(error: unknown): { net: PrototxtProblem[]; solver: PrototxtProblem[] } {
  const problems = { net: [] as PrototxtProblem[], solver: [] as PrototxtProblem[] };
  if (!(error instanceof ApiError)) return problems;
  for (const e of error.errors) {
    const field = e.field.split('.')[0] === 'solver' ? 'solver' : e.field.split('.')[0] === 'net' ? 'net' : undefined;
    if (field && e.line) problems[field].push({ line: e.line, column: e.column ?? 1, message: e.message });
  }
  return problems;
}
