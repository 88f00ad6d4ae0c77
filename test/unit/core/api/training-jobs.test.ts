/** The create-training-job body: which resources a job may ask for. */
import { createTrainingJobBody } from '../../../../core/api/training-jobs';

const solverId = 'sv_01jzzzzzzzzzzzzzzzzzzzzzzz';
const parse = (resources: unknown) => createTrainingJobBody.safeParse({ solverId, resources });

describe('createTrainingJobBody resources', () => {
  it.each([1, 2, 4, 8])('takes %i GPUs', (count) => {
    expect(parse({ type: 'GPU', count }).data?.resources).toEqual({ type: 'GPU', count });
  });

  it.each([0, 3, 16, 1.5, '4'])('refuses %j GPUs, naming resources.count', (count) => {
    const result = parse({ type: 'GPU', count });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['resources.count']);
  });

  it('refuses a count on a CPU job and says why', () => {
    const issue = parse({ type: 'CPU', count: 2 }).error?.issues[0];
    expect(issue?.path).toEqual(['resources', 'count']);
    expect(issue?.message).toMatch(/GPU jobs only/);
  });

  it('keeps jobs without a count as they were', () => {
    expect(parse({ type: 'CPU' }).data?.resources).toEqual({ type: 'CPU' });
    expect(parse(undefined).data?.resources).toBeUndefined();
  });
});
