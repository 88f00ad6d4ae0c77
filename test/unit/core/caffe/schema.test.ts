import { caffeSchema, CAFFE_LAYER_TYPES } from '../../../../core/caffe/schema';
import { NON_PATH_STRING_FIELDS, PATH_FIELD_RULES, REJECTED_LAYER_TYPES } from '../../../../core/caffe/untrusted';
import { validateSolverAndNet } from '../../../../core/caffe/validate';

const SOLVER = 'base_lr: 0.01\nlr_policy: "fixed"\nmax_iter: 100\n';
const DATA =
  'layer { name: "d" type: "Data" top: "data" top: "label" include ' +
  '{ phase: TRAIN } data_param { source: "x" batch_size: 8 } }\n';
const netIssues = (rest: string) =>
  validateSolverAndNet(SOLVER, DATA + rest).map(({ line, column, message }) => ({ line, column, message }));
const solverIssues = (text: string) =>
  validateSolverAndNet(text, DATA).map(({ line, column, message }) => ({ line, column, message }));

describe("Caffe's schema", () => {
  test('the generated schema has the messages validation starts from', () => {
    expect(Object.keys(caffeSchema.messages)).toEqual(
      expect.arrayContaining([
        'SolverParameter',
        'NetParameter',
        'LayerParameter',
        'V1LayerParameter',
        'FillerParameter',
      ]),
    );
    expect(caffeSchema.enums['SolverParameter.SolverMode']).toEqual({ CPU: 0, GPU: 1 });
  });

  test('unknown fields at any depth are located, with a suggestion for near misses', () => {
    expect(
      netIssues(
        'layer { name: "c" type: "Convolution" bottom: "data" top: "c"\n  convolution_param ' +
          '{ num_output: 2 kernel_size: 3 weight_filler { type: "xavier" sdt: 1 } } }\n',
      ),
    ).toEqual([{ line: 3, column: 83, message: 'unknown field "sdt" in FillerParameter (did you mean "std"?)' }]);
    expect(netIssues('layer { name: "c" type: "ReLU" bottom: "data" top: "data" colour: 3 }\n')).toEqual([
      { line: 2, column: 59, message: 'unknown field "colour" in LayerParameter' },
    ]);
    expect(solverIssues(`${SOLVER}momentun: 0.9\n`)).toEqual([
      { line: 4, column: 1, message: 'unknown field "momentun" in SolverParameter (did you mean "momentum"?)' },
    ]);
  });

  test.each([
    ['num_output: 2.5', 'num_output must be an integer, got "2.5"'],
    ['num_output: "2"', 'num_output must be an integer, got the string "2"'],
    ['num_output: -1', 'num_output is out of range for uint32: -1'],
    ['bias_term: yes', 'bias_term must be true or false, got "yes"'],
    ['engine: FAST', 'engine must be one of DEFAULT, CAFFE, CUDNN (unquoted), got "FAST"'],
    ['engine: "CAFFE"', 'engine must be one of DEFAULT, CAFFE, CUDNN (unquoted), got the string "CAFFE"'],
    ['weight_filler: 3', 'weight_filler is a message (FillerParameter): write weight_filler { … }, not a value'],
    ['axis { }', 'axis is a single value (int32), not a message'],
    ['axis: 1 axis: 2', 'axis is set more than once (first at 2:83); it is not a repeated field'],
  ])('a value of the wrong kind is refused: %s', (param, message) => {
    const issues = netIssues(
      `layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { ${param} } }\n`,
    );
    expect(issues.map((i) => i.message)).toEqual([message]);
  });

  test('values protobuf accepts are accepted', () => {
    expect(
      netIssues(
        'layer { name: "c" type: "Convolution" bottom: "data" top: "c" convolution_param { ' +
          'num_output: 0x10 bias_term: f engine: 1 weight_filler { std: 1e-2 min: -inf } } }\n',
      ),
    ).toEqual([]);
    expect(
      solverIssues(`${SOLVER}solver_mode: CPU\ndelta: 1\nclip_gradients: -1\ndebug_info: true\ntest_iter: [1, 2]\n`),
    ).toEqual([]);
  });

  test('unknown layer types name the known ones', () => {
    const [issue] = netIssues('layer { name: "b" type: "Bogus" }\n');
    expect(issue).toMatchObject({ line: 2, column: 19 });
    expect(issue?.message).toMatch(/^unknown layer type "Bogus"; Caffe 1.0 knows AbsVal, Accuracy, .*WindowData$/);
    expect(CAFFE_LAYER_TYPES).toHaveLength(61);
  });

  test('V1 nets validate against V1LayerParameter', () => {
    const v1 =
      'layers { name: "d" type: DATA top: "data" top: "label" data_param { source: "x" batch_size: 8 } }\n' +
      'layers { name: "ip" type: INNER_PRODUCT bottom: "data" top: "ip" blobs_lr: ' +
      '1 blobs_lr: 2 weight_decay: 1 inner_product_param { num_output: 10 } }\n' +
      'layers { name: "loss" type: SOFTMAX_LOSS bottom: "ip" bottom: "label" }\n';
    expect(validateSolverAndNet(SOLVER, v1)).toEqual([]);
    expect(
      validateSolverAndNet(SOLVER, `${v1}layers { name: "x" type: CONVOLUTON lr_mult: 1 }\n`).map((i) => i.message),
    ).toEqual([
      expect.stringMatching(/^type must be one of NONE, ABSVAL, .* \(unquoted\), got "CONVOLUTON"$/),
      'unknown field "lr_mult" in V1LayerParameter',
    ]);
  });
});

describe('untrusted input', () => {
  test('every string field reachable from a solver or net is classified as a path or not', () => {
    const strings: string[] = [];
    const visit = (type: string, seen: Set<string>) => {
      if (seen.has(type)) return;
      seen.add(type);
      for (const [name, spec] of Object.entries(caffeSchema.messages[type] ?? {})) {
        if (spec.kind === 'string' || spec.kind === 'bytes') strings.push(`${type}.${name}`);
        if (spec.kind === 'message' && spec.type && !PATH_FIELD_RULES[`${type}.${name}`]) visit(spec.type, seen);
      }
    };
    const seen = new Set<string>();
    visit('SolverParameter', seen);
    visit('NetParameter', seen);
    const classified = new Set([...Object.keys(PATH_FIELD_RULES), ...NON_PATH_STRING_FIELDS]);
    expect(strings.filter((s) => !classified.has(s))).toEqual([]);
  });

  const rejected = Object.entries(PATH_FIELD_RULES).filter(([, rule]) => rule.action === 'reject');
  test.each(rejected)('%s is refused at its line and column', (key, rule) => {
    const [type, field] = key.split('.') as [string, string];
    const issues =
      type === 'SolverParameter'
        ? solverIssues(`${SOLVER}${field}: "x"\n`)
        : netIssues(`${wrap(type, `${field}: "x"`)}\n`);
    expect(issues).toContainEqual({
      line: type === 'SolverParameter' ? 4 : 2,
      column: expect.any(Number),
      message: `${field} is not allowed: ${rule.why}`,
    });
  });

  test.each(Object.entries(REJECTED_LAYER_TYPES))('%s layers are refused', (type, why) => {
    expect(netIssues(`layer { name: "x" type: "${type}" }\n`)).toContainEqual({
      line: 2,
      column: 1,
      message: `layer type "${type}": ${why}`,
    });
  });

  test('V1 spellings of refused layer types are refused too', () => {
    const net =
      'layers { name: "d" type: DATA top: "data" top: "label" ' +
      '}\nlayers { name: "o" type: HDF5_OUTPUT bottom: "data" }\n';
    expect(validateSolverAndNet(SOLVER, net).map((i) => [i.line, i.column, i.message])).toEqual([
      [2, 1, `layer type "HDF5_OUTPUT": ${REJECTED_LAYER_TYPES.HDF5Output}`],
    ]);
  });

  test('rewritten path fields are accepted: the service replaces them', () => {
    const rewritten = Object.entries(PATH_FIELD_RULES)
      .filter(([, rule]) => rule.action === 'rewrite')
      .map(([key]) => key);
    expect(rewritten.sort()).toEqual([
      'DataParameter.mean_file',
      'DataParameter.source',
      'ImageDataParameter.mean_file',
      'ImageDataParameter.root_folder',
      'ImageDataParameter.source',
      'SolverParameter.net',
      'SolverParameter.snapshot_prefix',
      'SolverParameter.test_net',
      'SolverParameter.train_net',
      'TransformationParameter.mean_file',
    ]);
    expect(
      solverIssues(`${SOLVER}net: "/etc/x"\ntrain_net: "a"\ntest_net: "b"\nsnapshot_prefix: "/root/.aws/snap"\n`),
    ).toEqual([]);
    expect(netIssues('')).toEqual([]); // DATA's source "x" is rebound
    expect(
      netIssues(
        'layer { name: "i" type: "ImageData" image_data_param { source: "/etc/passwd" root_folder: "/root/" } }\n',
      ),
    ).toEqual([]);
  });

  test("ImageData layers are accepted (bound to the dataset's images), V1 IMAGE_DATA too, and their mean_file", () => {
    expect(REJECTED_LAYER_TYPES).not.toHaveProperty('ImageData');
    const v1 = 'layers { name: "d" type: IMAGE_DATA top: "data" top: "label" image_data_param { source: "x" } }\n';
    expect(validateSolverAndNet(SOLVER, v1)).toEqual([]);
    const withMean = 'layer { name: "d" type: "ImageData" top: "data" image_data_param { mean_file: "/m" } }\n';
    expect(validateSolverAndNet(SOLVER, withMean)).toEqual([]);
  });

  test("a WindowData layer's mean_file is refused with its layer (only Data and ImageData layers are bound)", () => {
    const net =
      'layer { name: "d" type: "Data" top: "data" }\n' +
      'layer { name: "w" type: "WindowData" window_data_param { mean_file: "/m" } }\n';
    expect(validateSolverAndNet(SOLVER, net).map((i) => i.message)).toEqual([
      `layer type "WindowData": ${REJECTED_LAYER_TYPES.WindowData}`,
      `mean_file is not allowed: ${PATH_FIELD_RULES['WindowDataParameter.mean_file']?.why}`,
    ]);
  });
});

/** A layer whose `type` message (found via the layer field holding it) contains `inner`. */
function wrap(type: string, inner: string): string {
  const holder = Object.entries(caffeSchema.messages.LayerParameter ?? {}).find(([, spec]) => spec.type === type);
  if (holder) return `layer { name: "x" type: "ReLU" ${holder[0]} { ${inner} } }`;
  const v1Holder = Object.entries(caffeSchema.messages.V1LayerParameter ?? {}).find(
    ([name]) => `V1LayerParameter.${name}` === `${type}.${inner.split(':')[0]}`,
  );
  if (type === 'V1LayerParameter' && v1Holder) return `layers { name: "x" type: RELU layer { name: "v0" } }`;
  throw new Error(`no layer field holds ${type}`);
}
