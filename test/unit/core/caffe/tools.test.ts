import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { caffeToolCommand, multiarch, prefixLayout, runCaffeTool, spawnCaffeTool } from '../../../../core/caffe/tools';

// The prefix holds Debian packages of the host's architecture (x86_64 here, aarch64 on arm64).
const { triplet, loader } = multiarch();
const savedPrefix = process.env.CAFFE_PREFIX;
const savedPath = process.env.PATH;
afterEach(() => {
  if (savedPrefix === undefined) delete process.env.CAFFE_PREFIX;
  else process.env.CAFFE_PREFIX = savedPrefix;
  process.env.PATH = savedPath;
});

describe('caffeToolCommand', () => {
  test('without a prefix (the container) the tool is run by name from PATH', () => {
    delete process.env.CAFFE_PREFIX;
    const cmd = caffeToolCommand('caffe', ['train', '--solver=solver.prototxt']);
    expect(cmd).toEqual({
      command: 'caffe',
      args: ['train', '--solver=solver.prototxt'],
      env: { GLOG_logtostderr: '1' },
    });
  });

  test('with a prefix the tool runs through the prefix loader, OpenBLAS first on the library path', () => {
    delete process.env.CAFFE_PREFIX;
    const cmd = caffeToolCommand('caffe', ['test', '--model=m', '--weights=w', '--iterations=10'], {
      prefix: '/opt/pfx',
      threads: 2,
    });
    expect(cmd.command).toBe(`/opt/pfx/lib/${triplet}/${loader}`);
    expect(cmd.args).toEqual([
      '--library-path',
      [
        `/opt/pfx/usr/lib/${triplet}/openblas-pthread`,
        `/opt/pfx/lib/${triplet}`,
        `/opt/pfx/usr/lib/${triplet}`,
        '/opt/pfx/usr/lib',
      ].join(':'),
      '/opt/pfx/usr/bin/caffe',
      'test',
      '--model=m',
      '--weights=w',
      '--iterations=10',
    ]);
    expect(cmd.env).toEqual({ GLOG_logtostderr: '1', OPENBLAS_NUM_THREADS: '2' });
  });

  test('CAFFE_PREFIX is the default prefix (resolved to an absolute path); an explicit prefix wins', () => {
    process.env.CAFFE_PREFIX = 'rel/pfx';
    const fromEnv = caffeToolCommand('convert_mnist_data', ['a', 'b', 'c']);
    expect(fromEnv.command).toBe(path.resolve(`rel/pfx/lib/${triplet}/${loader}`));
    expect(fromEnv.args[2]).toBe(path.resolve('rel/pfx/usr/bin/convert_mnist_data'));
    expect(fromEnv.args.slice(3)).toEqual(['a', 'b', 'c']);
    const explicit = caffeToolCommand('caffe', [], { prefix: '/other' });
    expect(explicit.args[2]).toBe('/other/usr/bin/caffe');
  });

  test('OPENBLAS_NUM_THREADS is only set when asked for', () => {
    expect(caffeToolCommand('caffe', [], { prefix: '/p' }).env).not.toHaveProperty('OPENBLAS_NUM_THREADS');
    expect(() => caffeToolCommand('caffe', [], { threads: 0 })).toThrow(/positive integer/);
  });

  test('rejects tool names that could escape the bin directory', () => {
    expect(() => caffeToolCommand('../../bin/sh', [])).toThrow(/not a Caffe tool name/);
    expect(() => caffeToolCommand('', [])).toThrow(/not a Caffe tool name/);
  });

  test('arm64 prefixes use the aarch64 loader and triplet', () => {
    expect(multiarch('arm64')).toEqual({
      debian: 'arm64',
      triplet: 'aarch64-linux-gnu',
      loader: 'ld-linux-aarch64.so.1',
    });
    expect(prefixLayout('/p', 'arm64').loader).toBe('/p/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1');
    expect(() => multiarch('ia32')).toThrow(/x64 and arm64/);
  });
});

describe('runCaffeTool (with a stand-in tool on PATH)', () => {
  let bin: string;
  beforeAll(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'caffe-tools-'));
    // Logs like caffe: some lines to stdout, some to stderr, a last line without newline.
    fs.writeFileSync(
      path.join(bin, 'fake_tool'),
      '#!/bin/sh\n' +
        // With "sleep" it waits for SIGINT, like `caffe train` does to snapshot and exit 0.
        'if [ "$3" = sleep ]; then trap \'kill $pid; echo got INT; exit 0\' INT; fi\n' +
        'echo "out $1 glog=$GLOG_logtostderr threads=${OPENBLAS_NUM_THREADS:-unset} cwd=$(pwd)"\n' +
        'i=0; while [ $i -lt "${2:-0}" ]; do echo "line $i" >&2; i=$((i+1)); done\n' +
        'if [ "$3" = sleep ]; then sleep 5 & pid=$!; wait; fi\n' +
        'printf "no newline"; exit 7\n',
      { mode: 0o755 },
    );
  });
  afterAll(() => fs.rmSync(bin, { recursive: true, force: true }));
  beforeEach(() => {
    delete process.env.CAFFE_PREFIX;
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
  });

  test('streams every stdout and stderr line, returns exit code and output', async () => {
    const lines: string[] = [];
    const result = await runCaffeTool('fake_tool', ['hello', '3'], {
      cwd: bin,
      threads: 1,
      onLine: (l) => lines.push(l),
    });
    expect(result.code).toBe(7);
    expect(result.signal).toBeNull();
    expect(lines).toEqual(
      expect.arrayContaining([
        `out hello glog=1 threads=1 cwd=${fs.realpathSync(bin)}`,
        'line 0',
        'line 2',
        'no newline',
      ]),
    );
    expect(lines).toHaveLength(5);
    expect(result.output.split('\n').sort()).toEqual([...lines].sort());
  });

  test('keeps only the tail of long output', async () => {
    const result = await runCaffeTool('fake_tool', ['x', '2000'], { maxOutputChars: 100 });
    expect(result.output.length).toBeLessThanOrEqual(100);
    expect(result.output.endsWith('no newline')).toBe(true);
    expect(result.output).toContain('line 1999');
  });

  test('an abort signal kills the tool with the chosen signal', async () => {
    const ac = new AbortController();
    const lines: string[] = [];
    const running = runCaffeTool('fake_tool', ['x', '0', 'sleep'], {
      signal: ac.signal,
      killSignal: 'SIGINT',
      onLine: (l) => {
        lines.push(l);
        if (l.startsWith('out ')) ac.abort();
      },
    });
    const result = await running;
    expect(lines).toContain('got INT'); // the tool saw SIGINT (caffe would snapshot here)
    expect(result.code).toBe(0);
  });

  test('spawnCaffeTool returns the child process', async () => {
    const child = spawnCaffeTool('fake_tool', ['y']);
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(7);
  });

  test('a missing tool rejects with advice on installing Caffe', async () => {
    await expect(runCaffeTool('no_such_caffe_tool', [])).rejects.toThrow(/CAFFE_PREFIX/);
  });
});
