/**
 * The Batch job state machine: SUBMITTED → PENDING → RUNNABLE → STARTING → RUNNING →
 * SUCCEEDED | FAILED, placement on compute environments within their maxvCpus, retries,
 * timeouts, termination, and one EventBridge-shaped event per state change.
 *
 * State lives in memory only. That is enough locally: on restart the local runtime re-enqueues
 * unfinished work from DynamoDB, just as it recovers from a lost job on AWS.
 */
import type {
  AttemptContainerDetail,
  AttemptDetail,
  ComputeEnvironmentDetail,
  JobDetail,
  JobQueueDetail,
  JobStatus,
} from '@aws-sdk/client-batch';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { tuningEnv } from '../../core/caffe/tuning-env';
import { shouldRetry } from './job-spec';
import { runAttempt, type AttemptOutcome, type AttemptProcess } from './runner';
import { statusReasons, type BatchEmulatorOptions, type BatchStateChangeEvent, type StopCause } from './types';

/** A job as the scheduler tracks it. */
export interface JobRecord {
  /** What DescribeJobs returns, kept current. */
  detail: JobDetail & { attempts: AttemptDetail[]; container: NonNullable<JobDetail['container']> };
  queue: JobQueueDetail;
  definitionName: string;
  vcpus: number;
  /**
   * Definition + override variables; the emulator's baseEnv is added at spawn and never shown (it holds credentials).
   */
  environment: Record<string, string>;
  /** Submission order, for FIFO placement. */
  seq: number;
  ce?: ComputeEnvironmentDetail;
  process?: AttemptProcess;
  attemptStartedAt?: number;
  stopCause?: StopCause;
  terminateReason?: string;
  timeoutTimer?: NodeJS.Timeout;
  /** Event deliveries of this job, chained so they arrive in order. */
  deliveries: Promise<void>;
  warnedNoCapacity?: boolean;
}

/** The emulator options the scheduler uses, plus the registry's placement rules. */
export type SchedulerConfig = Required<Pick<BatchEmulatorOptions, 'images' | 'logDir' | 'region' | 'accountId'>> &
  Pick<BatchEmulatorOptions, 'baseEnv' | 'onEvent' | 'echo'> & {
    graceMs: number;
    /** The queue's compute environments in placement order, and how many vCPUs each may run. */
    placement: (queue: JobQueueDetail) => ComputeEnvironmentDetail[];
    capacity: (ce: ComputeEnvironmentDetail) => number;
  };

const terminal = new Set<JobStatus | undefined>(['SUCCEEDED', 'FAILED']);

/** Runs jobs through their states and emits their events. */
export class Scheduler {
  private readonly all = new Map<string, JobRecord>();
  private readonly active = new Set<JobRecord>();
  private closed = false;
  private seq = 0;

  constructor(private readonly config: SchedulerConfig) {}

  /** Accepts a job built by SubmitJob: it is SUBMITTED now and moves on right after the response. */
  submit(job: Omit<JobRecord, 'seq' | 'deliveries'>): JobRecord {
    const record: JobRecord = { ...job, seq: this.seq++, deliveries: Promise.resolve() };
    this.all.set(record.detail.jobId ?? '', record);
    this.active.add(record);
    this.setStatus(record, 'SUBMITTED');
    setImmediate(() => this.advance(record));
    return record;
  }

  /** A job by ID or ARN. */
  get(ref: string): JobRecord | undefined {
    return this.all.get(ref) ?? this.all.get(ref.slice(ref.lastIndexOf('/') + 1));
  }

  /** Every job, oldest first. */
  list(): JobRecord[] {
    return [...this.all.values()];
  }

  /** TerminateJob: fails waiting jobs at once; stops a started one (no retry) and fails it when it exits. */
  terminate(job: JobRecord, reason: string): void {
    if (terminal.has(job.detail.status)) return;
    job.detail.isTerminated = true;
    if (job.process) {
      this.stop(job, 'terminate', reason);
      return;
    }
    this.setStatus(job, 'FAILED', reason);
    this.resolveDependencies();
  }

  /** CancelJob: fails a job that has not started; one that has is left alone, as on AWS. */
  cancel(job: JobRecord, reason: string): void {
    if (!['SUBMITTED', 'PENDING', 'RUNNABLE'].includes(job.detail.status ?? '')) return;
    job.detail.isCancelled = true;
    this.setStatus(job, 'FAILED', reason);
    this.resolveDependencies();
  }

  /** Spot reclaim of the job's host: the attempt fails as host-terminated and may be retried. */
  interrupt(job: JobRecord): void {
    if (!job.process) throw new Error(`job ${job.detail.jobId} is ${job.detail.status}, not STARTING or RUNNING`);
    this.stop(job, 'host-interruption');
  }

  /** Signals the attempt's main process (a crash or an OOM kill): the attempt ends as the process does. */
  signal(job: JobRecord, signal: NodeJS.Signals): void {
    if (!job.process) throw new Error(`job ${job.detail.jobId} is ${job.detail.status}, not STARTING or RUNNING`);
    job.process.signal(signal);
  }

  /** Kills every running attempt and waits for pending event deliveries; nothing is emitted afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.active].filter((job) => job.process);
    for (const job of running) {
      clearTimeout(job.timeoutTimer);
      job.process?.kill();
    }
    await Promise.all(running.map((job) => job.process?.finished));
    await Promise.all([...this.all.values()].map((job) => job.deliveries));
  }

  /** Places runnable jobs on free capacity: queue priority first, then submission order. */
  schedule(): void {
    if (this.closed) return;
    const runnable = [...this.active]
      .filter((job) => job.detail.status === 'RUNNABLE' && job.queue.state === 'ENABLED')
      .sort((a, b) => (b.queue.priority ?? 0) - (a.queue.priority ?? 0) || a.seq - b.seq);
    for (const job of runnable) {
      const environments = this.config.placement(job.queue);
      const ce = environments.find((c) => this.used(c) + job.vcpus <= this.config.capacity(c));
      if (ce) this.start(job, ce);
      else if (!job.warnedNoCapacity && environments.every((c) => job.vcpus > this.config.capacity(c))) {
        // AWS leaves such a job RUNNABLE forever too; say why, since locally that is a surprise.
        job.warnedNoCapacity = true;
        console.warn(
          `[batch emulator] job ${job.detail.jobId} needs ${job.vcpus} vCPUs, ` +
            `more than any enabled compute environment of ${job.queue.jobQueueName} allows; it stays RUNNABLE`,
        );
      }
    }
  }

  private used(ce: ComputeEnvironmentDetail): number {
    let sum = 0;
    for (const job of this.active) if (job.ce === ce) sum += job.vcpus;
    return sum;
  }

  private advance(job: JobRecord): void {
    if (this.closed || job.detail.status !== 'SUBMITTED') return;
    if (job.detail.dependsOn?.length) {
      this.setStatus(job, 'PENDING');
      this.resolveDependencies();
    } else {
      this.setStatus(job, 'RUNNABLE');
      this.schedule();
    }
  }

  /** Releases PENDING jobs whose dependencies all succeeded; fails those with a failed dependency (cascading). */
  private resolveDependencies(): void {
    let changed = true;
    while (changed && !this.closed) {
      changed = false;
      for (const job of this.active) {
        if (job.detail.status !== 'PENDING') continue;
        const deps = (job.detail.dependsOn ?? []).map((d) => this.get(d.jobId ?? '')?.detail.status);
        if (deps.includes('FAILED')) this.setStatus(job, 'FAILED', statusReasons.dependencyFailed);
        else if (deps.every((s) => s === 'SUCCEEDED')) this.setStatus(job, 'RUNNABLE');
        else continue;
        changed = true;
      }
    }
    this.schedule();
  }

  private start(job: JobRecord, ce: ComputeEnvironmentDetail): void {
    const jobId = job.detail.jobId ?? '';
    const attempt = job.detail.attempts.length + 1;
    const logStreamName = `${job.definitionName}/default/${jobId}-${attempt}`;
    job.ce = ce;
    job.attemptStartedAt = undefined;
    job.detail.container = { ...job.detail.container, exitCode: undefined, reason: undefined, logStreamName };
    this.setStatus(job, 'STARTING');
    const entrypoint = resolveImage(this.config.images, job.detail.container.image ?? '');
    if (entrypoint === undefined) {
      const error = new Error(
        `CannotPullContainerError: image ${job.detail.container.image} is not in the emulator's image map`,
      );
      setImmediate(() => this.finishAttempt(job, { error }, logStreamName));
      return;
    }
    // A fresh environment, as a container gets, except the host's BLAS/OpenMP tuning (read per
    // attempt): without it Caffe would run another OpenBLAS kernel than on the host. The job's own
    // variables (its definition's, as on AWS) still win.
    const env: Record<string, string> = {
      ...(process.env.PATH !== undefined && { PATH: process.env.PATH }),
      ...(process.env.HOME !== undefined && { HOME: process.env.HOME }),
      ...tuningEnv(process.env),
      ...this.config.baseEnv,
      ...job.environment,
      AWS_BATCH_JOB_ID: jobId,
      AWS_BATCH_JOB_ATTEMPT: String(attempt),
      AWS_BATCH_JQ_NAME: job.queue.jobQueueName ?? '',
      AWS_BATCH_CE_NAME: ce.computeEnvironmentName ?? '',
    };
    const echo = this.config.echo;
    job.process = runAttempt(
      {
        argv: [...entrypoint, ...(job.detail.container.command ?? [])],
        env,
        logFile: join(this.config.logDir, `${jobId}-${attempt}.log`),
        ...(echo && { echo: (line: string) => echo(jobId, line) }),
      },
      () => this.onRunning(job),
    );
    void job.process.finished.then((outcome) => this.finishAttempt(job, outcome, logStreamName));
  }

  private onRunning(job: JobRecord): void {
    if (this.closed || job.detail.status !== 'STARTING') return;
    job.attemptStartedAt = Date.now();
    job.detail.startedAt = job.attemptStartedAt;
    this.setStatus(job, 'RUNNING');
    const seconds = job.detail.timeout?.attemptDurationSeconds;
    if (seconds !== undefined) job.timeoutTimer = setTimeout(() => this.stop(job, 'timeout'), seconds * 1000);
  }

  /** Stops a started attempt; the first cause wins, except that a terminate always does (it forbids retries). */
  private stop(job: JobRecord, cause: StopCause, reason?: string): void {
    if (!job.process || (job.stopCause !== undefined && cause !== 'terminate')) return;
    job.stopCause = cause;
    if (reason !== undefined) job.terminateReason = reason;
    job.process.stop(this.config.graceMs);
  }

  private finishAttempt(job: JobRecord, outcome: AttemptOutcome, logStreamName: string): void {
    // A job that never got a process (unknown image) may have been terminated meanwhile.
    if (this.closed || (job.detail.status !== 'STARTING' && job.detail.status !== 'RUNNING')) return;
    clearTimeout(job.timeoutTimer);
    const cause = job.stopCause;
    const container: AttemptContainerDetail = {
      exitCode: outcome.exitCode,
      reason: outcome.error?.message ?? (outcome.signal && `Container killed by ${outcome.signal}`),
      logStreamName,
    };
    const attemptReason =
      cause === 'host-interruption'
        ? statusReasons.hostTerminated
        : cause === 'timeout'
          ? statusReasons.timeout
          : outcome.error
            ? statusReasons.startFailed
            : statusReasons.exited;
    const attempt: AttemptDetail = {
      container,
      startedAt: job.attemptStartedAt,
      stoppedAt: Date.now(),
      statusReason: attemptReason,
    };
    job.detail.attempts.push(attempt);
    job.detail.container = { ...job.detail.container, exitCode: container.exitCode, reason: container.reason };
    job.ce = undefined;
    job.process = undefined;
    job.stopCause = undefined;

    if (cause === 'terminate') this.setStatus(job, 'FAILED', job.terminateReason);
    // AWS documents that a job stopped for exceeding its timeout is not retried, whatever retryStrategy says.
    else if (cause === 'timeout') this.setStatus(job, 'FAILED', attemptReason);
    else if (cause === undefined && outcome.exitCode === 0) this.setStatus(job, 'SUCCEEDED', attemptReason);
    else if (shouldRetry(job.detail.retryStrategy, attempt, job.detail.attempts.length))
      this.setStatus(job, 'RUNNABLE');
    else this.setStatus(job, 'FAILED', attemptReason);
    this.resolveDependencies();
  }

  private setStatus(job: JobRecord, status: JobStatus, statusReason?: string): void {
    job.detail.status = status;
    job.detail.statusReason = statusReason;
    if (terminal.has(status)) {
      this.active.delete(job);
      job.ce = undefined;
      // stoppedAt marks leaving RUNNING; a job that never ran has none.
      if (job.detail.startedAt !== undefined) job.detail.stoppedAt = Date.now();
    }
    this.emit(job);
  }

  private emit(job: JobRecord): void {
    const onEvent = this.config.onEvent;
    if (onEvent === undefined) return;
    const event: BatchStateChangeEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Batch Job State Change',
      source: 'aws.batch',
      account: this.config.accountId,
      time: new Date().toISOString(),
      region: this.config.region,
      resources: [job.detail.jobArn ?? ''],
      detail: structuredClone(job.detail),
    };
    job.deliveries = job.deliveries.then(async () => {
      try {
        await onEvent(event);
      } catch (err) {
        console.error(`[batch emulator] onEvent failed for ${job.detail.jobId} ${event.detail.status}:`, err);
      }
    });
  }
}

/** An image's entrypoint: exact name first, else the repository name without registry, tag or digest. */
function resolveImage(images: Record<string, string[]>, image: string): string[] | undefined {
  if (Object.hasOwn(images, image)) return images[image];
  const repository = (image.split('/').at(-1) ?? image).split(/[:@]/)[0] ?? image;
  return Object.hasOwn(images, repository) ? images[repository] : undefined;
}
