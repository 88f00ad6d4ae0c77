/** The create-sweep body: its trials' jobs take a training job's resources. */
import { createSweepBody } from '../../../../core/api/sweeps';

const body = (resources: unknown) => ({
  name: 'lr',
  solverId: 'sv_01m977x1z0g8jm019m59sdyjc7',
  parameters: { base_lr: { values: [0.01, 0.1] } },
  strategy: 'grid',
  objective: { output: 'accuracy', goal: 'maximize' },
  resources,
});

describe('createSweepBody resources', () => {
  it('takes a GPU count for every trial, as a training job does', () => {
    expect(createSweepBody.parse(body({ type: 'GPU', count: 4 })).resources).toEqual({ type: 'GPU', count: 4 });
    expect(createSweepBody.parse(body({ type: 'CPU' })).resources).toEqual({ type: 'CPU' });
  });

  it('refuses a count on the CPU, or one no instance has', () => {
    const cpu = createSweepBody.safeParse(body({ type: 'CPU', count: 2 }));
    expect(cpu.success).toBe(false);
    expect(cpu.error!.issues[0]!.path).toEqual(['resources', 'count']);
    expect(createSweepBody.safeParse(body({ type: 'GPU', count: 3 })).success).toBe(false);
  });
});
