/** The samples index of a dataset: how many thumbnails a build keeps, and the index it writes and the route reads. */
import {
  buildSamplesIndex,
  parseSamplesIndex,
  sampleFileName,
  sampleQuota,
  storedSamplesPerClass,
  storedSamplesPerDataset,
  withinPixelBudget,
} from '../../../core/dataset-samples';

describe('sampleQuota', () => {
  it('keeps the full number per class for a ten-class dataset', () => {
    expect(sampleQuota(10)).toEqual({ perClass: storedSamplesPerClass, classesWithSamples: 10 });
  });

  it('keeps fewer per class when many classes would exceed the dataset budget', () => {
    const { perClass, classesWithSamples } = sampleQuota(100);
    expect(perClass).toBe(Math.floor(storedSamplesPerDataset / 100));
    expect(classesWithSamples).toBe(100);
    expect(perClass * classesWithSamples).toBeLessThanOrEqual(storedSamplesPerDataset);
  });

  it('gives one sample to as many classes as the budget allows when there are more classes than it', () => {
    expect(sampleQuota(2000)).toEqual({ perClass: 1, classesWithSamples: storedSamplesPerDataset });
  });

  it('keeps nothing for a dataset without classes', () => {
    expect(sampleQuota(0)).toEqual({ perClass: 0, classesWithSamples: 0 });
  });
});

describe('buildSamplesIndex', () => {
  it('lists every label in index order with its thumbnails in position order', () => {
    const index = buildSamplesIndex(
      ['cat', 'dog', 'eel'],
      [
        { classIndex: 1, file: sampleFileName(1, 1), width: 20, height: 10 },
        { classIndex: 0, file: sampleFileName(0, 0), width: 28, height: 28 },
        { classIndex: 1, file: sampleFileName(1, 0), width: 96, height: 48 },
      ],
    );
    expect(index).toEqual({
      version: 1,
      classes: [
        { index: 0, label: 'cat', samples: [{ file: 'samples/0000-00.png', width: 28, height: 28 }] },
        {
          index: 1,
          label: 'dog',
          samples: [
            { file: 'samples/0001-00.png', width: 96, height: 48 },
            { file: 'samples/0001-01.png', width: 20, height: 10 },
          ],
        },
        { index: 2, label: 'eel', samples: [] },
      ],
    });
  });

  it('reads back what it wrote', () => {
    const index = buildSamplesIndex(['a'], [{ classIndex: 0, file: sampleFileName(0, 3), width: 5, height: 7 }]);
    expect(parseSamplesIndex(JSON.stringify(index))).toEqual(index);
  });
});

describe('parseSamplesIndex', () => {
  it('answers undefined for a dataset without an index, or text that is not one', () => {
    expect(parseSamplesIndex(undefined)).toBeUndefined();
    expect(parseSamplesIndex('not json')).toBeUndefined();
    expect(parseSamplesIndex('{"version": 2, "classes": []}')).toBeUndefined();
  });

  it('refuses a thumbnail name outside the samples folder', () => {
    const escaping = {
      version: 1,
      classes: [{ index: 0, label: 'a', samples: [{ file: '../../other/model.caffemodel', width: 1, height: 1 }] }],
    };
    expect(parseSamplesIndex(JSON.stringify(escaping))).toBeUndefined();
  });
});

describe('withinPixelBudget', () => {
  it('keeps every picked image when they fit', () => {
    expect(withinPixelBudget([[784, 784], [784]], 10_000)).toEqual([2, 1]);
  });

  it('gives every class its first image before any class gets a second', () => {
    expect(withinPixelBudget([[100, 100, 100], [100, 100, 100], [100]], 450)).toEqual([2, 1, 1]);
  });

  it('stops a class at its first image that no longer fits, while smaller ones of other classes go on', () => {
    expect(
      withinPixelBudget(
        [
          [100, 1000, 10],
          [100, 100, 100],
        ],
        400,
      ),
    ).toEqual([1, 3]);
  });

  it('stops a class at an image whose size is unknown', () => {
    expect(withinPixelBudget([[100, undefined, 100]], 1000)).toEqual([1]);
  });

  it('keeps nothing of images larger than the whole budget', () => {
    expect(withinPixelBudget([[5000], []], 1000)).toEqual([0, 0]);
  });
});
