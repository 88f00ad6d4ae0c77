import { isTuningVariable, tuningEnv } from '../../../../core/caffe/tuning-env';

test.each(['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'OMP_PROC_BIND'])(
  'passes %s to jobs',
  (name) => {
    expect(isTuningVariable(name)).toBe(true);
  },
);

test.each(['PATH', 'AWS_SECRET_ACCESS_KEY', 'OPENBLAS', 'OMP_', 'openblas_coretype', 'MY_OPENBLAS_CORETYPE', 'GOMP_X'])(
  'keeps %s from jobs',
  (name) => {
    expect(isTuningVariable(name)).toBe(false);
  },
);

test('picks only the tuning variables of an environment, sorted by name', () => {
  const env = {
    PATH: '/bin',
    OPENBLAS_L2_SIZE: '512',
    OMP_NUM_THREADS: '2',
    OPENBLAS_CORETYPE: 'Haswell',
    X: undefined,
  };
  expect(Object.entries(tuningEnv(env))).toEqual([
    ['OMP_NUM_THREADS', '2'],
    ['OPENBLAS_CORETYPE', 'Haswell'],
    ['OPENBLAS_L2_SIZE', '512'],
  ]);
});
