/**
 * The `caffe train` process and everything that runs beside it: the log streamed to a file and to
 * S3, progress written to the record about once a second, snapshots uploaded as Caffe writes them,
 * and a graceful stop (SIGINT makes Caffe snapshot; SIGTERM would not).
 */
import { createWriteStream } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { CaffeProgressTracker } from '../../core/caffe/log';
import { spawnCaffeTool } from '../../core/caffe/tools';
import { keys, readText } from '../../core/objects';
import * as records from '../../core/records/store';
import type { TrainingProgress } from '../../core/records/types';
import { intermediateSnapshotTag } from '../../core/topology';
import type { WorkerContext } from './context';
import { upload, uploadText } from './transfer';

const progressEveryMs = 1000;
const logEveryMs = 3000;
/** Snapshots go to S3 soon after Caffe wrote them: what an interruption can lose is what is not there yet. */
const snapshotSyncEveryMs = 1000;
const snapshotTags = { [intermediateSnapshotTag.key]: intermediateSnapshotTag.value };

export interface Snapshot {
  iteration: number;
  model: string;
  solverState?: string;
}

export interface TrainingOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The worker was asked to stop (Batch terminate, timeout, spot reclaim). */
  stopped: boolean;
  /** The job was cancelled: the worker saw it on the record and stopped Caffe itself. */
  cancelled: boolean;
  snapshots: Snapshot[];
  progress: TrainingProgress;
}

const snapshotName = /_iter_(\d+)\.(caffemodel|solverstate)$/;

/** The snapshots in the directory, oldest first. */
async function listSnapshots(dir: string): Promise<Snapshot[]> {
  const byIteration = new Map<number, Snapshot>();
  for (const name of await readdir(dir)) {
    const match = snapshotName.exec(name);
    if (!match) continue;
    const iteration = Number(match[1]);
    const entry = byIteration.get(iteration) ?? { iteration, model: '' };
    if (match[2] === 'caffemodel') entry.model = path.join(dir, name);
    else entry.solverState = path.join(dir, name);
    byIteration.set(iteration, entry);
  }
  return [...byIteration.values()].filter((s) => s.model).sort((a, b) => a.iteration - b.iteration);
}

function toProgress(tracker: CaffeProgressTracker, maxIterations: number): TrainingProgress {
  const p = tracker.snapshot();
  return {
    iteration: p.iteration,
    maxIterations: p.maxIterations ?? maxIterations,
    testOutputs: p.testOutputs,
    ...(p.loss !== undefined ? { loss: p.loss } : {}),
    ...(p.learningRate !== undefined ? { learningRate: p.learningRate } : {}),
    ...(p.iterationsPerSecond !== undefined ? { iterationsPerSecond: p.iterationsPerSecond } : {}),
    ...etaOf(p.iteration, p.maxIterations ?? maxIterations, p.iterationsPerSecond),
  };
}

function etaOf(iteration: number, maxIterations: number, rate: number | undefined): { etaSeconds?: number } {
  if (!rate || !(rate > 0) || iteration > maxIterations) return {};
  return { etaSeconds: Math.round((maxIterations - iteration) / rate) };
}

/**
 * The log so far of earlier attempts of this job, so the log in S3 only ever grows (a client
 * following it by offset never sees it shrink) and shows every attempt.
 */
async function earlierAttempts(
  tenantId: string,
  jobId: string,
  attempt: number,
  resumedFrom: number | undefined,
): Promise<string> {
  const previous = await readText(keys.jobLog(tenantId, jobId));
  if (!previous) return '';
  const how = resumedFrom === undefined ? 'starts over' : `resumes from its snapshot at iteration ${resumedFrom}`;
  return `${previous}${previous.endsWith('\n') ? '' : '\n'}[worker] attempt ${attempt} ${how}\n`;
}

export async function runTraining(
  ctx: WorkerContext,
  job: {
    tenantId: string;
    jobId: string;
    solverFile: string;
    snapshotDir: string;
    tracker: CaffeProgressTracker;
    extraArgs?: string[];
    /** Snapshot files already in S3 (the one this attempt resumes from). */
    alreadyUploaded?: string[];
    resumedFrom?: number;
    /** Lines written to the log before Caffe's (`[worker] …`). */
    logNotes?: string[];
    /** Ask Caffe for a snapshot this often (SIGHUP: snapshot and continue); for solvers that set no interval. */
    snapshotEverySeconds?: number;
  },
): Promise<TrainingOutcome> {
  const { tenantId, jobId, tracker } = job;
  const maxIterations = tracker.snapshot().maxIterations ?? 0;
  // A stop that came while the attempt was still downloading: nothing to snapshot, nothing to start.
  if (ctx.stopping.aborted)
    throw new Error('the worker was asked to stop before training started; the job will be retried');
  const logFile = path.join(ctx.workDir, 'caffe.log');
  const notes = (job.logNotes ?? []).map((note) => `[worker] ${note}\n`).join('');
  await writeFile(logFile, (await earlierAttempts(tenantId, jobId, ctx.attempt, job.resumedFrom)) + notes);
  const log = createWriteStream(logFile, { flags: 'a' });
  const caffe = spawnCaffeTool('caffe', ['train', `--solver=${job.solverFile}`, ...(job.extraArgs ?? [])], {
    cwd: ctx.workDir,
    ...(ctx.caffePrefix ? { prefix: ctx.caffePrefix } : {}),
  });
  let changed = false;
  let logChanged = false;
  let cancelled = false;
  // Caffe installs its SIGINT/SIGHUP handlers before it builds the solver, so once it logs
  // "Solving <net>" a SIGHUP means "snapshot" (before that it would kill it).
  let solving = false;
  const onLine = (line: string) => {
    if (!solving && /\] Solving \S/.test(line)) solving = true;
    log.write(`${line}\n`);
    tracker.feed(line);
    changed = logChanged = true;
  };
  for (const stream of [caffe.stdout, caffe.stderr])
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);

  // Each file as it was when uploaded (mtime and size): the last round re-uploads any file that
  // changed since, so a file a slow disk was still writing never stays cut short in S3.
  const signature = async (file: string) => {
    const { mtimeMs, size } = await stat(file);
    return { mtimeMs, key: `${mtimeMs}:${size}` };
  };
  const uploaded = new Map<string, string>();
  for (const file of job.alreadyUploaded ?? []) uploaded.set(file, (await signature(file)).key);
  const syncSnapshots = async (final: boolean) => {
    const cutoff = Date.now() - 1500; // a file still being written is left for the next round
    for (const snapshot of await listSnapshots(job.snapshotDir)) {
      for (const file of [snapshot.model, snapshot.solverState]) {
        if (!file || (!final && uploaded.has(file))) continue;
        const current = await signature(file);
        if (final ? uploaded.get(file) === current.key : current.mtimeMs > cutoff) continue;
        await upload(file, keys.jobSnapshot(tenantId, jobId, path.basename(file)), undefined, snapshotTags);
        uploaded.set(file, current.key);
      }
    }
  };
  const writeProgress = async () => {
    if (!changed) return;
    changed = false;
    const written = await records.update('training-jobs', tenantId, jobId, {
      set: { progress: toProgress(tracker, maxIterations) },
      condition: 'NOT #status IN (:succeeded, :failed, :cancelled)',
      names: { '#status': 'status' },
      values: { ':succeeded': 'succeeded', ':failed': 'failed', ':cancelled': 'cancelled' },
    });
    // Not written: the job has finished. Cancelled means stop now, even if Batch's terminate never arrives.
    if (!written && !cancelled && (await records.find('training-jobs', tenantId, jobId))?.status === 'cancelled') {
      cancelled = true;
      caffe.kill('SIGINT');
    }
  };
  const uploadLog = async () => {
    if (!logChanged) return;
    logChanged = false;
    await uploadText(await readFile(logFile, 'utf8'), keys.jobLog(tenantId, jobId));
  };
  // Side work must never slow or kill training: failures are logged and retried on the next tick.
  const guarded = (task: () => Promise<void>) => () =>
    task().catch((error) => console.error(`[worker] ${(error as Error).message}`));
  const timers = [
    setInterval(guarded(writeProgress), progressEveryMs),
    setInterval(guarded(uploadLog), logEveryMs),
    setInterval(
      guarded(() => syncSnapshots(false)),
      snapshotSyncEveryMs,
    ),
  ];
  if (job.snapshotEverySeconds) {
    const requestSnapshot = () => {
      if (solving && !ctx.stopping.aborted && !cancelled) caffe.kill('SIGHUP');
    };
    timers.push(setInterval(requestSnapshot, job.snapshotEverySeconds * 1000));
  }
  const stop = () => caffe.kill('SIGINT');
  ctx.stopping.addEventListener('abort', stop, { once: true });

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    caffe.on('close', (c, s) => resolve([c, s])),
  );
  ctx.stopping.removeEventListener('abort', stop);
  timers.forEach(clearInterval);
  await new Promise<void>((resolve) => log.end(resolve));
  await syncSnapshots(true);
  changed = logChanged = true;
  await Promise.all([writeProgress(), uploadLog()]);
  return {
    code,
    signal,
    stopped: ctx.stopping.aborted,
    cancelled,
    snapshots: await listSnapshots(job.snapshotDir),
    progress: toProgress(tracker, maxIterations),
  };
}
