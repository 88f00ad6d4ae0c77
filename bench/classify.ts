/**
 * Classify latency of the synchronous path, without HTTP: PNG decode + preprocessing in Node, one
 * forward pass of LeNet (Fashion-MNIST shape) in the long-lived inference server. Cold = start the
 * server + load the net + first answer; warm = later answers. Weights are LeNet's initial ones
 * (latency does not depend on their values). `npm run bench:classify`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { deriveDeployNet } from '../core/caffe/deploy';
import { decodeImage } from '../core/caffe/preprocess-image';
import { preprocessingFor, toNetInput } from '../core/caffe/preprocess';
import { InferenceProcess, inferenceServerCommand } from '../container/inference/client';
import { ensurePycaffe } from '../local/caffe/install';

const rounds = Number(process.env.BENCH_ROUNDS ?? 200);
const colds = Number(process.env.BENCH_COLD ?? 5);

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function main(): Promise<void> {
  const prefix = await ensurePycaffe();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-classify-'));
  const trainingNet = await readFile(
    path.join(__dirname, '..', 'examples', 'fashion-mnist-lenet', 'net.prototxt'),
    'utf8',
  );
  const shape = { channels: 1, height: 28, width: 28 };
  const deploy = deriveDeployNet(trainingNet, shape);
  const preprocessing = preprocessingFor(trainingNet, shape);
  const files = { deploy: path.join(dir, 'deploy.prototxt'), weights: path.join(dir, 'weights.caffemodel') };
  await writeFile(files.deploy, deploy.net);
  const cmd = inferenceServerCommand({ prefix });
  const save =
    'import importlib.util,glob,os\n' +
    "s=importlib.util.spec_from_file_location('_caffe'," +
    "glob.glob(os.environ['CAFFE_PYTHON_DIR']+'/caffe/_caffe*.so')[0]);" +
    'm=importlib.util.module_from_spec(s);s.loader.exec_module(m)\n' +
    `m.Net('${files.deploy}',1).save('${files.weights}')`;
  execFileSync(cmd.command, [...cmd.args.slice(0, -1), '-c', save], { env: { ...process.env, ...cmd.env } });
  const png = new PNG({ width: 28, height: 28 });
  for (let i = 0; i < png.data.length; i++) png.data[i] = (i * 37) & 255;
  const image = PNG.sync.write(png);
  const classify = async (server: InferenceProcess, n: number) => {
    const inputs = Array.from({ length: n }, () => toNetInput(decodeImage(image), preprocessing));
    await server.load({ key: 'bench', ...files, input: deploy.input, output: deploy.output });
    await server.classify('bench', [1, 28, 28], inputs);
  };
  const rows: string[] = [];
  for (const n of [1, 8]) {
    const cold: number[] = [];
    for (let i = 0; i < colds; i++) {
      const started = performance.now();
      const server = new InferenceProcess({ prefix });
      await classify(server, n);
      cold.push(performance.now() - started);
      server.close();
    }
    const server = new InferenceProcess({ prefix });
    await classify(server, n);
    const warm: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await classify(server, n);
      warm.push(performance.now() - started);
    }
    server.close();
    rows.push(
      `| ${n} image${n > 1 ? 's' : ''} | ${percentile(warm, 50).toFixed(2)} | ${percentile(warm, 99).toFixed(2)} | ` +
        `${percentile(cold, 50).toFixed(0)} | ${percentile(cold, 99).toFixed(0)} |`,
    );
  }
  console.log(
    `LeNet 28x28 grey, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ` +
      `${rounds} warm rounds, ${colds} cold starts (ms)\n`,
  );
  console.log(`| batch | warm p50 | warm p99 | cold p50 | cold p99 |\n|---|---|---|---|---|\n${rows.join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
