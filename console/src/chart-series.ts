/** A training job's metrics as the series its charts draw. */
import type { TrainingJobMetrics } from '@elastic-caffe/sdk';
import type { ChartSeries } from './contracts';

/** The metrics as chart series: loss and learning rate per iteration, each test output per test. */
export function chartsOf(metrics: TrainingJobMetrics | undefined) {
  const train = metrics?.train ?? [];
  const test = metrics?.test ?? [];
  const outputs = [...new Set(test.flatMap((t) => Object.keys(t.outputs)))];
  return {
    loss: [{ label: 'loss', points: train.map((t) => [t.iteration, t.loss] as const) }] as ChartSeries[],
    learningRate: [
      {
        label: 'learning rate',
        points: train.filter((t) => t.learningRate !== undefined).map((t) => [t.iteration, t.learningRate!] as const),
      },
    ] as ChartSeries[],
    testOutputs: outputs.map((name) => ({
      label: name,
      points: test.map((t) => [t.iteration, t.outputs[name] ?? null] as const),
    })) as ChartSeries[],
  };
}
