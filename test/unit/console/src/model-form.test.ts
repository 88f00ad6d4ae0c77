import { parseLabels } from '../../../../console/src/model-form';
import { weightsFrom } from '../../../../console/src/weights-from';

test("a labels file is one label per line, in class order, whatever the platform's line ends", () => {
  expect(parseLabels('n01440764 tench, Tinca tinca\r\n  cat \n\ndog\rbird\n')).toEqual([
    'n01440764 tench, Tinca tinca',
    'cat',
    'dog',
    'bird',
  ]);
  expect(parseLabels('')).toEqual([]);
});

test('fine-tuning from an id: a model by its prefix, anything else a training job', () => {
  expect(weightsFrom(' md_01jt4x0d6q2rj8c5m6w2tq9m3e ')).toEqual({ modelId: 'md_01jt4x0d6q2rj8c5m6w2tq9m3e' });
  expect(weightsFrom('tj_01jt4x0d6q2rj8c5m6w2tq9m3e')).toEqual({ trainingJobId: 'tj_01jt4x0d6q2rj8c5m6w2tq9m3e' });
  expect(weightsFrom('  ')).toBeUndefined();
});
