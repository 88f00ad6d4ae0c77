import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  type CaffeLaunch,
  comparableArgv,
  isCaffeCommand,
  launchDifferences,
  readLaunch,
} from '../../../../bench/lib/caffe-launch';

const loader = '/p/lib/ld-linux-x86-64.so.2';
const launch = (solver: string, tuningEnv: Record<string, string> = {}): CaffeLaunch => ({
  argv: [loader, '--library-path', '/p/lib', '/p/bin/caffe', 'train', `--solver=${solver}`],
  tuningEnv,
});

describe('Caffe launches compared by bench:overhead', () => {
  it('recognises Caffe started directly or through the prefix loader, and nothing else', () => {
    expect(isCaffeCommand(launch('/a/solver.prototxt').argv)).toBe(true);
    expect(isCaffeCommand(['caffe.bin', 'train'])).toBe(true);
    expect(isCaffeCommand(['/usr/bin/node', 'worker.js', '--prefix=/home/me/caffe'])).toBe(false);
  });

  it('reduces per-run file flags to the file name and keeps every other argument', () => {
    expect(comparableArgv(['caffe', 'train', '--solver=/tmp/run-1/solver.prototxt', '--gpu=0', '/tmp/x'])).toEqual([
      'caffe',
      'train',
      '--solver=…/solver.prototxt',
      '--gpu=0',
      '/tmp/x',
    ]);
  });

  it('finds two runs of one setup comparable although their scratch folders differ', () => {
    const tuning = { OPENBLAS_CORETYPE: 'Haswell' };
    expect(
      launchDifferences(launch('/bare/run-1/solver.prototxt', tuning), launch('/job/w/solver.prototxt', tuning)),
    ).toEqual([]);
  });

  it('names each tuning variable that differs or is missing on one side', () => {
    const bare = launch('/a/solver.prototxt', { OPENBLAS_CORETYPE: 'Haswell', OMP_NUM_THREADS: '2' });
    const api = launch('/b/solver.prototxt', { OMP_NUM_THREADS: '1' });
    expect(launchDifferences(bare, api, ['bare', 'api'])).toEqual([
      'OMP_NUM_THREADS differs: bare "2", api "1"',
      'OPENBLAS_CORETYPE differs: bare "Haswell", api unset',
    ]);
  });

  it('reports different binaries or flags with both command lines', () => {
    const other = { ...launch('/b/solver.prototxt'), argv: ['/usr/bin/caffe', 'train', '--solver=/b/solver.prototxt'] };
    const [difference, ...rest] = launchDifferences(launch('/a/solver.prototxt'), other);
    expect(rest).toEqual([]);
    expect(difference).toMatch(
      /^command lines differ: A `.*\/p\/bin\/caffe train --solver=…\/solver\.prototxt`, B `\/usr\/bin\/caffe/,
    );
  });

  it('reads a running process: its command line and only its BLAS/OpenMP variables', async () => {
    const child = spawn('sleep', ['30'], {
      env: { PATH: process.env.PATH, OPENBLAS_CORETYPE: 'Haswell', OMP_NUM_THREADS: '3', SECRET_TOKEN: 'x' },
      stdio: 'ignore',
    });
    try {
      await once(child, 'spawn');
      // The exec may not have replaced the forked image yet; wait until /proc shows `sleep`.
      let seen = readLaunch(child.pid!);
      while (seen?.argv[0] !== 'sleep') {
        await new Promise((resolve) => setTimeout(resolve, 10));
        seen = readLaunch(child.pid!);
      }
      expect(seen).toEqual({
        argv: ['sleep', '30'],
        tuningEnv: { OMP_NUM_THREADS: '3', OPENBLAS_CORETYPE: 'Haswell' },
      });
    } finally {
      child.kill();
    }
    await once(child, 'exit');
    expect(readLaunch(child.pid!)).toBeUndefined();
  });
});
