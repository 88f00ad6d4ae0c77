/**
 * How any code (worker, tests, benches) runs a Caffe tool (`caffe`, `convert_mnist_data`,
 * `upgrade_net_proto_text`, ...).
 *
 * Two ways Caffe can be installed:
 * - In the container images Caffe is installed normally, so a tool is just its name on PATH.
 * - Locally (`npm start`, tests, CI) local/caffe/install.ts unpacks Debian bullseye's packages into
 *   a private prefix. Those binaries need bullseye's glibc and libraries, not the host's, so a tool
 *   runs through the prefix's own dynamic loader with `--library-path` pointing into the prefix:
 *   `<prefix>/lib/<triplet>/ld-linux-….so --library-path <dirs> <prefix>/usr/bin/<tool> args…`.
 *   `--library-path` replaces LD_LIBRARY_PATH for that process only, so nothing leaks into other
 *   processes. The prefix is given explicitly or by `CAFFE_PREFIX`.
 *
 * Dependency-free on purpose: the worker bundle and the local tools both use it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { config } from '../config';

/** Debian's names for the machine this runs on (the prefix holds packages of this architecture). */
export interface Multiarch {
  /** Debian architecture (apt's APT::Architecture). */
  debian: string;
  /** Multiarch library directory name. */
  triplet: string;
  /** File name of the dynamic loader in `lib/<triplet>/`. */
  loader: string;
}

const MULTIARCH: Record<string, Multiarch> = {
  x64: { debian: 'amd64', triplet: 'x86_64-linux-gnu', loader: 'ld-linux-x86-64.so.2' },
  arm64: { debian: 'arm64', triplet: 'aarch64-linux-gnu', loader: 'ld-linux-aarch64.so.1' },
};

/** The Debian architecture matching this Node process; throws on one Debian's Caffe doesn't cover here. */
export function multiarch(arch: string = process.arch): Multiarch {
  const m = MULTIARCH[arch];
  if (!m) throw new Error(`Caffe from Debian packages is supported on x64 and arm64, not on "${arch}"`);
  return m;
}

/** Paths inside a private Caffe prefix. */
export interface PrefixLayout {
  loader: string;
  /**
   * Library search order. OpenBLAS' directory comes first: Caffe links the generic
   * `libblas.so.3`/`liblapack.so.3`, which Debian normally points at OpenBLAS through
   * update-alternatives — a maintainer script that `dpkg -x` never runs. Searching
   * openblas-pthread/ first makes the prefix load OpenBLAS (5x faster than reference BLAS here)
   * whatever else the prefix contains. `usr/lib` holds libgdal.so.28 (pulled in by OpenCV).
   */
  libraryPath: string[];
  binDir: string;
}

export function prefixLayout(prefix: string, arch: string = process.arch): PrefixLayout {
  const root = path.resolve(prefix);
  const { triplet, loader } = multiarch(arch);
  return {
    loader: path.join(root, 'lib', triplet, loader),
    libraryPath: [
      path.join(root, 'usr', 'lib', triplet, 'openblas-pthread'),
      path.join(root, 'lib', triplet),
      path.join(root, 'usr', 'lib', triplet),
      path.join(root, 'usr', 'lib'),
    ],
    binDir: path.join(root, 'usr', 'bin'),
  };
}

export interface CaffeToolOptions {
  /** Private prefix made by local/caffe/install.ts; default CAFFE_PREFIX; none: tool on PATH. */
  prefix?: string;
  /**
   * Sets OPENBLAS_NUM_THREADS for the tool. Unset: the tool inherits the environment (OpenBLAS then uses all cores).
   */
  threads?: number;
}

export interface CaffeToolCommand {
  command: string;
  args: string[];
  /** Variables to add to the environment the tool runs in. */
  env: Record<string, string>;
}

/** The prefix a tool would run from: an explicit one, else CAFFE_PREFIX, else none (PATH). */
export function resolveCaffePrefix(prefix?: string): string | undefined {
  const p = prefix ?? config.caffePrefix();
  return p ? path.resolve(p) : undefined;
}

/** The command line and environment that run a Caffe tool. Pure: spawns nothing, checks no files. */
export function caffeToolCommand(tool: string, args: string[], opts: CaffeToolOptions = {}): CaffeToolCommand {
  if (!/^[A-Za-z0-9_.+-]+$/.test(tool)) throw new Error(`not a Caffe tool name: ${JSON.stringify(tool)}`);
  // Caffe logs through glog, which otherwise writes to files under /tmp and only errors to stderr.
  const env: Record<string, string> = { GLOG_logtostderr: '1' };
  if (opts.threads !== undefined) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1)
      throw new Error(`threads must be a positive integer, not ${opts.threads}`);
    env.OPENBLAS_NUM_THREADS = String(opts.threads);
  }
  const prefix = resolveCaffePrefix(opts.prefix);
  if (!prefix) return { command: tool, args: [...args], env };
  const layout = prefixLayout(prefix);
  return {
    command: layout.loader,
    args: ['--library-path', layout.libraryPath.join(':'), path.join(layout.binDir, tool), ...args],
    env,
  };
}

export interface SpawnCaffeToolOptions extends CaffeToolOptions {
  cwd?: string;
  /** Extra environment for the tool (on top of process.env and the command's own variables). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a Caffe tool with stdout and stderr piped, stdin closed. For callers that need the
 * process itself: `caffe train` snapshots and exits 0 on SIGINT (not on SIGTERM).
 */
export function spawnCaffeTool(tool: string, args: string[], opts: SpawnCaffeToolOptions = {}): ChildProcess {
  const cmd = caffeToolCommand(tool, args, opts);
  return spawn(cmd.command, cmd.args, {
    cwd: opts.cwd,
    env: { ...process.env, ...cmd.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface RunCaffeToolOptions extends SpawnCaffeToolOptions {
  /** Called with every line of stdout and stderr (Caffe logs to stderr), in arrival order. */
  onLine?: (line: string) => void;
  /** Aborting kills the tool with `killSignal`; the promise then resolves with that signal. */
  signal?: AbortSignal;
  /** Default SIGTERM. SIGINT makes `caffe train` snapshot before it exits. */
  killSignal?: NodeJS.Signals;
  /** How much of the output's end `output` keeps, in characters (default 64 KiB). */
  maxOutputChars?: number;
}

export interface CaffeToolResult {
  code: number | null;
  signal: string | null;
  /** The last lines of stdout and stderr, interleaved as they arrived (at most maxOutputChars). */
  output: string;
}

/** Runs a Caffe tool to its end. Rejects only if it cannot be started at all. */
export function runCaffeTool(tool: string, args: string[], opts: RunCaffeToolOptions = {}): Promise<CaffeToolResult> {
  const maxChars = opts.maxOutputChars ?? 64 * 1024;
  const tail: string[] = [];
  let tailChars = 0;
  const keep = (line: string): void => {
    tail.push(line);
    tailChars += line.length + 1;
    while (tailChars > maxChars && tail.length > 1) tailChars -= tail.shift()!.length + 1;
  };
  const onLine = (line: string): void => {
    keep(line.length > maxChars ? line.slice(line.length - maxChars) : line);
    opts.onLine?.(line);
  };

  return new Promise((resolve, reject) => {
    const child = spawnCaffeTool(tool, args, opts);
    const flushers = [splitLines(child.stdout!, onLine), splitLines(child.stderr!, onLine)];
    const kill = (): void => void child.kill(opts.killSignal ?? 'SIGTERM');
    if (opts.signal?.aborted) kill();
    else opts.signal?.addEventListener('abort', kill, { once: true });
    child.once('error', (err) => {
      opts.signal?.removeEventListener('abort', kill);
      reject(
        new Error(
          `cannot run Caffe tool "${tool}" (${err.message}). Inside the worker image Caffe is on PATH; ` +
            'elsewhere run "npx tsx local/caffe/install.ts" and set CAFFE_PREFIX to the prefix it prints.',
          { cause: err },
        ),
      );
    });
    // 'close' (not 'exit') fires after both pipes ended, so every line has been seen.
    child.once('close', (code, signal) => {
      opts.signal?.removeEventListener('abort', kill);
      for (const flush of flushers) flush();
      resolve({ code, signal, output: tail.join('\n') });
    });
  });
}

/** Feeds a stream's text to onLine line by line; the returned function emits a final unterminated line. */
function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): () => void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop()!;
    // A tool that never ends a line must not grow memory without bound.
    if (pending.length > 1 << 20) {
      parts.push(pending);
      pending = '';
    }
    for (const part of parts) onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  });
  return () => {
    if (pending) onLine(pending);
    pending = '';
  };
}

/**
 * Where LMDB's own tools (Debian's `lmdb-utils`: mdb_load, mdb_dump) run from. Beside a private
 * Caffe prefix, local/caffe/install.ts puts them in a prefix of their own, `<dir>/lmdb-utils`
 * (`LMDB_TOOLS_PREFIX` overrides); in the container they are on PATH with Caffe (undefined here).
 */
export function lmdbToolsPrefix(caffePrefix?: string): string | undefined {
  const configured = config.lmdbToolsPrefix();
  if (configured) return path.resolve(configured);
  const caffe = resolveCaffePrefix(caffePrefix);
  return caffe ? path.join(path.dirname(caffe), 'lmdb-utils') : undefined;
}
