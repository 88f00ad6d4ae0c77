import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpuTicks, processesCpuSeconds } from '../../../../bench/lib/machine';
import { localCloudKind } from '../../../../bench/lib/proc-sampler';

describe("the local cloud's processes in bench:cli, bench:overhead and bench:import", () => {
  it('names the S3 and SQS stand-ins and the worker by command line, and nothing else', () => {
    expect(localCloudKind(['/usr/bin/node', '--import', '/x/tsx/loader.mjs', '/r/local/s3-server.ts', '/h/s3'])).toBe(
      's3',
    );
    expect(localCloudKind(['/usr/bin/node', '/r/local/sqs-server.mjs'])).toBe('sqs');
    expect(localCloudKind(['/usr/bin/node', '/h/worker/worker.js'])).toBe('worker');
    expect(localCloudKind(['/usr/bin/node', '/r/packages/cli/bin/ecaffe.js'])).toBeUndefined();
  });

  it("counts a running process's CPU time, and nothing for one that is gone", async () => {
    // Busy until it has used 0.3 s of CPU (not of wall time, so a loaded machine only makes it longer).
    const spin = 'while (process.cpuUsage().user < 300000);';
    const busy = spawn(process.execPath, ['-e', spin]);
    const exited = once(busy, 'exit');
    let seconds = 0;
    while (busy.exitCode === null) {
      seconds = processesCpuSeconds([busy.pid!]) || seconds;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await exited;
    expect(seconds).toBeGreaterThan(0.1);
    expect(cpuTicks(busy.pid!)).toBeUndefined();
    expect(processesCpuSeconds([busy.pid!])).toBe(0);
  });
});
