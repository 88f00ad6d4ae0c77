import { ApiError } from '@elastic-caffe/sdk';
import { problemsByField } from '../../../../console/src/prototxt-problems';

const refusal = (errors: Array<{ field: string; message: string; line?: number; column?: number }>) =>
  new ApiError(400, { type: 'about:blank', title: 'Invalid request', status: 400, detail: 'x', errors }, 'POST', '/');

test('each positioned complaint goes to the editor of the text it names', () => {
  const problems = problemsByField(
    refusal([
      { field: 'net', line: 31, column: 5, message: 'unknown field "kernel_sise"' },
      { field: 'solver', line: 2, column: 1, message: 'unknown field "base_lrr"' },
    ]),
  );
  expect(problems).toEqual({
    net: [{ line: 31, column: 5, message: 'unknown field "kernel_sise"' }],
    solver: [{ line: 2, column: 1, message: 'unknown field "base_lrr"' }],
  });
});

test('complaints without a line, about other fields, or other errors place nothing', () => {
  expect(
    problemsByField(
      refusal([
        { field: 'net', message: 'missing' },
        { field: 'name', line: 1, message: 'x' },
      ]),
    ),
  ).toEqual({ net: [], solver: [] });
  expect(problemsByField(new Error('offline'))).toEqual({ net: [], solver: [] });
});

test('a complaint without a column is placed at the start of its line', () => {
  expect(problemsByField(refusal([{ field: 'solver', line: 4, message: 'bad' }])).solver).toEqual([
    { line: 4, column: 1, message: 'bad' },
  ]);
});
