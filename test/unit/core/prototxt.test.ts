import {
  getAll,
  getField,
  getMessage,
  getScalar,
  isMessage,
  parsePrototxt,
  printPrototxt,
  PrototxtSyntaxError,
  removeField,
  setScalar,
  type PMessage,
  type PScalar,
} from '../../../core/prototxt';

/** The tree without positions, so a reparsed print can be compared with the original. */
function shape(msg: PMessage): unknown {
  return msg.fields.map((f) => [f.name, isMessage(f.value) ? shape(f.value) : f.value]);
}

function roundTrip(text: string): void {
  const first = parsePrototxt(text);
  const printed = printPrototxt(first);
  expect(shape(parsePrototxt(printed))).toEqual(shape(first));
  // Canonical: printing again changes nothing.
  expect(printPrototxt(parsePrototxt(printed))).toBe(printed);
}

function syntaxError(text: string): PrototxtSyntaxError {
  try {
    parsePrototxt(text);
  } catch (err) {
    if (err instanceof PrototxtSyntaxError) return err;
    throw err;
  }
  throw new Error('expected a syntax error');
}

function expectError(text: string, line: number, column: number, message: string): void {
  const err = syntaxError(text);
  expect({ line: err.line, column: err.column, message: err.message }).toEqual({ line, column, message });
}

const s = (text: string): PScalar => ({ kind: 'string', text });
const n = (text: string): PScalar => ({ kind: 'number', text });
const id = (text: string): PScalar => ({ kind: 'identifier', text });

describe('parsePrototxt', () => {
  test('scalars of every kind keep their raw text and positions', () => {
    const msg = parsePrototxt('name: "LeNet"\n  base_lr: 0.01\nphase: TRAIN\nflag: true');
    expect(msg.fields).toEqual([
      { name: 'name', value: s('LeNet'), line: 1, column: 1 },
      { name: 'base_lr', value: n('0.01'), line: 2, column: 3 },
      { name: 'phase', value: id('TRAIN'), line: 3, column: 1 },
      { name: 'flag', value: id('true'), line: 4, column: 1 },
    ]);
  });

  test('number spellings', () => {
    const msg = parsePrototxt('a: 1e-4 a: .5 a: -0.5 a: inf a: -inf a: nan a: 0x1F a: 1.5f a: -Infinity a: 10 a: 2E+3');
    expect(getAll(msg, 'a').map((f) => f.value)).toEqual(
      ['1e-4', '.5', '-0.5', 'inf', '-inf', 'nan', '0x1F', '1.5f', '-Infinity', '10', '2E+3'].map(n),
    );
  });

  test('nested messages in all three spellings', () => {
    const msg = parsePrototxt('a { x: 1 }\nb: { y: 2 }\nc < z: 3 >');
    expect(shape(msg)).toEqual([
      ['a', [['x', n('1')]]],
      ['b', [['y', n('2')]]],
      ['c', [['z', n('3')]]],
    ]);
    expect(getField(getMessage(msg, 'b') as PMessage, 'y')).toMatchObject({ line: 2, column: 6 });
  });

  test('list syntax expands into repeated entries, messages included', () => {
    const msg = parsePrototxt('stepvalue: [100, 200, 300]\nempty: []\nm: [{ a: 1 }, < a: 2 >]');
    expect(getAll(msg, 'stepvalue').map((f) => [f.value, f.line, f.column])).toEqual([
      [n('100'), 1, 1],
      [n('200'), 1, 1],
      [n('300'), 1, 1],
    ]);
    expect(getAll(msg, 'empty')).toEqual([]);
    expect(getAll(msg, 'm').map((f) => shape(f.value as PMessage))).toEqual([[['a', n('1')]], [['a', n('2')]]]);
  });

  test('comments and separators', () => {
    const msg = parsePrototxt('# header\na: 1; b: 2, c { d: "#not a comment" } # trailing\n#e: 5');
    expect(shape(msg)).toEqual([
      ['a', n('1')],
      ['b', n('2')],
      ['c', [['d', s('#not a comment')]]],
    ]);
  });

  test('string escapes, both quotes and concatenation', () => {
    const msg = parsePrototxt(
      String.raw`a: "tab\tnl\nq\"bs\\sq\'" b: 'it''s' c: "\101\x42\x4" d: "x" 'y' "z" ` +
        String.raw`e: "\303\251\u00e9\U0001F600" f: "\a\b\f\v\r\?"`,
    );
    expect(getScalar(msg, 'a')).toBe('tab\tnl\nq"bs\\sq\'');
    expect(getScalar(msg, 'b')).toBe('its');
    expect(getScalar(msg, 'c')).toBe('AB\x04');
    expect(getScalar(msg, 'd')).toBe('xyz');
    expect(getScalar(msg, 'e')).toBe('éé😀');
    expect(getScalar(msg, 'f')).toBe('\x07\b\f\v\r?');
  });

  test('raw non-ASCII text is kept', () => {
    expect(getScalar(parsePrototxt('name: "Réseau 网络 😀"'), 'name')).toBe('Réseau 网络 😀');
  });

  test('empty and comment-only documents are empty messages', () => {
    expect(parsePrototxt('')).toEqual({ fields: [] });
    expect(parsePrototxt('  # nothing\n\n')).toEqual({ fields: [] });
  });

  test('CRLF line endings count lines correctly', () => {
    const msg = parsePrototxt('a: 1\r\nb: 2\r\n');
    expect(getField(msg, 'b')).toMatchObject({ line: 2, column: 1 });
  });
});

describe('syntax errors', () => {
  test('missing ":" or "{" after a field name', () => {
    expectError('foo bar', 1, 5, 'expected ":" or "{" after field name "foo"');
    expectError('a: 1\nfoo', 2, 4, 'expected ":" or "{" after field name "foo"');
  });
  test('unterminated strings point at the opening quote', () => {
    expectError('a: 1\nname: "abc', 2, 7, 'unterminated string');
    expectError("name: 'abc\n'", 1, 7, 'unterminated string');
    expectError('name: "abc\\', 1, 7, 'unterminated string');
  });
  test('stray and mismatched closers', () => {
    expectError('a: 1\n}', 2, 1, 'unexpected "}"');
    expectError('a: 1 >', 1, 6, 'unexpected ">"');
    expectError('a <\n b: 1\n}', 3, 1, 'expected ">" to close "<" opened at 1:3, found "}"');
  });
  test('end of input inside messages and lists lists every unclosed bracket', () => {
    expectError(
      'net {\n  layer {\n    name: "x"\n',
      4,
      1,
      'unexpected end of input: 2 unclosed "{" opened at 1:5, "{" opened at 2:9',
    );
    expectError('a: 1\nb: 2\nlayer {', 3, 8, 'unexpected end of input: 1 unclosed "{" opened at 3:7');
    expectError('x: [1, 2', 1, 9, 'unexpected end of input: 1 unclosed "[" opened at 1:4');
    expectError('x {\n y: ', 2, 5, 'unexpected end of input: 1 unclosed "{" opened at 1:3');
  });
  test('missing values', () => {
    expectError('a:', 1, 3, 'expected a value for field "a", found end of input');
    expectError('a { b: }', 1, 8, 'expected a value for field "b", found "}"');
    expectError('a: [1 2]', 1, 7, 'expected "," or "]" in the list for field "a", found "2"');
    expectError('a: [1,]', 1, 7, 'expected a value for field "a", found "]"');
  });
  test('bad field names', () => {
    expectError('5: 1', 1, 1, 'expected a field name, found "5"');
    expectError('"a": 1', 1, 1, 'expected a field name, found string "a"');
    expectError('a: 1 ;; b: 2', 1, 7, 'expected a field name, found ";"');
  });
  test('bad numbers and characters', () => {
    expectError('a: 1abc', 1, 4, 'invalid number "1abc"');
    expectError('a: 1.2.3', 1, 4, 'invalid number "1.2.3"');
    expectError('a: -x', 1, 4, 'expected a number after "-"');
    expectError('a: @', 1, 4, 'unexpected character "@"');
  });
  test('bad escapes point at the backslash', () => {
    expectError('a: "ok\\q"', 1, 7, 'invalid escape sequence "\\q"');
    expectError('a: "\\xZZ"', 1, 5, 'invalid escape sequence "\\x"');
    expectError('a: "\\777"', 1, 5, 'octal escape "\\777" is above \\377');
    expectError('a: "\\uD800"', 1, 5, 'invalid Unicode escape "\\uD800"');
  });
  test('the first error in the document wins', () => {
    expectError('a b\nc: "unterminated', 1, 3, 'expected ":" or "{" after field name "a"');
  });
  test('deep nesting is refused instead of overflowing the stack', () => {
    const err = syntaxError('a {'.repeat(5000));
    expect([err.line, err.column, err.message]).toEqual([1, 303, 'nesting deeper than 100 levels']);
  });
  test('is an Error with the position as properties only', () => {
    const err = syntaxError('x');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('PrototxtSyntaxError');
  });
});

describe('tree helpers', () => {
  const doc = () => parsePrototxt('a: 1\nm { x: "y" }\na: 2\nb: "s"');

  test('getters', () => {
    const msg = doc();
    expect(getField(msg, 'a')?.value).toEqual(n('1'));
    expect(getAll(msg, 'a').map((f) => f.value)).toEqual([n('1'), n('2')]);
    expect(getScalar(msg, 'b')).toBe('s');
    expect(getScalar(msg, 'm')).toBeUndefined();
    expect(getScalar(msg, 'missing')).toBeUndefined();
    expect(getMessage(msg, 'a')).toBeUndefined();
    expect(isMessage(getField(msg, 'm')?.value ?? n('0'))).toBe(true);
  });

  test('setScalar replaces all entries in place of the first, or appends', () => {
    const msg = doc();
    setScalar(msg, 'a', 'number', '9');
    setScalar(msg, 'c', 'identifier', 'GPU');
    expect(shape(msg)).toEqual([
      ['a', n('9')],
      ['m', [['x', s('y')]]],
      ['b', s('s')],
      ['c', id('GPU')],
    ]);
    expect(getField(msg, 'c')).toMatchObject({ line: 0, column: 0 });
  });

  test('removeField removes every entry and counts them', () => {
    const msg = doc();
    expect(removeField(msg, 'a')).toBe(2);
    expect(removeField(msg, 'a')).toBe(0);
    expect(msg.fields.map((f) => f.name)).toEqual(['m', 'b']);
  });
});

describe('printPrototxt', () => {
  test('canonical layout', () => {
    const msg = parsePrototxt('name:"x" layer<type:"Data" include:{phase:TRAIN} empty{}> lr: [1,2]');
    expect(printPrototxt(msg)).toBe(
      'name: "x"\nlayer {\n  type: "Data"\n  include {\n    phase: TRAIN\n  }\n  empty {\n  }\n}\nlr: 1\nlr: 2\n',
    );
    expect(printPrototxt({ fields: [] })).toBe('');
  });

  test('strings are re-escaped', () => {
    const msg = { fields: [{ name: 'a', value: s('q"b\\n\nt\tr\r\x01\x7f7é😀'), line: 0, column: 0 }] };
    expect(printPrototxt(msg)).toBe(`${String.raw`a: "q\"b\\n\nt\tr\r\001\1777é😀"`}\n`);
  });

  test('refuses trees that would print something else than they hold', () => {
    const bad = (name: string, value: { kind: 'number' | 'identifier'; text: string }) => () =>
      printPrototxt({ fields: [{ name, value, line: 0, column: 0 }] });
    expect(bad('a', { kind: 'identifier', text: 'X }\nevil {' })).toThrow('is not an identifier');
    expect(bad('a', { kind: 'number', text: '1 b: 2' })).toThrow('is not a number');
    expect(bad('a b', { kind: 'number', text: '1' })).toThrow('cannot print field name');
  });

  test('round-trips the LeNet net and solver', () => {
    roundTrip(LENET_NET);
    roundTrip(LENET_SOLVER);
    const net = parsePrototxt(LENET_NET);
    expect(getScalar(net, 'name')).toBe('LeNet');
    expect(getAll(net, 'layer')).toHaveLength(11);
    const solver = parsePrototxt(LENET_SOLVER);
    expect(getScalar(solver, 'max_iter')).toBe('10000');
    expect(getScalar(solver, 'solver_mode')).toBe('GPU');
  });

  test('round-trips the V1 format', () => {
    roundTrip(V1_NET);
    const layers = getAll(parsePrototxt(V1_NET), 'layers');
    expect(layers.map((l) => getScalar(l.value as PMessage, 'type'))).toEqual([
      'DATA',
      'DATA',
      'CONVOLUTION',
      'INNER_PRODUCT',
      'SOFTMAX_LOSS',
    ]);
  });

  test('round-trips nasty strings exactly', () => {
    const nasty = String.raw`
      a: "\"quoted\" and \\backslash\\ and 'single'"
      a: 'double " inside single'
      a: "newline\nand\ttab and \r and NUL\000 and DEL\177 then digit\0017"
      a: "hex \x41\x7e and octal \101 and unicode \u00e9 \U0001F600 and raw é 网 😀"
      a: "con" 'cat' "enated"
      a: ""
      a: "# not a comment } { ] ["
      a: "\\x41 is not an escape here"
    `;
    roundTrip(nasty);
    const values = getAll(parsePrototxt(printPrototxt(parsePrototxt(nasty))), 'a').map(
      (f) => (f.value as { text: string }).text,
    );
    expect(values).toEqual([
      `"quoted" and \\backslash\\ and 'single'`,
      'double " inside single',
      'newline\nand\ttab and \r and NUL\0 and DEL\x7f then digit\x017',
      'hex A~ and octal A and unicode é 😀 and raw é 网 😀',
      'concatenated',
      '',
      '# not a comment } { ] [',
      '\\x41 is not an escape here',
    ]);
  });
});

// Caffe's examples/mnist/lenet_train_test.prototxt: the same fields, values and order as shipped,
// with nested messages folded onto fewer lines (which the parser must handle anyway).
const LENET_NET = `name: "LeNet"
layer {
  name: "mnist"
  type: "Data"
  top: "data"
  top: "label"
  include { phase: TRAIN }
  transform_param { scale: 0.00390625 }
  data_param { source: "examples/mnist/mnist_train_lmdb" batch_size: 64 backend: LMDB }
}
layer {
  name: "mnist"
  type: "Data"
  top: "data"
  top: "label"
  include { phase: TEST }
  transform_param { scale: 0.00390625 }
  data_param { source: "examples/mnist/mnist_test_lmdb" batch_size: 100 backend: LMDB }
}
layer {
  name: "conv1"
  type: "Convolution"
  bottom: "data"
  top: "conv1"
  param { lr_mult: 1 }
  param { lr_mult: 2 }
  convolution_param {
    num_output: 20
    kernel_size: 5
    stride: 1
    weight_filler { type: "xavier" }
    bias_filler { type: "constant" }
  }
}
layer {
  name: "pool1"
  type: "Pooling"
  bottom: "conv1"
  top: "pool1"
  pooling_param { pool: MAX kernel_size: 2 stride: 2 }
}
layer {
  name: "conv2"
  type: "Convolution"
  bottom: "pool1"
  top: "conv2"
  param { lr_mult: 1 }
  param { lr_mult: 2 }
  convolution_param {
    num_output: 50
    kernel_size: 5
    stride: 1
    weight_filler { type: "xavier" }
    bias_filler { type: "constant" }
  }
}
layer {
  name: "pool2"
  type: "Pooling"
  bottom: "conv2"
  top: "pool2"
  pooling_param { pool: MAX kernel_size: 2 stride: 2 }
}
layer {
  name: "ip1"
  type: "InnerProduct"
  bottom: "pool2"
  top: "ip1"
  param { lr_mult: 1 }
  param { lr_mult: 2 }
  inner_product_param { num_output: 500 weight_filler { type: "xavier" } bias_filler { type: "constant" } }
}
layer { name: "relu1" type: "ReLU" bottom: "ip1" top: "ip1" }
layer {
  name: "ip2"
  type: "InnerProduct"
  bottom: "ip1"
  top: "ip2"
  param { lr_mult: 1 }
  param { lr_mult: 2 }
  inner_product_param { num_output: 10 weight_filler { type: "xavier" } bias_filler { type: "constant" } }
}
layer {
  name: "accuracy"
  type: "Accuracy"
  bottom: "ip2"
  bottom: "label"
  top: "accuracy"
  include { phase: TEST }
}
layer { name: "loss" type: "SoftmaxWithLoss" bottom: "ip2" bottom: "label" top: "loss" }
`;

// Caffe's examples/mnist/lenet_solver.prototxt, comments included.
const LENET_SOLVER = `# The train/test net protocol buffer definition
net: "examples/mnist/lenet_train_test.prototxt"
# test_iter specifies how many forward passes the test should carry out.
# In the case of MNIST, we have test batch size 100 and 100 test iterations,
# covering the full 10,000 testing images.
test_iter: 100
# Carry out testing every 500 training iterations.
test_interval: 500
# The base learning rate, momentum and the weight decay of the network.
base_lr: 0.01
momentum: 0.9
weight_decay: 0.0005
# The learning rate policy
lr_policy: "inv"
gamma: 0.0001
power: 0.75
# Display every 100 iterations
display: 100
# The maximum number of iterations
max_iter: 10000
# snapshot intermediate results
snapshot: 5000
snapshot_prefix: "examples/mnist/lenet"
# solver mode: CPU or GPU
solver_mode: GPU
`;

// The pre-2015 (V1) layer format: \`layers\` with enum types and \`include:\` with a colon.
const V1_NET = `name: "LeNet"
layers {
  name: "mnist"
  type: DATA
  top: "data"
  top: "label"
  data_param {
    source: "examples/mnist/mnist_train_lmdb"
    backend: LMDB
    batch_size: 64
  }
  transform_param {
    scale: 0.00390625
  }
  include: { phase: TRAIN }
}
layers {
  name: "mnist"
  type: DATA
  top: "data"
  top: "label"
  data_param {
    source: "examples/mnist/mnist_test_lmdb"
    backend: LMDB
    batch_size: 100
  }
  include: { phase: TEST }
}
layers {
  name: "conv1"
  type: CONVOLUTION
  bottom: "data"
  top: "conv1"
  blobs_lr: 1
  blobs_lr: 2
  convolution_param {
    num_output: 20
    kernel_size: 5
    stride: 1
    weight_filler { type: "xavier" }
    bias_filler { type: "constant" }
  }
}
layers {
  name: "ip"
  type: INNER_PRODUCT
  bottom: "conv1"
  top: "ip"
  inner_product_param { num_output: 10 }
}
layers {
  name: "loss"
  type: SOFTMAX_LOSS
  bottom: "ip"
  bottom: "label"
  top: "loss"
}
`;
