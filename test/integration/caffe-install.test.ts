/**
 * The local Caffe installer against the real Debian packages, and the real tools running through
 * the private prefix. The first run on a machine downloads ~120 MB into the cache, hence the
 * generous timeout; later runs install from the cache.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { prefixLayout, runCaffeTool } from '../../core/caffe/tools';
import { ensureCaffe, ensureFashionMnist, fashionMnistFiles, isCaffePrefix } from '../../local/caffe/install';

jest.setTimeout(10 * 60_000);

let prefix: string;
let work: string;
const progress: string[] = [];

beforeAll(async () => {
  prefix = await ensureCaffe({ onProgress: (m) => progress.push(m) });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'caffe-install-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

test('the prefix runs caffe through its own loader', async () => {
  expect(await isCaffePrefix(prefix)).toBe(true);
  const result = await runCaffeTool('caffe', ['--version'], { prefix });
  expect(result.code).toBe(0);
  expect(result.output).toContain('caffe version 1.0.0');
});

test('every library caffe loads comes from the prefix, and BLAS is OpenBLAS', () => {
  const layout = prefixLayout(prefix);
  const list = execFileSync(
    layout.loader,
    ['--library-path', layout.libraryPath.join(':'), '--list', path.join(layout.binDir, 'caffe')],
    {
      encoding: 'utf8',
    },
  );
  const resolved = [...list.matchAll(/^\s*(\S+) => (\S+) \(0x/gm)].map((m) => [m[1]!, m[2]!] as const);
  expect(resolved.length).toBeGreaterThan(50);
  for (const [, file] of resolved) expect(file.startsWith(prefix + path.sep)).toBe(true);
  const blas = resolved.find(([name]) => name === 'libblas.so.3');
  expect(blas?.[1]).toBe(path.join(layout.libraryPath[0]!, 'libblas.so.3'));
  expect(blas?.[1]).toContain('/openblas-pthread/');
});

test('upgrade_net_proto_text validates against the real schema with line:column errors', async () => {
  const bad = path.join(work, 'bad.prototxt');
  fs.writeFileSync(bad, 'name: "tiny"\nlayer {\n  name: "data"\n  bogus: 1\n}\n');
  const lines: string[] = [];
  const result = await runCaffeTool('upgrade_net_proto_text', [bad, path.join(work, 'bad.out')], {
    prefix,
    onLine: (l) => lines.push(l),
  });
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('4:8: Message type "caffe.LayerParameter" has no field named "bogus"');
  expect(lines.join('\n')).toBe(result.output);
});

test('upgrade_net_proto_text upgrades a V1 net to the current format', async () => {
  const v1 = path.join(work, 'v1.prototxt');
  const out = path.join(work, 'v1.out');
  fs.writeFileSync(
    v1,
    'name: "v1"\nlayers { name: "conv" type: CONVOLUTION bottom: "data" ' +
      'top: "conv" convolution_param { num_output: 4 kernel_size: 3 } }\n',
  );
  const result = await runCaffeTool('upgrade_net_proto_text', [v1, out], { prefix });
  expect(result.code).toBe(0);
  expect(fs.readFileSync(out, 'utf8')).toMatch(/layer \{\s+name: "conv"\s+type: "Convolution"/);
});

test('Fashion-MNIST is installed and convert_mnist_data turns it into an LMDB', async () => {
  const dir = await ensureFashionMnist({ onProgress: (m) => progress.push(m) });
  const raw = fashionMnistFiles(dir, 'raw');
  for (const f of Object.values(fashionMnistFiles(dir, 'gz'))) expect(fs.statSync(f).size).toBeGreaterThan(1000);
  expect(fs.statSync(raw.trainImages).size).toBe(16 + 60_000 * 28 * 28);
  expect(fs.readFileSync(raw.testImages).readUInt32BE(0)).toBe(2051); // IDX magic: ubyte, 3 dimensions
  const lmdb = path.join(work, 'test_lmdb');
  const result = await runCaffeTool('convert_mnist_data', [raw.testImages, raw.testLabels, lmdb, '--backend=lmdb'], {
    prefix,
  });
  expect(result.code).toBe(0);
  expect(result.output).toContain('Processed 10000 files');
  expect(fs.statSync(path.join(lmdb, 'data.mdb')).size).toBeGreaterThan(7_840_000);
});

test('an install from the cache needs no network, is atomic, and is a no-op the second time', async () => {
  // Installs into a fresh home while the mirror is unreachable: only the cached .debs are used.
  const saved = { ...process.env };
  const home = path.join(work, 'home');
  process.env.ELASTIC_CAFFE_HOME = home;
  process.env.ELASTIC_CAFFE_DEBIAN_MIRROR = 'http://127.0.0.1:9/debian';
  delete process.env.CAFFE_PREFIX;
  try {
    const messages: string[] = [];
    const installed = await ensureCaffe({ onProgress: (m) => messages.push(m) });
    expect(installed).toBe(path.join(home, 'caffe'));
    expect(messages.some((m) => /^Caffe: unpacking \d+\/\d+$/.test(m))).toBe(true);
    expect(messages.at(-1)).toMatch(/^Caffe: 1\.0 ready in [\d.]+ s/);
    expect(messages.join('\n')).not.toMatch(/downloading|package index/);
    // Caffe and, beside it, LMDB's tools (the worker's mdb_load); no temporary or lock directories left.
    expect(fs.readdirSync(home).sort()).toEqual(['caffe', 'lmdb-utils']);
    const result = await runCaffeTool('caffe', ['--version'], { prefix: installed });
    expect(result.output).toContain('caffe version 1.0.0');

    const again: string[] = [];
    const started = performance.now();
    expect(await ensureCaffe({ onProgress: (m) => again.push(m) })).toBe(installed);
    expect(performance.now() - started).toBeLessThan(500);
    expect(again).toEqual([]);
  } finally {
    process.env = saved;
  }
});

test('CAFFE_PREFIX, when set, is used as is, and must be a prefix', async () => {
  const saved = process.env.CAFFE_PREFIX;
  try {
    process.env.CAFFE_PREFIX = prefix;
    expect(await ensureCaffe()).toBe(prefix);
    process.env.CAFFE_PREFIX = work;
    await expect(ensureCaffe()).rejects.toThrow(/is not a Caffe prefix/);
  } finally {
    if (saved === undefined) delete process.env.CAFFE_PREFIX;
    else process.env.CAFFE_PREFIX = saved;
  }
});
