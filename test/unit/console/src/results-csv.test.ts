import { resultsCsv } from '../../../../console/src/results-csv';

test('one row per image with its top labels and probabilities, errors last', () => {
  const csv = resultsCsv([
    {
      image: 'a.png',
      top: [
        { label: 'cat', probability: 0.9 },
        { label: 'dog', probability: 0.1 },
      ],
    },
    { image: 'b, "odd".png', error: 'not an image' },
  ]);
  expect(csv.split('\n')).toEqual([
    'image,label1,probability1,label2,probability2,error',
    'a.png,cat,0.900000,dog,0.100000,',
    '"b, ""odd"".png",,,,,not an image',
    '',
  ]);
});
