/**
 * Runs the compiled `ecaffe` (packages/cli/bin/ecaffe.js) as a user does: in a child process, or
 * in a real pseudo-terminal (`script` from util-linux) to type Ctrl-C and answers into it.
 */
import { spawn, type ChildProcess } from 'node:child_process';

import { buildCli, ecaffeBin, repoRoot } from '../../local/fixtures/ecaffe-bin';

export { buildCli, ecaffeBin, repoRoot };

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `ecaffe args…` to its end; `input` goes to its stdin. */
export function ecaffe(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ecaffeBin, ...args], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** `ecaffe` started in the background (to signal it while it follows something). */
export function ecaffeChild(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => Run; done: Promise<Run> } {
  const child = spawn(process.execPath, [ecaffeBin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const run: Run = { code: null, stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => (run.stdout += c));
  child.stderr!.on('data', (c: Buffer) => (run.stderr += c));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ ...run, code })));
  return { child, output: () => run, done };
}

/** A session in a real pseudo-terminal: what the screen got so far, typing into it, and its exit code. */
export interface Terminal {
  screen(): string;
  type(text: string): void;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  exit: Promise<number | null>;
}

const quote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

export function ecaffeInTerminal(args: string[], env: NodeJS.ProcessEnv): Terminal {
  const command = [process.execPath, ecaffeBin, ...args].map(quote).join(' ');
  // script(1) runs the command on a new pseudo-terminal: Ctrl-C (\x03) typed into it becomes SIGINT, as at a keyboard.
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...process.env, ...env, TERM: 'xterm' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (c: Buffer) => (screen += c));
  child.stderr.on('data', (c: Buffer) => (screen += c));
  const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    screen: () => screen,
    type: (text) => void child.stdin.write(text),
    async waitFor(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(screen)) {
        if (Date.now() > deadline)
          throw new Error(`the terminal never showed ${pattern}; it shows:\n${screen.slice(-2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    exit,
  };
}
