/**
 * These read the Dockerfiles (the GPU image can't be built here; the CPU images are built by the
 * container tests): the worker images carry the inference server classify jobs need, all three
 * images install Caffe with the one shared step (so what is built and tested here is what ships),
 * and the GPU image's build-time check starts the server exactly as the inference client will from
 * its pycaffe prefix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inferenceServerCommand } from '../../container/inference/client';
import { PYCAFFE_PACKAGES } from '../../local/caffe/install';

const containerDir = path.join(__dirname, '..', '..', 'container');
const dockerfile = (name: string): string => fs.readFileSync(path.join(containerDir, name), 'utf8');
/** The Dockerfile with its line continuations joined, one instruction per line. */
const instructions = (name: string): string[] => dockerfile(name).replace(/\\\n/g, ' ').split('\n');
const serverScript = '/opt/elastic-caffe/server.py';

describe.each(['Dockerfile', 'Dockerfile.gpu'])('the worker image from %s', (name) => {
  test('copies the inference server beside the worker bundle and points the client at it', () => {
    const lines = instructions(name);
    expect(lines).toContainEqual(
      expect.stringMatching(/^COPY build\/worker\.js inference\/server\.py \/opt\/elastic-caffe\/$/),
    );
    const env = lines.filter((line) => line.startsWith('ENV ')).join(' ');
    expect(env).toContain(`INFERENCE_SERVER_SCRIPT=${serverScript}`);
    // Under /work, which belongs to the unprivileged user jobs run as.
    expect(env).toMatch(/INFERENCE_CACHE_DIR=\/work\//);
  });
});

describe('the shared build steps (container/steps/)', () => {
  const caffeStep = [
    'ARG DEBIAN_FRONTEND=noninteractive',
    'COPY steps/caffe-runtime.sh /opt/elastic-caffe/steps/',
    'RUN sh /opt/elastic-caffe/steps/caffe-runtime.sh',
  ];

  test.each([
    ['Dockerfile', 'FROM debian:bullseye-slim'],
    ['Dockerfile.classify', 'FROM debian:bullseye-slim'],
    ['Dockerfile.gpu', 'FROM debian:bullseye-slim AS pycaffe'],
  ])(
    '%s installs Caffe with caffe-runtime.sh right after its Debian FROM, word for word (one cached layer for all)',
    (name, from) => {
      const lines = instructions(name).filter((line) => line.trim() !== '' && !line.startsWith('#'));
      const at = lines.indexOf(from);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(lines.slice(at + 1, at + 1 + caffeStep.length)).toEqual(caffeStep);
    },
  );

  test('caffe-runtime.sh installs the packages the local cloud unpacks for pycaffe, and unpacks python3-caffe', () => {
    const script = dockerfile('steps/caffe-runtime.sh').replace(/\\\n/g, ' ');
    const install = script.split('\n').find((line) => line.startsWith('apt-get install'))!;
    expect(install.split(/\s+/)).toEqual(expect.arrayContaining([...PYCAFFE_PACKAGES]));
    expect(script).toMatch(/^dpkg -x python3-caffe_\*\.deb \/$/m);
  });

  test.each([
    ['Dockerfile', '"$INFERENCE_SERVER_SCRIPT"'],
    ['Dockerfile.classify', '"$INFERENCE_SERVER_SCRIPT"'],
  ])(
    '%s fails its build if the server cannot load `_caffe` (check-runtime.sh; it exits cleanly once stdin closes)',
    (name, script) => {
      expect(instructions(name)).toContain(`RUN sh /opt/elastic-caffe/steps/check-runtime.sh ${script}`);
      expect(dockerfile('steps/check-runtime.sh')).toMatch(/^python3 "\$1" < \/dev\/null$/m);
    },
  );

  test('the GPU image fails its build if the server cannot load `_caffe` from the prefix', () => {
    const check = /^RUN .*"\$INFERENCE_SERVER_SCRIPT" < \/dev\/null$/;
    expect(instructions('Dockerfile.gpu')).toContainEqual(expect.stringMatching(check));
  });
});

describe('the GPU worker image', () => {
  const prefix = '/opt/pycaffe';

  test('runs classify on the pycaffe prefix (PYCAFFE_PREFIX), not on NVCaffe', () => {
    const env = instructions('Dockerfile.gpu')
      .filter((line) => line.startsWith('ENV '))
      .join(' ');
    expect(env).toContain(`PYCAFFE_PREFIX=${prefix}`);
    expect(dockerfile('Dockerfile.gpu')).toContain(`COPY --from=pycaffe ${prefix} ${prefix}`);
  });

  test("checks the server at build time with the client's own command line and environment", () => {
    const check = instructions('Dockerfile.gpu').find((line) => line.startsWith('RUN PYTHONHOME='));
    const words = check!
      .replace(/^RUN /, '')
      .replace(/ < \/dev\/null$/, '')
      .trim()
      .split(/\s+/);
    const assignments = words.filter((_, index) => words.slice(0, index + 1).every((w) => /^[A-Z_]+=/.test(w)));
    const [command, ...args] = words.slice(assignments.length);

    // The image is x86_64 whatever machine runs the tests, and the script path comes from the image's ENV.
    const arch = Object.getOwnPropertyDescriptor(process, 'arch')!;
    const script = process.env.INFERENCE_SERVER_SCRIPT;
    Object.defineProperty(process, 'arch', { ...arch, value: 'x64' });
    process.env.INFERENCE_SERVER_SCRIPT = serverScript;
    try {
      const client = inferenceServerCommand({ prefix });
      expect(command).toBe(client.command);
      expect(args).toEqual(client.args.map((arg) => (arg === serverScript ? '"$INFERENCE_SERVER_SCRIPT"' : arg)));
      // What makes Python find its prefix and `_caffe`; the client's other variables only tune logging and threads.
      const where = Object.fromEntries(
        Object.entries(client.env).filter(([key]) =>
          /^(PYTHONHOME|PYTHONPATH|CAFFE_PYTHON_DIR|PYTHONNOUSERSITE)$/.test(key),
        ),
      );
      expect(Object.keys(where)).toHaveLength(4);
      expect(Object.fromEntries(assignments.map((word) => word.split('=', 2) as [string, string]))).toEqual(where);
    } finally {
      Object.defineProperty(process, 'arch', arch);
      if (script === undefined) delete process.env.INFERENCE_SERVER_SCRIPT;
      else process.env.INFERENCE_SERVER_SCRIPT = script;
    }
  });
});
