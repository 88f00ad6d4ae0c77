/**
 * The client of the inference server (server.py): starts it once per process, keeps it, and
 * multiplexes requests over its stdin/stdout. On Lambda one container serves one request at a
 * time and keeps the server (and the loaded nets) warm between invocations; locally the gateway's
 * process keeps one server for every classifier.
 *
 * Where Python and Caffe come from: PYCAFFE_PREFIX (a prefix made by local/caffe/install.ts'
 * ensurePycaffe, run through its own loader like core/caffe/tools.ts does) or, unset, `python3`
 * and Debian's python3-caffe installed normally (the classify container image).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { prefixLayout } from '../../core/caffe/tools';
import { config } from '../../core/config';

export interface LoadRequest {
  /** Identifies the net in the server (e.g. classifier id); loading the same key again is free. */
  key: string;
  deploy: string;
  weights: string;
  input: string;
  output: string;
}

export interface InferenceProcessOptions {
  /** Caffe + Python prefix; default PYCAFFE_PREFIX; none: python3 on PATH. */
  prefix?: string;
  /** OpenBLAS threads per forward pass (default INFERENCE_THREADS or 1: small nets gain nothing from more). */
  threads?: number;
}

/**
 * The server script: beside this file in the source tree and in the bundled image (INFERENCE_SERVER_SCRIPT overrides).
 */
const serverScript = (): string => config.inferenceServerScript() ?? path.join(__dirname, 'server.py');

/** Command line and environment that start the server. Pure, for tests and the image's docs. */
export function inferenceServerCommand(opts: InferenceProcessOptions = {}): {
  command: string;
  args: string[];
  env: Record<string, string>;
} {
  const env: Record<string, string> = {
    GLOG_logtostderr: '1',
    GLOG_minloglevel: '2', // Caffe logs every layer it sets up; only errors matter here
    OPENBLAS_NUM_THREADS: String(opts.threads ?? config.inferenceThreads()),
    PYTHONUNBUFFERED: '1',
  };
  const prefix = opts.prefix ?? config.pycaffePrefix();
  if (!prefix) return { command: 'python3', args: [serverScript()], env };
  const layout = prefixLayout(prefix);
  const usr = path.join(path.resolve(prefix), 'usr');
  const dist = path.join(usr, 'lib', 'python3', 'dist-packages');
  return {
    command: layout.loader,
    args: ['--library-path', layout.libraryPath.join(':'), path.join(usr, 'bin', 'python3.9'), serverScript()],
    env: { ...env, PYTHONHOME: usr, PYTHONPATH: dist, CAFFE_PYTHON_DIR: dist, PYTHONNOUSERSITE: '1' },
  };
}

interface Pending {
  resolve: (answer: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** One running server. Requests are answered in order; a crash fails every pending request. */
export class InferenceProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, Pending>();
  private readonly loaded = new Set<string>();
  private nextId = 1;
  private stderrTail = '';
  private exited: Error | undefined;

  constructor(opts: InferenceProcessOptions = {}) {
    const cmd = inferenceServerCommand(opts);
    this.child = spawn(cmd.command, cmd.args, { env: { ...process.env, ...cmd.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    // An idle server must never keep its parent alive (tests, the local cloud's shutdown; it exits on
    // stdin EOF), but one with requests in flight must: see holdParent.
    this.holdParent(false);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => void (this.stderrTail = (this.stderrTail + chunk).slice(-4000)));
    createInterface({ input: this.child.stdout }).on('line', (line) => this.answer(line));
    const fail = (reason: string) => {
      this.exited = new Error(
        `the inference server ${reason}` +
          `${this.stderrTail ? `: ${this.stderrTail.trim().split('\n').slice(-5).join(' | ')}` : ''}`,
      );
      for (const p of this.pending.values()) p.reject(this.exited);
      this.pending.clear();
      this.holdParent(false);
    };
    this.child.once('error', (error) => fail(`could not start (${error.message})`));
    this.child.once('exit', (code, signal) => fail(`exited (${signal ?? `code ${code}`})`));
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Loads a net unless this server already holds it. */
  async load(request: LoadRequest): Promise<void> {
    if (this.loaded.has(request.key)) return;
    await this.send({ op: 'load', ...request });
    this.loaded.add(request.key);
  }

  /** Class probabilities for a batch: `inputs` are CHW float32 tensors of `shape` each. */
  async classify(key: string, shape: [number, number, number], inputs: Float32Array[]): Promise<Float32Array[]> {
    const batch = new Float32Array(inputs.length * shape[0] * shape[1] * shape[2]);
    for (const [i, input] of inputs.entries()) batch.set(input, i * input.length);
    const answer = await this.send({
      op: 'classify',
      key,
      shape: [inputs.length, ...shape],
      data: Buffer.from(batch.buffer).toString('base64'),
    });
    const bytes = Buffer.from(String(answer.probabilities), 'base64');
    const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    const classes = Number(answer.classes);
    return inputs.map((_, i) => all.subarray(i * classes, (i + 1) * classes));
  }

  /** Ends the server (closing stdin is its signal to exit). */
  close(): void {
    this.child.stdin.end();
  }

  private holdParent(hold: boolean): void {
    for (const handle of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as Array<{
      ref(): void;
      unref(): void;
    }>) {
      if (hold) handle.ref();
      else handle.unref();
    }
  }

  private send(request: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.holdParent(true);
      this.pending.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  private answer(line: string): void {
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not ours (a library printing to stdout); requests are matched by id
    }
    const pending = this.pending.get(Number(answer.id));
    if (!pending) return;
    this.pending.delete(Number(answer.id));
    if (this.pending.size === 0) this.holdParent(false);
    if (typeof answer.error === 'string') pending.reject(new Error(answer.error));
    else pending.resolve(answer);
  }
}

let shared: InferenceProcess | undefined;

/** The process-wide server, started on first use and restarted if it died. */
export function inferenceServer(): InferenceProcess {
  if (!shared?.alive) shared = new InferenceProcess();
  return shared;
}

/**
 * Starts the process-wide server now if INFERENCE_PRESTART=1 (the classify function's image sets
 * it): called while the function initializes, Python's start and its `_caffe` import then run
 * beside the handler's own loading and the wait for the first event, instead of inside the first
 * request (docs/BENCHMARKS.md, the classify image's cold start).
 */
export function prestartInferenceServer(): void {
  if (config.inferencePrestart()) inferenceServer();
}

/** Stops the process-wide server (the local cloud's shutdown, tests). */
export function stopInferenceServer(): void {
  shared?.close();
  shared = undefined;
}
