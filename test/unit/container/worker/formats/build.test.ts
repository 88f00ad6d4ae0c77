/** What every builder shares: which training images each label shows as samples. */
import { pickSamples } from '../../../../../container/worker/formats/build';
import { storedSamplesPerClass, storedSamplesPerDataset } from '../../../../../core/dataset-samples';

const images = (label: string, count: number) => Array.from({ length: count }, (_, i) => `${label}/${i}.png`);

describe('pickSamples', () => {
  it("takes the first images of each label's split, up to the per-class number", () => {
    const training = new Map([
      ['a', images('a', 40)],
      ['b', images('b', 3)],
    ]);
    const picks = pickSamples(training, ['a', 'b']);
    expect(picks.get('a')).toEqual(images('a', storedSamplesPerClass));
    expect(picks.get('b')).toEqual(images('b', 3));
  });

  it('picks nothing for a label without training images', () => {
    expect(pickSamples(new Map([['a', images('a', 2)]]), ['a', 'b']).get('b')).toEqual([]);
  });

  it('keeps the whole dataset within its budget of thumbnails', () => {
    const labels = Array.from({ length: 1000 }, (_, i) => `c${i}`);
    const picks = pickSamples(new Map(labels.map((label) => [label, images(label, 50)])), labels);
    const total = [...picks.values()].reduce((sum, list) => sum + list.length, 0);
    expect(total).toBe(storedSamplesPerDataset);
  });
});
