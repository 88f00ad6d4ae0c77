/**
 * Reads `caffe train`'s log (glog lines on stderr) into live progress. Parsing is line by line
 * and forgiving: anything unrecognised is ignored, because the log also carries net dumps,
 * stack traces and whatever else the process prints.
 */

export interface CaffeProgress {
  /** The latest iteration number the log mentioned (0 before training starts). */
  iteration: number;
  maxIterations?: number;
  /** Smoothed training loss from the latest `Iteration N …, loss = X` line (NaN if Caffe printed nan). */
  loss?: number;
  learningRate?: number;
  iterationsPerSecond?: number;
  /**
   * Latest value of each test output by name (`accuracy`, `loss`, …). A solver with several test
   * nets (one per test_iter) names the outputs of the second and later ones `<name>#<n>` (`loss#1`).
   */
  testOutputs: Record<string, number>;
  /** Weights and solver-state files Caffe wrote, in the order it wrote them. */
  snapshots: string[];
  /** Caffe logged "Optimization Done." (it also does so after a stop on SIGINT; see stoppedEarly). */
  done: boolean;
  /** Training was cut short by a signal ("Optimization stopped early."). */
  stoppedEarly: boolean;
  /** The first fatal message (glog `F` line or protobuf parse error), made readable. */
  fatalError?: string;
  firstIterationAt?: Date;
  lastIterationAt?: Date;
}

/** What one log line says, as far as progress is concerned. */
export type CaffeEvent =
  | {
      type: 'iteration';
      iteration: number;
      loss?: number;
      iterationsPerSecond?: number;
      learningRate?: number;
      /** "Iteration N, Testing net (#n)": the test net whose outputs follow. */
      testNet?: number;
    }
  | { type: 'testOutput'; name: string; value: number }
  | { type: 'snapshot'; path: string }
  | { type: 'solverParameters' }
  | { type: 'done' }
  | { type: 'stoppedEarly' }
  | { type: 'fatal'; message: string };

const NUM = String.raw`[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)`;
/** `I1126 13:14:19.746896  2657 solver.cpp:218] message`; the middle is matched loosely. */
const GLOG = /^\s*([IWEF])(\d{2})(\d{2})\b([^\]]*)\] ?(.*)$/;
const GLOG_TIME = /^\s*[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/;
const PROTOBUF_ERROR = /^\s*\[libprotobuf (?:ERROR|FATAL) [^\]]*\] ?(.*)$/;
// NVIDIA Caffe adds fields (epochs after the timing, momentum after lr), so the tails are loose.
const ITER_TIMED = new RegExp(String.raw`^Iteration (\d+) \((${NUM}) iter/s.*?, loss = (${NUM})`, 'i');
const ITER_LOSS = new RegExp(String.raw`^Iteration (\d+), loss = (${NUM})`, 'i');
const ITER_LR = new RegExp(String.raw`^Iteration (\d+), lr = (${NUM})`, 'i');
const ITER_ANY = /^Iteration (\d+)\b/;
const ITER_TESTING = /^Iteration (\d+), Testing net \(#(\d+)\)/;
const TEST_OUTPUT = new RegExp(String.raw`^Test net output #\d+: (\S+) = (${NUM})`, 'i');
const SNAPSHOT = /^Snapshotting (?:solver state )?to .*?file (.+?)\s*$/;
const KNOWN_TYPES = /\(known types: ([^)]*)\)?/;
/** Longer lines are cut before matching: no Caffe progress line comes close. */
const MAX_LINE = 20_000;

/** Parses a C++ stream-printed number, which spells infinities and NaN `inf` and `nan`. */
export function parseCaffeNumber(text: string): number {
  const lower = text.toLowerCase();
  if (lower.endsWith('nan')) return NaN;
  if (lower.endsWith('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/**
 * The time of a glog line. glog writes `MMDD hh:mm:ss.micros` in the local time of the process
 * that logged, without a year; it is read here as local time of this process, which is right
 * when both run in the same time zone (our containers and Lambdas all run in UTC). Without
 * `year`, the current year is used, or the previous one if that would put the line more than a
 * day in the future (a December line read in January). Undefined for lines that are not glog.
 */
export function parseGlogTime(line: string, year?: number): Date | undefined {
  const m = GLOG_TIME.exec(line);
  if (!m) return undefined;
  const [month, day, hour, minute, second] = m.slice(1, 6).map(Number) as [number, number, number, number, number];
  const ms = Math.floor(Number((m[6] ?? '0').padEnd(6, '0')) / 1000);
  const at = (y: number) => new Date(y, month - 1, day, hour, minute, second, ms);
  let date: Date;
  if (year !== undefined) {
    date = at(year);
  } else {
    const now = new Date();
    date = at(now.getFullYear());
    if (date.getTime() - now.getTime() > 86_400_000) date = at(now.getFullYear() - 1);
  }
  // Date rolls invalid fields over (Feb 30 → Mar 2); such a line is not a real timestamp. The
  // clock is range-checked by value instead, so a time in a DST gap still reads as a time.
  const valid = date.getMonth() === month - 1 && date.getDate() === day && hour < 24 && minute < 60 && second < 61;
  return valid ? date : undefined;
}

/** Shortens a fatal message: Caffe's "(known types: …)" list runs to a hundred layer types. */
export function readableFatal(message: string): string {
  let text = message.trim().replace(KNOWN_TYPES, (_all, list: string) => {
    const types = list
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t.length > 0);
    if (types.length <= 8) return `(known types: ${types.join(', ')})`;
    return `(known types: ${types.slice(0, 8).join(', ')}, … ${types.length - 8} more)`;
  });
  if (text.length > 1000) text = `${text.slice(0, 1000)}…`;
  return text;
}

/** The progress event in one log line, if any. */
export function parseCaffeLine(line: string): CaffeEvent | undefined {
  const text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line;
  const protobuf = PROTOBUF_ERROR.exec(text);
  if (protobuf) return { type: 'fatal', message: readableFatal(protobuf[1] ?? '') };
  const glog = GLOG.exec(text);
  if (!glog) return undefined;
  const message = (glog[5] ?? '').trim();
  if (glog[1] === 'F') return { type: 'fatal', message: readableFatal(message) };
  return parseCaffeMessage(message);
}

/** The progress event in the message part of a glog line (after `] `), if any. */
export function parseCaffeMessage(message: string): CaffeEvent | undefined {
  let m = ITER_TIMED.exec(message);
  if (m) {
    return {
      type: 'iteration',
      iteration: Number(m[1]),
      iterationsPerSecond: parseCaffeNumber(m[2] ?? ''),
      loss: parseCaffeNumber(m[3] ?? ''),
    };
  }
  if ((m = ITER_LOSS.exec(message)))
    return { type: 'iteration', iteration: Number(m[1]), loss: parseCaffeNumber(m[2] ?? '') };
  if ((m = ITER_LR.exec(message))) {
    return { type: 'iteration', iteration: Number(m[1]), learningRate: parseCaffeNumber(m[2] ?? '') };
  }
  if ((m = ITER_TESTING.exec(message))) return { type: 'iteration', iteration: Number(m[1]), testNet: Number(m[2]) };
  if ((m = ITER_ANY.exec(message))) return { type: 'iteration', iteration: Number(m[1]) };
  if ((m = TEST_OUTPUT.exec(message)))
    return { type: 'testOutput', name: m[1] ?? '', value: parseCaffeNumber(m[2] ?? '') };
  if ((m = SNAPSHOT.exec(message))) return { type: 'snapshot', path: m[1] ?? '' };
  if (message.startsWith('Optimization Done')) return { type: 'done' };
  if (message.startsWith('Optimization stopped early')) return { type: 'stoppedEarly' };
  if (message.startsWith('Initializing solver from parameters')) return { type: 'solverParameters' };
  return undefined;
}

/** The name a test output goes by: as Caffe logs it for the first test net, `<name>#<n>` for test net n > 0. */
export const testOutputName = (name: string, testNet: number): string => (testNet > 0 ? `${name}#${testNet}` : name);

/** The iteration of a snapshot file (`…_iter_500.caffemodel`), if the path names one. */
const snapshotIteration = (file: string): number | undefined => {
  const m = /_iter_(\d+)\.(?:caffemodel|solverstate)(?:\.h5)?$/.exec(file);
  return m ? Number(m[1]) : undefined;
};

/** Accumulates progress from Caffe's log, fed one line at a time. */
export class CaffeProgressTracker {
  private readonly progress: CaffeProgress = {
    iteration: 0,
    testOutputs: {},
    snapshots: [],
    done: false,
    stoppedEarly: false,
  };
  private readonly maxIterationsGiven: boolean;
  /** Inside the solver parameter dump that follows "Initializing solver from parameters:". */
  private inSolverDump = false;
  /** Set once Caffe reports iter/s itself; until then the rate is derived from timestamps. */
  private rateReported = false;
  private lastLossAt?: { iteration: number; time: Date };
  private year: number | undefined;
  private lastMonth = 0;
  /** The test net whose outputs the log is printing (from "Testing net (#n)"). */
  private testNet = 0;

  constructor(options: { maxIterations?: number; year?: number } = {}) {
    this.year = options.year;
    this.maxIterationsGiven = options.maxIterations !== undefined;
    if (options.maxIterations !== undefined) this.progress.maxIterations = options.maxIterations;
  }

  /** Takes one log line (a chunk with several lines is split); never throws on odd input. */
  feed(line: string): void {
    if (typeof line !== 'string') return;
    for (const one of line.split(/\r?\n/)) this.feedOne(one.replace(/\r$/, ''));
  }

  /** A copy of the progress so far. */
  snapshot(): CaffeProgress {
    return { ...this.progress, testOutputs: { ...this.progress.testOutputs }, snapshots: [...this.progress.snapshots] };
  }

  private feedOne(line: string): void {
    if (this.inSolverDump) {
      if (!GLOG.test(line)) {
        this.readSolverDumpLine(line);
        return;
      }
      this.inSolverDump = false;
    }
    const event = parseCaffeLine(line);
    if (event) this.apply(event, line);
  }

  /** Without a max iteration count from the caller, Caffe's own dump of the solver has it. */
  private readSolverDumpLine(line: string): void {
    const m = /^max_iter: (\d+)\s*$/.exec(line);
    if (m && !this.maxIterationsGiven) this.progress.maxIterations = Number(m[1]);
  }

  private apply(event: CaffeEvent, line: string): void {
    const p = this.progress;
    switch (event.type) {
      case 'iteration':
        this.applyIteration(event, line);
        return;
      case 'testOutput':
        p.testOutputs[testOutputName(event.name, this.testNet)] = event.value;
        return;
      case 'snapshot': {
        if (!p.snapshots.includes(event.path)) p.snapshots.push(event.path);
        // The last snapshot is where training stopped, even when no display line fell on it
        // (display: 100 with max_iter: 30 prints iteration 0 and then only the snapshot).
        const iteration = snapshotIteration(event.path);
        if (iteration !== undefined && iteration > p.iteration) p.iteration = iteration;
        return;
      }
      case 'solverParameters':
        this.inSolverDump = true;
        return;
      case 'done':
        p.done = true;
        return;
      case 'stoppedEarly':
        p.stoppedEarly = true;
        return;
      case 'fatal':
        p.fatalError ??= event.message;
        return;
    }
  }

  private applyIteration(event: Extract<CaffeEvent, { type: 'iteration' }>, line: string): void {
    const p = this.progress;
    p.iteration = event.iteration;
    this.testNet = event.testNet ?? 0;
    if (event.learningRate !== undefined) p.learningRate = event.learningRate;
    if (event.iterationsPerSecond !== undefined) {
      this.rateReported = true;
      // Caffe's first display (iteration 0) divides by an unset timer and prints nonsense like
      // -1.03e+14; a zero-length interval prints inf. Neither is a rate worth showing.
      const rate = event.iterationsPerSecond;
      if (event.iteration > 0 && Number.isFinite(rate) && rate > 0) p.iterationsPerSecond = rate;
    }
    const time = this.timeOf(line);
    if (time) {
      p.firstIterationAt ??= time;
      p.lastIterationAt = time;
    }
    if (event.loss === undefined) return;
    p.loss = event.loss;
    // Older Caffe prints no iter/s: derive it from the timestamps of successive loss lines.
    if (!this.rateReported && time && this.lastLossAt) {
      const iterations = event.iteration - this.lastLossAt.iteration;
      const seconds = (time.getTime() - this.lastLossAt.time.getTime()) / 1000;
      if (iterations > 0 && seconds > 0) p.iterationsPerSecond = iterations / seconds;
    }
    if (time) this.lastLossAt = { iteration: event.iteration, time };
  }

  /** With an explicit year, a log that runs from December into January moves to the next year. */
  private timeOf(line: string): Date | undefined {
    const time = parseGlogTime(line, this.year);
    if (time && this.year !== undefined) {
      const month = time.getMonth() + 1;
      if (month === 1 && this.lastMonth === 12) {
        this.year += 1;
        this.lastMonth = month;
        return parseGlogTime(line, this.year);
      }
      this.lastMonth = month;
    }
    return time;
  }
}
