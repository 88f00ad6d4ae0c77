/** How the worker asks Caffe for a job's GPUs. */
import { gpuArgs } from '../../../../container/worker/train';

describe('gpuArgs', () => {
  it('trains a multi-GPU job data-parallel on all the GPUs Batch gave the container', () => {
    expect(gpuArgs(true, { type: 'GPU', count: 4 })).toEqual(['--gpu=all']);
  });

  it("leaves one-GPU jobs to the solver's device and CPU images alone", () => {
    expect(gpuArgs(true, { type: 'GPU' })).toEqual([]);
    expect(gpuArgs(true, undefined)).toEqual([]);
    expect(gpuArgs(false, { type: 'GPU', count: 4 })).toEqual([]);
  });
});
