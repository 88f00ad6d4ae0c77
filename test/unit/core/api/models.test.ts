/** The request schema of POST /v1/models: the three ways in, and the fields each one takes. */
import { createModelBody, preprocessingInput } from '../../../../core/api/models';

const fieldsOf = (body: unknown) => {
  const parsed = createModelBody.safeParse(body);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
};

describe('createModelBody', () => {
  it('takes an upload, an import and a publish', () => {
    expect(fieldsOf({ name: 'zoo', sizeBytes: 1000, labels: ['cat', 'dog'] })).toEqual([]);
    expect(fieldsOf({ name: 'zoo', url: 'https://example.com/w.caffemodel' })).toEqual([]);
    expect(fieldsOf({ trainingJobId: 'tj_1', iteration: 100 })).toEqual([]);
  });

  it('needs a name for an upload or an import, not for a publish', () => {
    expect(fieldsOf({ sizeBytes: 10 })).toEqual(['name']);
    expect(fieldsOf({ url: 'https://example.com/w' })).toEqual(['name']);
    expect(fieldsOf({ trainingJobId: 'tj_1' })).toEqual([]);
  });

  it('refuses upload and import fields on a publish, naming each, and an iteration without a job', () => {
    expect(fieldsOf({ trainingJobId: 'tj_1', url: 'https://example.com/w', sizeBytes: 5 }).sort()).toEqual([
      'sizeBytes',
      'url',
    ]);
    expect(fieldsOf({ name: 'x', iteration: 5 })).toEqual(['iteration']);
    expect(fieldsOf({ name: 'x', url: 'https://example.com/w', sizeBytes: 5 })).toEqual(['sizeBytes']);
  });

  it('refuses unknown fields', () => {
    expect(fieldsOf({ name: 'x', weights: 'w' })).toEqual(['']);
  });
});

describe('preprocessingInput', () => {
  const ok = { channels: 3, height: 32, width: 32 };
  it('checks the channel order, the mean and the crop against the shape', () => {
    expect(preprocessingInput.safeParse(ok).success).toBe(true);
    expect(preprocessingInput.safeParse({ ...ok, mean: [104, 117, 123], cropSize: 28 }).success).toBe(true);
    const paths = (value: unknown) =>
      (preprocessingInput.safeParse(value).error?.issues ?? []).map((i) => i.path.join('.'));
    expect(paths({ ...ok, channelOrder: 'GRAY' })).toEqual(['channelOrder']);
    expect(paths({ ...ok, mean: [1, 2] })).toEqual(['mean']);
    expect(paths({ ...ok, cropSize: 40 })).toEqual(['cropSize']);
    expect(paths({ ...ok, channels: 2 })).toEqual(['channels']);
  });
});
