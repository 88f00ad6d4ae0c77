/** What a training job records of the resources it asked for, within what the deployment allows. */
import { ValidationError } from '../../../../core/errors';
import { envNames } from '../../../../core/topology';
import { jobResources } from '../../../../core/usecases/training-jobs';

afterEach(() => {
  delete process.env[envNames.maxGpusPerJob];
});

describe('jobResources', () => {
  it('defaults to one GPU and records a count only above one', () => {
    expect(jobResources(undefined)).toEqual({ type: 'GPU' });
    expect(jobResources({ type: 'CPU' })).toEqual({ type: 'CPU' });
    expect(jobResources({ type: 'GPU', count: 1 })).toEqual({ type: 'GPU' });
  });

  it('refuses more GPUs than the deployment allows, saying how to allow them', () => {
    // The default (the local cloud, a stack of one-GPU instances) is one.
    const refusal = (() => {
      try {
        jobResources({ type: 'GPU', count: 2 });
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(ValidationError);
    expect((refusal as ValidationError).message).toBe(
      'this deployment trains on at most 1 GPU per job; deploy with maxGpusPerJob=2 to allow 2',
    );
    expect((refusal as ValidationError).errors).toEqual([{ field: 'resources.count', message: 'at most 1' }]);
  });

  it('takes up to the deployment maximum', () => {
    process.env[envNames.maxGpusPerJob] = '4';
    expect(jobResources({ type: 'GPU', count: 4 })).toEqual({ type: 'GPU', count: 4 });
    expect(() => jobResources({ type: 'GPU', count: 8 })).toThrow(/at most 4 GPUs per job/);
  });
});
