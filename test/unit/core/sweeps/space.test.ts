import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  applyPoint,
  checkPoints,
  checkSpace,
  grid,
  gridSize,
  parseTarget,
  sample,
  SpaceError,
  forRung,
} from '../../../../core/sweeps/space';
import { getAll, getMessage, getScalar, parsePrototxt, type PMessage } from '../../../../core/prototxt';

const mnist = path.join(__dirname, '../../../fixtures/caffe-examples/examples/mnist');
const texts = {
  solver: readFileSync(path.join(mnist, 'lenet_solver.prototxt'), 'utf8'),
  net: readFileSync(path.join(mnist, 'lenet_train_test.prototxt'), 'utf8'),
};

const layer = (net: PMessage, name: string) =>
  getAll(net, 'layer').find((f) => getScalar(f.value as PMessage, 'name') === name)!.value as PMessage;

describe('parseTarget', () => {
  it('reads solver fields and layer field paths', () => {
    expect(parseTarget('base_lr')).toEqual({ file: 'solver', path: ['base_lr'] });
    expect(parseTarget('layer[conv1].convolution_param.num_output')).toEqual({
      file: 'net',
      layer: 'conv1',
      path: ['convolution_param', 'num_output'],
    });
  });

  it('refuses names that are no field path', () => {
    expect(parseTarget('layer[conv1]')).toMatch(/name a solver field/);
    expect(parseTarget('base-lr')).toMatch(/name a solver field/);
  });
});

describe('grid', () => {
  it('is the cartesian product of the listed values, first parameter slowest', () => {
    const points = grid({ base_lr: { values: [0.1, 0.01] }, momentum: { values: [0.8, 0.9, 0.99] } });
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual({ base_lr: 0.1, momentum: 0.8 });
    expect(points[1]).toEqual({ base_lr: 0.1, momentum: 0.9 });
    expect(points[5]).toEqual({ base_lr: 0.01, momentum: 0.99 });
    expect(gridSize({ a: { values: [1, 2] }, b: { values: [1, 2, 3] } })).toBe(6);
  });

  it('refuses a range, naming the parameter', () => {
    try {
      grid({ base_lr: { logUniform: [1e-4, 1e-1] }, momentum: { values: [0.9] } });
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(SpaceError);
      expect((error as SpaceError).errors).toEqual([
        { field: 'parameters.base_lr', message: expect.stringMatching(/cannot be gridded/) },
      ]);
    }
  });
});

describe('sample', () => {
  const space = {
    base_lr: { logUniform: [1e-4, 1e-1] as [number, number] },
    momentum: { uniform: [0.5, 0.99] as [number, number] },
    stepsize: { intUniform: [10, 20] as [number, number] },
    type: { values: ['SGD', 'Nesterov'] },
  };

  it('is reproducible from its seed and stays inside the ranges', () => {
    const points = sample(space, 50, 42);
    expect(sample(space, 50, 42)).toEqual(points);
    expect(sample(space, 50, 43)).not.toEqual(points);
    for (const p of points) {
      expect(p.base_lr).toBeGreaterThanOrEqual(1e-4);
      expect(p.base_lr).toBeLessThanOrEqual(1e-1);
      expect(p.momentum).toBeGreaterThanOrEqual(0.5);
      expect(p.momentum).toBeLessThanOrEqual(0.99);
      expect(Number.isInteger(p.stepsize)).toBe(true);
      expect(['SGD', 'Nesterov']).toContain(p.type);
    }
    // Log-uniform: about as many below 1e-2.5 as above.
    const low = points.filter((p) => (p.base_lr as number) < 10 ** -2.5).length;
    expect(low).toBeGreaterThan(10);
    expect(low).toBeLessThan(40);
  });

  it('draws a space of listed values without repeating a point while unseen ones remain', () => {
    const points = sample({ a: { values: [1, 2, 3] }, b: { values: [1, 2, 3] } }, 9, 7);
    expect(new Set(points.map((p) => JSON.stringify(p))).size).toBe(9);
  });
});

describe('applyPoint', () => {
  it('writes solver fields in place and layer fields into the named layer', () => {
    const applied = applyPoint(texts, {
      base_lr: 0.05,
      type: 'Nesterov',
      'layer[conv1].convolution_param.num_output': 32,
      'layer[conv1].convolution_param.bias_term': false,
    });
    const solver = parsePrototxt(applied.solver);
    expect(getScalar(solver, 'base_lr')).toBe('0.05');
    expect(getScalar(solver, 'type')).toBe('Nesterov');
    expect(getScalar(solver, 'momentum')).toBe('0.9');
    const conv = getMessage(layer(parsePrototxt(applied.net), 'conv1'), 'convolution_param')!;
    expect(getScalar(conv, 'num_output')).toBe('32');
    expect(getScalar(conv, 'bias_term')).toBe('false');
    expect(getScalar(getMessage(layer(parsePrototxt(applied.net), 'conv2'), 'convolution_param')!, 'num_output')).toBe(
      '50',
    );
  });

  it('creates nested messages that are not written yet', () => {
    const applied = applyPoint(texts, { 'layer[ip1].inner_product_param.weight_filler.std': 0.02 });
    const filler = getMessage(
      getMessage(layer(parsePrototxt(applied.net), 'ip1'), 'inner_product_param')!,
      'weight_filler',
    )!;
    expect(getScalar(filler, 'std')).toBe('0.02');
  });

  it('sets max_iter for a rung, and test_interval when it would not test at the rung', () => {
    const at1000 = parsePrototxt(forRung(texts.solver, 1000));
    expect([getScalar(at1000, 'max_iter'), getScalar(at1000, 'test_interval')]).toEqual(['1000', '500']);
    const at40 = parsePrototxt(forRung(texts.solver, 40));
    expect([getScalar(at40, 'max_iter'), getScalar(at40, 'test_interval')]).toEqual(['40', '40']);
  });
});

describe('checkSpace', () => {
  it('accepts a valid space', () => {
    expect(
      checkSpace(texts, {
        base_lr: { logUniform: [1e-4, 0.1] },
        weight_decay: { values: [0, 5e-4] },
        solver_mode: { values: ['CPU'] },
        'layer[conv1].convolution_param.num_output': { intUniform: [8, 32] },
        'layer[mnist].data_param.batch_size': { values: [32, 64] },
      }),
    ).toEqual([]);
  });

  it('names the parameter of an unknown field, layer or a bad range', () => {
    const errors = checkSpace(texts, {
      base_lrr: { values: [0.1] },
      'layer[conv9].convolution_param.num_output': { values: [8] },
      'layer[conv1].convolution_param.num_outputs': { values: [8] },
      momentum: { uniform: [0.9, 0.5] },
      weight_decay: { logUniform: [0, 1] },
    });
    expect(errors.map((e) => e.field)).toEqual([
      'parameters.base_lrr',
      'parameters.layer[conv9].convolution_param.num_output',
      'parameters.layer[conv1].convolution_param.num_outputs',
      'parameters.momentum',
      'parameters.weight_decay',
    ]);
    expect(errors[0]!.message).toMatch(/SolverParameter has no field "base_lrr"/);
    expect(errors[1]!.message).toMatch(/no layer named "conv9"/);
  });

  it("refuses a value Caffe's schema refuses, with the prototxt line and column", () => {
    const errors = checkSpace(texts, { solver_mode: { values: ['CPU', 'TPU'] }, lr_policy: { values: [3] } });
    expect(errors).toEqual([
      expect.objectContaining({ field: 'parameters.solver_mode', line: 25, column: 1 }),
      expect.objectContaining({ field: 'parameters.lr_policy', line: 14, column: 1 }),
    ]);
    expect(errors[0]!.message).toMatch(/"TPU".*solver_mode must be one of/);
    expect(errors[1]!.message).toMatch(/lr_policy must be one of/);
  });

  it('checks every combination', () => {
    expect(checkPoints(texts, grid({ base_lr: { values: [0.1, 0.01] }, momentum: { values: [0.9] } }))).toEqual([]);
    const errors = checkPoints(texts, [{ base_lr: 0.1 }, { base_lr: Number.NaN }]);
    expect(errors[0]).toEqual(expect.objectContaining({ field: 'parameters.base_lr' }));
  });
});
