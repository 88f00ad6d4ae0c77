/**
 * Runs a Caffe tool as core/caffe/tools.ts would (same command, environment and prefix), but in a
 * session of its own, as the Batch emulator starts the worker (`detached`: a container's process
 * group). With the kernel's autogroup scheduling (sched_autogroup_enabled=1) every session shares
 * CPU fairly with the others, so a tool left in the benchmark's session would get a smaller share
 * than the worker's whenever other work competes for the cores: the arms of a comparison would
 * differ by how they are scheduled, not by what Elastic Caffe adds.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { CaffeToolCommand } from '../../core/caffe/tools';

export async function runInOwnSession(
  cmd: CaffeToolCommand,
  cwd: string,
  onLine: (line: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(cmd.command, cmd.args, {
    cwd,
    env: { ...process.env, ...cmd.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
  // Being in its own session, the tool would outlive an interrupted benchmark.
  const kill = () => child.pid !== undefined && child.exitCode === null && process.kill(-child.pid, 'SIGKILL');
  process.once('exit', kill);
  try {
    const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
    return { code, signal };
  } finally {
    process.off('exit', kill);
  }
}
