/** `ecaffe datasets samples`: labels, counts and the sample URLs. */
import { samplesText } from '../../../../../../packages/cli/src/commands/datasets';

describe('samplesText', () => {
  it('lists each class with its count and number of samples, then every URL under its label', () => {
    const text = samplesText({
      classes: [
        { label: 'T-shirt', index: 0, count: 6000, samples: [{ url: 'https://s3/a.png', width: 28, height: 28 }] },
        { label: 'Trouser', index: 1, count: 5999, samples: [] },
      ],
    });
    expect(text.split('\n')).toEqual([
      'INDEX  LABEL    COUNT  SAMPLES',
      '0      T-shirt  6000   1',
      '1      Trouser  5999   0',
      '',
      'T-shirt\t28x28\thttps://s3/a.png',
    ]);
  });
});
