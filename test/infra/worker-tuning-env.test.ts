/** A deployment's OpenBLAS/OpenMP settings (context `workerTuningEnv`) reach every worker job definition. */
import { parseConfig } from '../../lib/config';
import { synth } from './synth';

test('sets workerTuningEnv in the environment of every job definition', () => {
  const { statelessTemplate } = synth({ workerTuningEnv: '{"OPENBLAS_CORETYPE":"Haswell"}', cpuQueue: true });
  const definitions = Object.values(statelessTemplate.findResources('AWS::Batch::JobDefinition'));
  expect(definitions).toHaveLength(2);
  for (const definition of definitions)
    expect(definition.Properties.ContainerProperties.Environment).toContainEqual({
      Name: 'OPENBLAS_CORETYPE',
      Value: 'Haswell',
    });
});

test('accepts only OPENBLAS_* and OMP_* names', () => {
  expect(parseConfig({ workerTuningEnv: { OMP_NUM_THREADS: '4' } }).workerTuningEnv).toEqual({ OMP_NUM_THREADS: '4' });
  expect(parseConfig({}).workerTuningEnv).toEqual({});
  expect(() => parseConfig({ workerTuningEnv: '{"PATH":"/tmp"}' })).toThrow(/workerTuningEnv.PATH/);
  expect(() => parseConfig({ workerTuningEnv: 'not json' })).toThrow(/workerTuningEnv/);
});
